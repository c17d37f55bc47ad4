/* SPDX-License-Identifier: MIT */
/* genworm: the behavioural detectors' test bed (issue 17). It writes a
 * capture of an unknown worm spreading through a simulated network, mixed
 * into benign web traffic, and the truth beside it.
 *
 *   genworm [options] > OUT.pcapng      (genworm --help lists them)
 *
 * Everything in it is simulated and says so: the pcapng section comment
 * starts with "wormscope-simulated", so `wormscope scan` marks what it
 * finds as simulated. Nothing is sent anywhere. Addresses are private
 * (10.0.0.0/8): servers and empty space in 10.1.0.0/16, clients in
 * 10.2.0.0/16, busy clients (NAT gateways, proxies) in 10.3.0.0/24.
 *
 * The worm's request is a request line and headers that are not in the
 * worm table, followed by a body of FILLER text: no exploit code. With
 * --worm code-red-ii the request head is Code Red II's (the signature bytes
 * [CERT-IN-2001-08], [CERT-IN-2001-09] and [KB317605] record, as bench/genpcap writes them), for the
 * self-check that behaviour recovers a known worm's request.
 *
 * Model (seeded, deterministic):
 *  - 10.1.0.0/16 holds --servers web servers (port 80 answers SYN-ACK), of
 *    which --vulnerable can be infected, and --closed hosts that answer
 *    RST; the rest of the /16 is empty: a router answers ICMP
 *    port-unreachable for --icmp of those probes, the others go unanswered.
 *  - Benign: --clients clients each fetch 1-3 pages from 1-2 servers (a
 *    Zipf-like choice of popular servers), 2 % of those attempts to a server
 *    that is down (no answer); --busy busy clients each open --busy-conns
 *    connections to many servers, 5 % of them failing (RST or no answer).
 *  - Worm: from --start seconds on, one vulnerable server is infected; an
 *    infected host probes uniformly random addresses of the /16 at --rate
 *    per second (3/8 of them outside it, to 10.4.0.0/16, where nothing
 *    answers, as Code Red II's 1/8 + 1/4 off-prefix choices), and sends the
 *    worm's request to every server that completes the handshake; a
 *    vulnerable server is infected 1 s after the request and starts to
 *    probe. It stops at --duration seconds or --until infected hosts.
 *
 * The truth (--truth FILE): one line per event, time in microseconds:
 *   infected TS_US ADDR            a host became infected (the first at --start)
 *   request TS_US SRC DST          the worm's request was sent
 *   busy ADDR                      a busy client (benign by construction)
 *   benign ADDR                    a benign client */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap/pcapng.h"
#include "util/mem.h"

struct pkt {
	uint64_t ts;  /* microseconds */
	uint64_t seq; /* insertion order: ties keep it */
	uint32_t off, len;
};

static struct pkt *pk;
static size_t npk, cappk;
static uint8_t *arena;
static size_t narena, caparena;
static uint64_t rng_state;
static uint64_t t0_us = 1000000000ull * 1000000ull; /* 2001-09-09T01:46:40Z */

/* --log: the servers' access log, one combined-format line per answered
 * request, written in time order at the end. */
struct logline {
	uint64_t ts, seq;
	char *text;
};
static struct logline *lg;
static size_t nlg, caplg;
static bool want_log;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}
static uint32_t rnd(uint32_t n) { return (uint32_t)((rnd64() >> 32) % n); }
static double unif(void) { return (double)(rnd64() >> 11) / 9007199254740992.0; }

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 4096;
	while (c < need)
		c *= 2;
	*cap = c;
	return ws_xreallocarray(p, c, elem);
}

static uint8_t *frame_at(uint64_t ts_us, uint32_t len)
{
	pk = grow(pk, &cappk, npk + 1, sizeof(*pk));
	arena = grow(arena, &caparena, narena + len, 1);
	pk[npk] = (struct pkt){ts_us, npk, (uint32_t)narena, len};
	npk++;
	uint8_t *f = arena + narena;
	narena += len;
	return f;
}

static void ip_header(uint8_t *ip, uint32_t tot, uint8_t proto, uint32_t sip, uint32_t dip)
{
	static uint16_t id;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, tot);
	put16(ip + 4, id++);
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, sip);
	put32(ip + 16, dip);
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	put16(ip + 10, ~s & 0xffff);
}

static const uint8_t eth[14] = {0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, 0x88, 0x99, 0xaa, 8, 0};

static void tcp(uint64_t ts, uint32_t sip, uint16_t sp, uint32_t dip, uint16_t dp, uint32_t seq,
		uint32_t ack, uint8_t flags, const char *data, size_t n)
{
	uint8_t *f = frame_at(ts, (uint32_t)(54 + n));
	memcpy(f, eth, 14);
	ip_header(f + 14, (uint32_t)(40 + n), 6, sip, dip);
	uint8_t *t = f + 34;
	memset(t, 0, 20);
	put16(t, sp);
	put16(t + 2, dp);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	put16(t + 14, 64240);
	if (n)
		memcpy(t + 20, data, n);
}

/* ICMP port unreachable from router `rip` quoting the SYN sip:sp -> dip:dp. */
static void icmp_unreach(uint64_t ts, uint32_t rip, uint32_t sip, uint16_t sp, uint32_t dip,
			 uint16_t dp, uint32_t seq)
{
	uint8_t *f = frame_at(ts, 14 + 20 + 8 + 28);
	memcpy(f, eth, 14);
	ip_header(f + 14, 20 + 8 + 28, 1, rip, sip);
	uint8_t *ic = f + 34;
	memset(ic, 0, 8);
	ic[0] = 3;
	ic[1] = 3;
	uint8_t *q = ic + 8;
	ip_header(q, 40, 6, sip, dip);
	put16(q + 20, sp);
	put16(q + 22, dp);
	put32(q + 24, seq);
}

enum { SYN_ = 0x02, ACK_ = 0x10, PSH_ = 0x08, FIN_ = 0x01, RST_ = 0x04 };

static void log_request(uint64_t ts, uint32_t c, const char *req, size_t rn, int status)
{
	if (!want_log)
		return;
	const char *eol = memchr(req, '\r', rn);
	size_t ln = eol ? (size_t)(eol - req) : rn;
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int64_t s = (int64_t)(ts / 1000000);
	int64_t days = s / 86400, rem = s % 86400;
	/* civil from days (Howard Hinnant's algorithm) */
	int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1), m = (int)(mp < 10 ? mp + 3 : mp - 9);
	int y = (int)(yoe + era * 400 + (m <= 2));
	char buf[4400];
	int n = snprintf(buf, sizeof(buf),
			 "%u.%u.%u.%u - - [%02d/%s/%d:%02d:%02d:%02d +0000] \"%.*s\" %d 120 \"-\" "
			 "\"%s\"\n",
			 c >> 24, (c >> 16) & 255, (c >> 8) & 255, c & 255, d, mon[m - 1], y,
			 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (int)ln, req, status,
			 status == 200 ? "Mozilla/4.0 (compatible; MSIE 5.5; Windows NT 5.0)" : "-");
	lg = grow(lg, &caplg, nlg + 1, sizeof(*lg));
	lg[nlg].ts = ts;
	lg[nlg].seq = nlg;
	lg[nlg].text = ws_xmalloc((size_t)n + 1);
	memcpy(lg[nlg].text, buf, (size_t)n + 1);
	nlg++;
}

/* A whole HTTP exchange on a connection that was answered: handshake,
 * request in segments of up to 1460 bytes, an answer, the close. Returns
 * the time it ends. */
static uint64_t exchange(uint64_t ts, uint32_t c, uint16_t cp, uint32_t s, const char *req,
			 size_t rn, int status)
{
	uint32_t cs = (uint32_t)rnd64(), ss = (uint32_t)rnd64();
	tcp(ts, c, cp, s, 80, cs++, 0, SYN_, NULL, 0);
	ts += 300 + rnd(700);
	tcp(ts, s, 80, c, cp, ss++, cs, SYN_ | ACK_, NULL, 0);
	ts += 300 + rnd(700);
	tcp(ts, c, cp, s, 80, cs, ss, ACK_, NULL, 0);
	for (size_t off = 0; off < rn;) {
		size_t k = rn - off < 1460 ? rn - off : 1460;
		ts += 50 + rnd(200);
		tcp(ts, c, cp, s, 80, cs, ss, PSH_ | ACK_, req + off, k);
		cs += (uint32_t)k;
		off += k;
	}
	char ans[512];
	int an = snprintf(ans, sizeof(ans),
			  "HTTP/1.1 %d %s\r\nServer: simulated\r\nContent-Type: text/html\r\n"
			  "Content-Length: 120\r\n\r\n%120s",
			  status, status == 200 ? "OK" : "Not Found", "simulated page");
	ts += 500 + rnd(2000);
	log_request(ts, c, req, rn, status);
	tcp(ts, s, 80, c, cp, ss, cs, PSH_ | ACK_, ans, (size_t)an);
	ss += (uint32_t)an;
	ts += 200;
	tcp(ts, c, cp, s, 80, cs++, ss, FIN_ | ACK_, NULL, 0);
	ts += 200;
	tcp(ts, s, 80, c, cp, ss++, cs, FIN_ | ACK_, NULL, 0);
	ts += 200;
	tcp(ts, c, cp, s, 80, cs, ss, ACK_, NULL, 0);
	return ts;
}

/* ---- the network ---- */

#define NET 0x0a010000u  /* 10.1.0.0/16: servers, closed hosts, empty space */
#define CLI 0x0a020000u  /* 10.2.0.0/16: benign clients */
#define BUSY 0x0a030000u /* 10.3.0.0/24: NAT gateways and proxies */
#define OFF 0x0a040000u  /* 10.4.0.0/16: off-prefix probes, nothing answers */
#define ROUTER 0x0a01ffffu

enum kind { EMPTY = 0, SERVER, VULN, INFECTED, CLOSED };

static uint8_t host[65536];
static uint32_t servers[65536];
static uint32_t nservers;

struct opts {
	uint64_t seed;
	uint32_t nserv, nvuln, nclosed, nclients, nbusy, busy_conns, until;
	double rate, icmp, start, duration, curve_scale;
	bool no_worm, cr2;
	const char *truth, *log, *curve;
};

static char worm_req[8192];
static size_t worm_len;

static void make_worm(bool cr2)
{
	char *b = worm_req;
	size_t n;
	if (cr2) {
		/* Code Red II's request head ([CERT-IN-2001-09]), FILLER body. */
		static const char tail[] =
			"%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801"
			"%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a";
		n = (size_t)snprintf(b, sizeof(worm_req), "GET /default.ida?");
		memset(b + n, 'X', 224);
		n += 224;
		n += (size_t)snprintf(b + n, sizeof(worm_req) - n,
				      "%s HTTP/1.0\r\nContent-type: text/xml\r\nContent-length: 3379"
				      "\r\n\r\n", tail);
		for (int i = 0; i < 3379; i++)
			b[n++] = "FILLER-"[i % 7];
	} else {
		/* An unknown worm: a request no table entry names. */
		n = (size_t)snprintf(b, sizeof(worm_req),
				     "POST /cgi-bin/sim-update.cgi?mode=sync&token=SIMULATED-WORM-7f3a HTTP/1.1\r\n"
				     "Host: update.invalid\r\nX-Sim-Payload: filler-not-code\r\n"
				     "Content-Type: application/octet-stream\r\nContent-Length: 2048\r\n\r\n");
		for (int i = 0; i < 2048; i++)
			b[n++] = "FILLER-"[i % 7];
	}
	worm_len = n;
}

static const char *const pages[] = {"/", "/index.html", "/news/2001/09/story.html",
				     "/images/logo.gif", "/css/site.css", "/search?q=weather+today",
				     "/products/item.asp?id=12345&cat=7", "/favicon.ico",
				     "/about/contact.html", "/downloads/setup.exe"};

static void benign_request(uint64_t ts, uint32_t c, uint32_t s)
{
	char req[1024];
	int n = snprintf(req, sizeof(req),
			 "GET %s HTTP/1.1\r\nHost: www%u.example.org\r\nUser-Agent: Mozilla/4.0 "
			 "(compatible; MSIE 5.5; Windows NT 5.0)\r\nAccept: */*\r\n"
			 "Accept-Language: en-us\r\nConnection: close\r\n\r\n",
			 pages[rnd(10)], (unsigned)(s & 0xff));
	exchange(ts, c, (uint16_t)(1024 + rnd(60000)), s, req, (size_t)n, 200);
}

/* A connection attempt to a server that fails: no answer or RST. */
static void failed_attempt(uint64_t ts, uint32_t c, uint32_t s, bool rst)
{
	uint16_t cp = (uint16_t)(1024 + rnd(60000));
	uint32_t cs = (uint32_t)rnd64();
	tcp(ts, c, cp, s, 80, cs, 0, SYN_, NULL, 0);
	if (rst)
		tcp(ts + 400 + rnd(600), s, 80, c, cp, 0, cs + 1, RST_ | ACK_, NULL, 0);
}

/* A popular server: low indices far more often (p ~ 1/rank). */
static uint32_t popular(void)
{
	double u = unif();
	uint32_t i = (uint32_t)((double)nservers * u * u * u);
	return servers[i < nservers ? i : nservers - 1];
}

static void benign(const struct opts *o, uint64_t span, FILE *truth)
{
	for (uint32_t k = 0; k < o->nclients; k++) {
		uint32_t c = CLI + 1 + k;
		if (truth)
			fprintf(truth, "benign 10.2.%u.%u\n", (c >> 8) & 255, c & 255);
		int nsrv = 1 + (int)rnd(2);
		for (int j = 0; j < nsrv; j++) {
			uint32_t s = popular();
			uint64_t ts = t0_us + (uint64_t)(unif() * (double)span);
			if (rnd(100) < 2) {
				failed_attempt(ts, c, NET | rnd(65536) | 1, false);
				continue;
			}
			int pages_n = 1 + (int)rnd(3);
			for (int p = 0; p < pages_n; p++)
				benign_request(ts + (uint64_t)p * 800000, c, s);
		}
	}
	for (uint32_t k = 0; k < o->nbusy; k++) {
		uint32_t c = BUSY + 1 + k;
		if (truth)
			fprintf(truth, "busy 10.3.0.%u\n", c & 255);
		for (uint32_t j = 0; j < o->busy_conns; j++) {
			uint64_t ts = t0_us + (uint64_t)(unif() * (double)span);
			uint32_t s = rnd(2) ? popular() : servers[rnd(nservers)];
			uint32_t r = rnd(100);
			if (r < 5)
				failed_attempt(ts, c, r < 3 ? s : NET | rnd(65536), r < 3);
			else
				benign_request(ts, c, s);
		}
	}
}

struct inf {
	uint32_t addr;
	uint64_t next;
};

/* --curve: when hosts become infected, from `wormscope simulate --out-csv`:
 * the share of the population infected at each time_s (infected /
 * (susceptible + infected + removed)), time divided by --curve-scale. */
#define CURVE_MAX 100000
/* One line: "genworm: PATH: reason". */
static void cant_open(const char *path)
{
	fprintf(stderr, "genworm: %s: %s\n", path, strerror(errno));
}

static double curve_t[CURVE_MAX], curve_f[CURVE_MAX];
static size_t ncurve;

static int read_curve(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		cant_open(path);
		return -1;
	}
	char line[4096];
	int c_t = -1, c_s = -1, c_i = -1, c_r = -1, lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] == '#')
			continue;
		char *save = NULL, *tok;
		double v[64];
		int n = 0;
		if (c_t < 0) { /* the header */
			for (tok = strtok_r(line, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save), n++) {
				if (!strcmp(tok, "time_s")) c_t = n;
				else if (!strcmp(tok, "susceptible")) c_s = n;
				else if (!strcmp(tok, "infected")) c_i = n;
				else if (!strcmp(tok, "removed")) c_r = n;
			}
			if (c_t < 0 || c_s < 0 || c_i < 0 || c_r < 0 || c_t > 63 || c_s > 63 || c_i > 63 ||
			    c_r > 63) {
				fprintf(stderr, "genworm: %s:%d: not a simulate --out-csv header\n", path, lineno);
				fclose(f);
				return -1;
			}
			continue;
		}
		for (tok = strtok_r(line, ",\n", &save); tok && n < 64; tok = strtok_r(NULL, ",\n", &save))
			v[n++] = strtod(tok, NULL);
		double tot = n > c_r ? v[c_s] + v[c_i] + v[c_r] : 0;
		if (n <= c_r || !(tot > 0) || ncurve >= CURVE_MAX) {
			fprintf(stderr, "genworm: %s:%d: bad or too many rows\n", path, lineno);
			fclose(f);
			return -1;
		}
		curve_t[ncurve] = v[c_t];
		curve_f[ncurve++] = v[c_i] / tot;
	}
	fclose(f);
	if (!ncurve) {
		fprintf(stderr, "genworm: %s: no rows\n", path);
		return -1;
	}
	return 0;
}

/* Hosts the curve wants infected at t seconds after the worm's start. */
static uint32_t curve_target(double t, uint32_t nvuln)
{
	double f = 0;
	for (size_t i = 0; i < ncurve && curve_t[i] - curve_t[0] <= t; i++)
		f = curve_f[i];
	uint32_t n = (uint32_t)(f * nvuln + 0.5);
	return n ? n : 1;
}

static void worm(const struct opts *o, uint64_t span, FILE *truth)
{
	static struct inf inf[65536];
	uint32_t ninf = 0;
	uint64_t start = t0_us + (uint64_t)(o->start * 1e6);
	/* The first victim: a vulnerable server. */
	for (uint32_t i = 0; i < nservers; i++) {
		uint32_t a = servers[(i + rnd(nservers)) % nservers];
		if (host[a & 0xffff] == VULN) {
			host[a & 0xffff] = INFECTED;
			inf[ninf++] = (struct inf){a, start};
			if (truth)
				fprintf(truth, "infected %" PRIu64 " 10.1.%u.%u\n", start, (a >> 8) & 255,
					a & 255);
			break;
		}
	}
	uint64_t end = t0_us + span;
	double gap = 1e6 / (o->rate > 0 ? o->rate : 1);
	/* With --curve: vulnerable hosts the worm's request reached, waiting
	 * for the curve to infect them (the first reached go first). */
	static uint32_t reached[65536];
	uint32_t nreached = 0, taken = 0;
	for (;;) {
		/* The infected host whose next probe comes first. */
		uint32_t w = 0;
		for (uint32_t i = 1; i < ninf; i++)
			if (inf[i].next < inf[w].next)
				w = i;
		if (!ninf || inf[w].next >= end)
			break;
		uint64_t ts = inf[w].next;
		inf[w].next += (uint64_t)(gap * (0.5 + unif()));
		if (ncurve) {
			uint32_t want = curve_target((double)(ts - start) / 1e6 * o->curve_scale, o->nvuln);
			while (ninf < want && ninf < o->until) {
				uint32_t a = 0;
				while (taken < nreached && !a) {
					a = reached[taken++];
					if (host[a & 0xffff] != VULN)
						a = 0;
				}
				for (uint32_t k = 0; !a && k < nservers; k++) {
					uint32_t c = servers[rnd(nservers)];
					if (host[c & 0xffff] == VULN)
						a = c;
				}
				if (!a)
					break;
				host[a & 0xffff] = INFECTED;
				inf[ninf++] = (struct inf){a, ts + 1000000};
				if (truth)
					fprintf(truth, "infected %" PRIu64 " 10.1.%u.%u\n", ts + 1000000,
						(a >> 8) & 255, a & 255);
			}
		}
		uint32_t src = inf[w].addr;
		uint32_t dst = rnd(8) < 3 ? OFF | rnd(65536) : NET | rnd(65536);
		if (dst == src)
			continue;
		uint16_t sp = (uint16_t)(1024 + rnd(60000));
		uint32_t seq = (uint32_t)rnd64();
		enum kind k = (dst & 0xffff0000u) == NET ? (enum kind)host[dst & 0xffff] : EMPTY;
		switch (k) {
		case EMPTY:
			tcp(ts, src, sp, dst, 80, seq, 0, SYN_, NULL, 0);
			if ((dst & 0xffff0000u) == NET && unif() < o->icmp)
				icmp_unreach(ts + 2000 + rnd(3000), ROUTER, src, sp, dst, 80, seq);
			break;
		case CLOSED:
			tcp(ts, src, sp, dst, 80, seq, 0, SYN_, NULL, 0);
			tcp(ts + 500 + rnd(1500), dst, 80, src, sp, 0, seq + 1, RST_ | ACK_, NULL, 0);
			break;
		case SERVER:
		case VULN:
		case INFECTED:
			exchange(ts, src, sp, dst, worm_req, worm_len, 404);
			if (truth)
				fprintf(truth, "request %" PRIu64 " 10.1.%u.%u 10.1.%u.%u\n", ts,
					(src >> 8) & 255, src & 255, (dst >> 8) & 255, dst & 255);
			if (k == VULN && ncurve) {
				reached[nreached++ & 0xffff] = dst;
			} else if (k == VULN && ninf < o->until) {
				host[dst & 0xffff] = INFECTED;
				uint64_t at = ts + 1000000;
				inf[ninf++] = (struct inf){dst, at};
				if (truth)
					fprintf(truth, "infected %" PRIu64 " 10.1.%u.%u\n", at,
						(dst >> 8) & 255, dst & 255);
			}
			break;
		}
	}
}

static int cmp_log(const void *a, const void *b)
{
	const struct logline *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int write_log(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		cant_open(path);
		return 1;
	}
	qsort(lg, nlg, sizeof(*lg), cmp_log);
	fputs("#wormscope-simulated genworm access log: a simulated network, nothing real\n", f);
	for (size_t i = 0; i < nlg; i++) {
		fputs(lg[i].text, f);
		free(lg[i].text);
	}
	free(lg);
	return fclose(f) != 0;
}

static int cmp_pkt(const void *a, const void *b)
{
	const struct pkt *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void usage(FILE *f)
{
	fputs("usage: genworm [options] > OUT.pcapng   (simulated capture; --truth FILE for the truth)\n"
	      "  --seed N         (1)        --servers N (3000)   --vulnerable N (1000)\n"
	      "  --closed N       (3000)     --icmp P (0.3)       --clients N (2000)\n"
	      "  --busy N         (10)       --busy-conns N (400)\n"
	      "  --rate R         (10 probes/s per infected host)\n"
	      "  --start S        (30)       --duration S (120)   --until N (60 infected)\n"
	      "  --worm new|code-red-ii (new)   --no-worm (benign traffic only)\n"
	      "  --truth FILE     the truth, one event a line (see bench/genworm.c)\n"
	      "  --curve FILE     infections follow this 'wormscope simulate --out-csv' curve (its\n"
	      "                   infected share, mapped onto --vulnerable) instead of the hits\n"
	      "  --curve-scale X  curve seconds per capture second (1)\n"
	      "  --log FILE       also the servers' access log (combined format, '#wormscope-simulated' first)\n",
	      f);
}

/* A number in [lo, hi], whole when `whole`. */
static bool num(const char *s, double lo, double hi, bool whole, double *v)
{
	char *end;
	*v = strtod(s, &end);
	return *s && !*end && *v >= lo && *v <= hi && (!whole || *v == (double)(uint64_t)*v);
}

static int parse(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){.seed = 1, .nserv = 3000, .nvuln = 1000, .nclosed = 3000, .nclients = 2000,
			   .nbusy = 10, .busy_conns = 400, .until = 60, .rate = 10, .icmp = 0.3,
			   .start = 30, .duration = 120, .curve_scale = 1};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		}
		if (!strcmp(a, "--no-worm")) {
			o->no_worm = true;
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "genworm: %s needs a value\n", a);
			return -1;
		}
		const char *v = argv[++i];
		double d;
		struct { const char *name; double lo, hi; void *dst; bool u32; } t[] = {
			{"--servers", 1, 30000, &o->nserv, true}, {"--vulnerable", 1, 30000, &o->nvuln, true},
			{"--closed", 0, 30000, &o->nclosed, true}, {"--clients", 0, 65000, &o->nclients, true},
			{"--busy", 0, 250, &o->nbusy, true}, {"--busy-conns", 0, 100000, &o->busy_conns, true},
			{"--until", 1, 65535, &o->until, true}, {"--rate", 0.01, 1000, &o->rate, false},
			{"--icmp", 0, 1, &o->icmp, false}, {"--start", 0, 86400, &o->start, false},
			{"--duration", 1, 86400, &o->duration, false},
			{"--curve-scale", 0.001, 1e6, &o->curve_scale, false},
		};
		bool done = false;
		for (size_t k = 0; k < sizeof(t) / sizeof(t[0]) && !done; k++) {
			if (strcmp(a, t[k].name))
				continue;
			if (!num(v, t[k].lo, t[k].hi, t[k].u32, &d)) {
				fprintf(stderr, "genworm: %s takes a number in [%g, %g], not '%s'\n", a,
					t[k].lo, t[k].hi, v);
				return -1;
			}
			if (t[k].u32)
				*(uint32_t *)t[k].dst = (uint32_t)d;
			else
				*(double *)t[k].dst = d;
			done = true;
		}
		if (done)
			continue;
		if (!strcmp(a, "--seed")) {
			char *end;
			errno = 0;
			o->seed = strtoull(v, &end, 10);
			if (*v < '0' || *v > '9' || *end || errno) {
				fprintf(stderr, "genworm: --seed takes a whole number, not '%s'\n", v);
				return -1;
			}
		} else if (!strcmp(a, "--truth")) {
			o->truth = v;
		} else if (!strcmp(a, "--log")) {
			o->log = v;
		} else if (!strcmp(a, "--curve")) {
			o->curve = v;
		} else if (!strcmp(a, "--worm")) {
			if (strcmp(v, "new") && strcmp(v, "code-red-ii")) {
				fprintf(stderr, "genworm: --worm takes new or code-red-ii, not '%s'\n", v);
				return -1;
			}
			o->cr2 = !strcmp(v, "code-red-ii");
		} else {
			fprintf(stderr, "genworm: unknown option '%s'\n", a);
			usage(stderr);
			return -1;
		}
	}
	if (o->nvuln > o->nserv || o->nserv + o->nclosed > 60000) {
		fprintf(stderr, "genworm: --vulnerable <= --servers and --servers + --closed <= 60000\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	if (parse(argc, argv, &o))
		return 2;
	rng_state = o.seed;
	want_log = o.log != NULL;
	if (o.curve && read_curve(o.curve))
		return 2;
	FILE *truth = NULL;
	if (o.truth && !(truth = fopen(o.truth, "w"))) {
		cant_open(o.truth);
		return 2;
	}
	/* Place servers (the first nvuln of them vulnerable) and closed hosts. */
	while (nservers < o.nserv) {
		uint32_t a = 1 + rnd(65534);
		if (host[a] || a == (ROUTER & 0xffff))
			continue;
		host[a] = nservers < o.nvuln ? VULN : SERVER;
		servers[nservers++] = NET | a;
	}
	/* Shuffle so popularity and vulnerability are independent. */
	for (uint32_t i = nservers; i > 1; i--) {
		uint32_t j = rnd(i), t = servers[i - 1];
		servers[i - 1] = servers[j];
		servers[j] = t;
	}
	for (uint32_t n = 0; n < o.nclosed;) {
		uint32_t a = 1 + rnd(65534);
		if (host[a] || a == (ROUTER & 0xffff))
			continue;
		host[a] = CLOSED;
		n++;
	}
	make_worm(o.cr2);
	uint64_t span = (uint64_t)(o.duration * 1e6);
	benign(&o, span, truth);
	if (!o.no_worm)
		worm(&o, span, truth);
	qsort(pk, npk, sizeof(*pk), cmp_pkt);
	struct ws_buf b = {0};
	char comment[160];
	snprintf(comment, sizeof(comment),
		 "%s genworm seed=%" PRIu64 " worm=%s: a simulated network, nothing real",
		 WS_PCAPNG_SIMULATED, o.seed, o.no_worm ? "none" : o.cr2 ? "code-red-ii" : "new");
	ws_pcapng_begin(&b, comment, 1, 65535);
	for (size_t i = 0; i < npk; i++) {
		ws_pcapng_packet(&b, pk[i].ts, arena + pk[i].off, pk[i].len);
		if (b.n > (1u << 20)) {
			fwrite(b.p, 1, b.n, stdout);
			b.n = 0;
		}
	}
	fwrite(b.p, 1, b.n, stdout);
	ws_buf_free(&b);
	fprintf(stderr, "genworm: %zu packets\n", npk);
	free(pk);
	free(arena);
	int rc = fflush(stdout) == 0 ? 0 : 1;
	if (o.log && write_log(o.log))
		rc = 1;
	if (truth && fclose(truth) != 0)
		rc = 1;
	return rc;
}
