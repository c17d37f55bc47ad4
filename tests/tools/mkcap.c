/* SPDX-License-Identifier: MIT */
/* mkcap: writes the packet captures the capture-sensor tests read.
 *
 *   mkcap SCENARIO OUT.pcap      (mkcap --list names the scenarios)
 *
 * Test tooling only: never linked into wormscope, sends nothing; it writes
 * pcap files (the classic format, written field by field) whose TCP payloads
 * are the request lines and headers the worms sent, as
 * [CERT-IN-2001-08], [CERT-IN-2001-09] and [KB317605] record them, each worm
 * body replaced by FILLER text of the stated length. Addresses are from the
 * documentation ranges (192.0.2.0/24, 198.51.100.0/24, 2001:db8::/32).
 *
 * Every scenario is deterministic: the same bytes every run. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evasion.h" /* tests/unit: the evasion corpus's generator */
#include "pcap/pcapw.h"

/* ---- pcap file ---- */

enum link { L_ETH, L_VLAN, L_QINQ, L_SLL, L_SLL2, L_RAW, L_NULL, L_USER0 };

static FILE *out;
static const char *out_path;
static enum link link_mode = L_ETH;
static uint32_t ts_sec = 997000000; /* 2001-08-05 08:26:40 UTC */
static uint32_t ts_usec;
static uint32_t snap = 65535;       /* frames longer than this are cut */
static unsigned frag_size;          /* IP payload per fragment; 0 = no fragments */
static bool frag_reverse;           /* send fragments last first */
static bool v6_ext;                 /* IPv6: add hop-by-hop and destination options */
static uint16_t ip_id = 1000;


static int dlt_of(enum link l)
{
	switch (l) {
	case L_SLL: return 113;
	case L_SLL2: return 276;
	case L_RAW: return 101;
	case L_NULL: return 0;
	case L_USER0: return 147; /* a link type wormscope does not read */
	default: return 1;
	}
}

static void file_header(int dlt)
{
	uint8_t h[WS_PCAPW_FILE_HDR];
	ws_pcapw_file_header(h, (uint32_t)dlt, snap);
	fwrite(h, 1, sizeof(h), out);
}

static void frame(const uint8_t *p, uint32_t n)
{
	uint8_t h[WS_PCAPW_REC_HDR];
	ts_usec += 1000;
	if (ts_usec >= 1000000) {
		ts_usec -= 1000000;
		ts_sec++;
	}
	uint32_t cap = ws_pcapw_record(h, ts_sec, ts_usec, n, snap);
	fwrite(h, 1, sizeof(h), out);
	fwrite(p, 1, cap, out);
}

/* Wraps an IP packet in the link layer and writes it. */
static void link_out(const uint8_t *ip, size_t n, bool v6)
{
	static uint8_t f[70000];
	size_t o = 0;
	uint16_t et = v6 ? 0x86dd : 0x0800;
	switch (link_mode) {
	case L_ETH: case L_VLAN: case L_QINQ: case L_USER0:
		ws_pcapw_eth(f, 0); /* the addresses; the type goes after the tags */
		o = 12;
		if (link_mode == L_QINQ) {
			ws_pcapw_be16(f + o, 0x88a8);
			ws_pcapw_be16(f + o + 2, 100);
			o += 4;
		}
		if (link_mode != L_ETH) {
			ws_pcapw_be16(f + o, 0x8100);
			ws_pcapw_be16(f + o + 2, 200);
			o += 4;
		}
		ws_pcapw_be16(f + o, et);
		o += 2;
		break;
	case L_SLL:
		memset(f, 0, 16);
		ws_pcapw_be16(f + 2, 1);  /* ARPHRD_ETHER */
		ws_pcapw_be16(f + 4, 6);
		ws_pcapw_be16(f + 14, et);
		o = 16;
		break;
	case L_SLL2:
		memset(f, 0, 20);
		ws_pcapw_be16(f, et);
		ws_pcapw_be32(f + 4, 2);  /* interface index */
		ws_pcapw_be16(f + 8, 1);
		f[11] = 6;
		o = 20;
		break;
	case L_RAW:
		break;
	case L_NULL:
		f[0] = v6 ? 24 : 2; /* AF_INET6 (BSD), AF_INET, host order (little-endian) */
		f[1] = f[2] = f[3] = 0;
		o = 4;
		break;
	}
	memcpy(f + o, ip, n);
	frame(f, (uint32_t)(o + n));
}

/* ---- IP and TCP ---- */

struct ep {
	uint8_t a[16];
	bool v6;
	uint16_t port;
};

static uint32_t be32_of(const uint8_t a[4])
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

/* Writes one IP datagram carrying `l4` (protocol 6), fragmenting it when
 * frag_size is set. */
static void ip_out(const struct ep *src, const struct ep *dst, const uint8_t *l4, size_t n)
{
	static uint8_t pkt[70000];
	unsigned fs = frag_size ? frag_size : 65000;
	size_t nfrag = (n + fs - 1) / fs;
	uint16_t id = ip_id++;
	for (size_t k = 0; k < nfrag; k++) {
		size_t i = frag_reverse ? nfrag - 1 - k : k;
		size_t off = i * fs, len = n - off < fs ? n - off : fs;
		bool more = i + 1 < nfrag, frag = nfrag > 1;
		size_t h;
		if (!src->v6) {
			h = 20;
			ws_pcapw_ipv4(pkt, (uint32_t)(20 + len), id,
				      (uint16_t)((more ? 0x2000 : 0) | (off / 8)), 64, 6, be32_of(src->a),
				      be32_of(dst->a));
		} else {
			memset(pkt, 0, 40);
			pkt[0] = 0x60;
			memcpy(pkt + 8, src->a, 16);
			memcpy(pkt + 24, dst->a, 16);
			pkt[7] = 64;
			h = 40;
			uint8_t *nh = &pkt[6];
			if (v6_ext) {
				*nh = 0; /* hop-by-hop, 8 bytes of padding options */
				memset(pkt + h, 0, 8);
				pkt[h + 2] = 1; /* PadN */
				pkt[h + 3] = 4;
				nh = &pkt[h];
				h += 8;
				*nh = 60; /* destination options, 16 bytes */
				memset(pkt + h, 0, 16);
				pkt[h + 1] = 1;
				pkt[h + 2] = 1;
				pkt[h + 3] = 12;
				nh = &pkt[h];
				h += 16;
			}
			if (frag) {
				*nh = 44;
				memset(pkt + h, 0, 8);
				pkt[h] = 6;
				ws_pcapw_be16(pkt + h + 2, (uint16_t)(off | (more ? 1 : 0)));
				ws_pcapw_be32(pkt + h + 4, 0x10000u + id);
				h += 8;
			} else {
				*nh = 6;
			}
			ws_pcapw_be16(pkt + 4, (uint16_t)(h - 40 + len));
		}
		memcpy(pkt + h, l4 + off, len);
		link_out(pkt, h + len, src->v6);
	}
}

#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define PSH 0x08
#define ACK 0x10

static void tcp_out(const struct ep *src, const struct ep *dst, uint32_t seq, uint32_t ack,
		    uint8_t flags, const void *data, size_t n)
{
	static uint8_t t[70000];
	ws_pcapw_tcp(t, src->port, dst->port, seq, ack, flags, 65535);
	if (n)
		memcpy(t + 20, data, n);
	/* checksum over the pseudo-header */
	uint32_t s = 0;
	size_t an = src->v6 ? 16 : 4;
	s = ws_pcapw_sum(src->a, an, s);
	s = ws_pcapw_sum(dst->a, an, s);
	s += 6 + (uint32_t)(20 + n);
	ws_pcapw_be16(t + 16, ws_pcapw_fold(ws_pcapw_sum(t, 20 + n, s)));
	ip_out(src, dst, t, 20 + n);
}

/* A connection: client c, server s, and the next sequence number of each. */
struct conn {
	struct ep c, s;
	uint32_t cseq, sseq;
};

static struct ep v4(const char *a, uint16_t port)
{
	struct ep e = {.port = port};
	unsigned x[4];
	sscanf(a, "%u.%u.%u.%u", &x[0], &x[1], &x[2], &x[3]);
	for (int i = 0; i < 4; i++)
		e.a[i] = (uint8_t)x[i];
	return e;
}

static struct ep v6(uint16_t last, uint16_t port)
{
	struct ep e = {.port = port, .v6 = true};
	e.a[0] = 0x20;
	e.a[1] = 0x01;
	e.a[2] = 0x0d;
	e.a[3] = 0xb8;
	ws_pcapw_be16(e.a + 14, last);
	return e;
}

static struct conn conn(struct ep c, struct ep s)
{
	static uint32_t isn = 0x10000000;
	isn += 0x01000000;
	return (struct conn){.c = c, .s = s, .cseq = isn, .sseq = isn ^ 0x5a5a0000};
}

static void open_conn(struct conn *k)
{
	tcp_out(&k->c, &k->s, k->cseq++, 0, SYN, NULL, 0);
	tcp_out(&k->s, &k->c, k->sseq++, k->cseq, SYN | ACK, NULL, 0);
	tcp_out(&k->c, &k->s, k->cseq, k->sseq, ACK, NULL, 0);
}

/* Sends n bytes from the client (or the server) in segments of at most seg. */
static void send_data(struct conn *k, bool server, const char *p, size_t n, size_t seg)
{
	const struct ep *a = server ? &k->s : &k->c, *b = server ? &k->c : &k->s;
	uint32_t *seq = server ? &k->sseq : &k->cseq, ack = server ? k->cseq : k->sseq;
	for (size_t off = 0; off < n; off += seg) {
		size_t len = n - off < seg ? n - off : seg;
		tcp_out(a, b, *seq, ack, PSH | ACK, p + off, len);
		*seq += (uint32_t)len;
	}
}

static void close_conn(struct conn *k)
{
	tcp_out(&k->c, &k->s, k->cseq++, k->sseq, FIN | ACK, NULL, 0);
	tcp_out(&k->s, &k->c, k->sseq++, k->cseq, FIN | ACK, NULL, 0);
	tcp_out(&k->c, &k->s, k->cseq, k->sseq, ACK, NULL, 0);
}

/* ---- HTTP messages ([CERT-IN-2001-08], [CERT-IN-2001-09], [KB317605]) ---- */

static char msg[16384];

/* The 138-character tail shared by Code Red I and II ([CERT-IN-2001-08]). */
static const char cr_tail[] =
	"%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090"
	"%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a";

/* Code Red request head (letter 'N' for I, 'X' for II), method as given;
 * the body (3379 bytes, [CERT-IN-2001-08]) is FILLER text, appended when
 * with_body. Returns the length. */
static size_t code_red(char letter, const char *method, bool with_body)
{
	size_t n = (size_t)snprintf(msg, sizeof(msg), "%s /default.ida?", method);
	memset(msg + n, letter, 224);
	n += 224;
	n += (size_t)snprintf(msg + n, sizeof(msg) - n,
			      "%s HTTP/1.0\r\nContent-type: text/xml\r\nContent-length: 3379\r\n\r\n",
			      cr_tail);
	if (with_body)
		for (size_t i = 0; i < 3379; i++)
			msg[n++] = "FILLER-"[i % 7];
	return n;
}

static size_t simple(const char *method, const char *target)
{
	return (size_t)snprintf(msg, sizeof(msg), "%s %s HTTP/1.0\r\nHost: 192.0.2.80\r\n\r\n", method,
				target);
}

static size_t benign(const char *target)
{
	return (size_t)snprintf(msg, sizeof(msg),
				"GET %s HTTP/1.1\r\nHost: www.example.org\r\nUser-Agent: Mozilla/4.0 "
				"(compatible; MSIE 5.5; Windows NT 5.0)\r\nAccept: */*\r\n\r\n",
				target);
}

static size_t answer(int status, size_t body)
{
	size_t n = (size_t)snprintf(msg, sizeof(msg),
				    "HTTP/1.1 %d %s\r\nServer: Microsoft-IIS/5.0\r\nContent-Length: "
				    "%zu\r\nContent-Type: text/html\r\n\r\n",
				    status, status == 200 ? "OK" : "Not Found", body);
	for (size_t i = 0; i < body; i++)
		msg[n++] = "<p>page</p>\n"[i % 12];
	return n;
}

/* Sends the request now in msg (n bytes), then the answer, then closes. */
static void request_answer(struct ep c, struct ep s, size_t n, int status, size_t seg)
{
	static char req[16384];
	memcpy(req, msg, n);
	struct conn k = conn(c, s);
	open_conn(&k);
	send_data(&k, false, req, n, seg);
	if (status > 0) {
		size_t m = answer(status, 300);
		send_data(&k, true, msg, m, 1400);
	}
	close_conn(&k);
}

/* ---- scenarios ---- */

static struct ep attacker(int i) { char a[32]; snprintf(a, sizeof(a), "198.51.100.%d", i); return v4(a, (uint16_t)(1025 + i)); }
static struct ep server(void) { return v4("192.0.2.80", 80); }

/* Code Red I (404) and II (200: compromised-looking), a Nimda probe, all one
 * segment each; plus benign requests. */
static void sc_basic(void)
{
	request_answer(attacker(1), server(), code_red('N', "GET", true), 404, 1460 * 4);
	request_answer(attacker(2), server(), code_red('X', "GET", true), 200, 1460 * 4);
	request_answer(attacker(3), server(),
		       simple("GET", "/scripts/..%255c../winnt/system32/cmd.exe?/c+dir"), 404, 1460);
	request_answer(attacker(4), server(), benign("/index.html"), 200, 1460);
}

/* The Code Red I request head split over 40-byte segments. */
static void sc_segments(void)
{
	request_answer(attacker(1), server(), code_red('N', "GET", true), 404, 40);
}

/* Segments of a Code Red II request sent out of order. */
static void sc_ooo(void)
{
	static char req[8192];
	size_t n = code_red('X', "GET", true);
	memcpy(req, msg, n);
	struct conn k = conn(attacker(5), server());
	open_conn(&k);
	uint32_t base = k.cseq;
	size_t seg = 100;
	size_t nseg = (n + seg - 1) / seg;
	/* order: 1, 0, 3, 2, 5, 4 ... (pairs swapped) */
	for (size_t i = 0; i < nseg; i++) {
		size_t j = i ^ 1;
		if (j >= nseg)
			j = i;
		size_t off = j * seg, len = n - off < seg ? n - off : seg;
		tcp_out(&k.c, &k.s, base + (uint32_t)off, k.sseq, PSH | ACK, req + off, len);
	}
	k.cseq = base + (uint32_t)n;
	size_t m = answer(404, 100);
	send_data(&k, true, msg, m, 1400);
	close_conn(&k);
}

/* Retransmitted and overlapping data: the first copy of each byte wins.
 * The head goes out as A [0,200), C [400,end) early (held out of order),
 * a segment of 'Z's overlapping held bytes of C (must lose), A again, B
 * [200,400), a segment of 'Z's inside delivered bytes (must lose), and a
 * late retransmission of the whole head. */
static void sc_retrans(void)
{
	static char req[8192];
	size_t n = code_red('N', "GET", true);
	memcpy(req, msg, n);
	struct conn k = conn(attacker(6), server());
	open_conn(&k);
	uint32_t b = k.cseq;
	static char evil[300];
	memset(evil, 'Z', sizeof(evil));
	tcp_out(&k.c, &k.s, b, k.sseq, ACK, req, 200);
	tcp_out(&k.c, &k.s, b + 400, k.sseq, PSH | ACK, req + 400, n - 400);
	tcp_out(&k.c, &k.s, b + 450, k.sseq, ACK, evil, 100);
	tcp_out(&k.c, &k.s, b, k.sseq, ACK, req, 200);
	tcp_out(&k.c, &k.s, b + 200, k.sseq, ACK, req + 200, 200);
	tcp_out(&k.c, &k.s, b + 150, k.sseq, ACK, evil, 200);
	tcp_out(&k.c, &k.s, b, k.sseq, ACK, req, 1000);
	k.cseq = b + (uint32_t)n;
	size_t m = answer(404, 50);
	send_data(&k, true, msg, m, 1400);
	close_conn(&k);
}

/* Keep-alive and pipelining on one connection: a benign GET and its answer;
 * a POST whose body holds a Code Red request line as data (a body is not a
 * request); Code Red I with its body; then a Code Red II request and a
 * benign one pipelined in one segment, answered 404 and 200 in order. */
static void sc_keepalive(void)
{
	static char buf[16384];
	struct conn k = conn(attacker(7), server());
	open_conn(&k);
	size_t n = benign("/"), m;
	send_data(&k, false, msg, n, 1460);
	m = answer(200, 500);
	send_data(&k, true, msg, m, 1460);
	/* POST with a body that looks like a worm request */
	size_t body = code_red('N', "GET", false);
	memcpy(buf + 200, msg, body);
	n = (size_t)snprintf(buf, 200,
			     "POST /upload HTTP/1.1\r\nHost: www.example.org\r\nContent-Length: %zu\r\n\r\n",
			     body);
	memmove(buf + n, buf + 200, body);
	send_data(&k, false, buf, n + body, 1460);
	m = answer(200, 20);
	send_data(&k, true, msg, m, 1460);
	n = code_red('N', "GET", true);
	send_data(&k, false, msg, n, 1460);
	m = answer(404, 20);
	send_data(&k, true, msg, m, 1460);
	/* pipelined: CRII head+body and a benign request in one stream write */
	n = code_red('X', "GET", true);
	memcpy(buf, msg, n);
	size_t n2 = benign("/after.html");
	memcpy(buf + n, msg, n2);
	send_data(&k, false, buf, n + n2, 1460);
	m = answer(404, 10);
	memcpy(buf, msg, m);
	size_t m2 = answer(200, 10);
	memcpy(buf + m, msg, m2);
	send_data(&k, true, buf, m + m2, 1460);
	close_conn(&k);
}

static void one_of_each(void)
{
	request_answer(attacker(1), server(), code_red('N', "GET", true), 404, 1460);
	request_answer(attacker(2), server(), code_red('X', "GET", true), 404, 1460);
}

static void sc_link(enum link l)
{
	link_mode = l;
	one_of_each();
}

static void sc_ipv6(void)
{
	v6_ext = true;
	request_answer(v6(0x66, 2001), v6(0x80, 80), code_red('N', "GET", true), 404, 1400);
	v6_ext = false;
	request_answer(v6(0x67, 2002), v6(0x80, 80), code_red('X', "GET", true), 404, 1400);
}

/* IP fragments: each segment of the request split into 8-byte-aligned
 * fragments, sent last first; IPv4 and IPv6. */
static void sc_frag(void)
{
	frag_size = 256;
	frag_reverse = true;
	request_answer(attacker(1), server(), code_red('N', "GET", true), 404, 1400);
	request_answer(v6(0x68, 2003), v6(0x80, 80), code_red('X', "GET", true), 404, 1400);
	frag_reverse = false;
	frag_size = 0;
}

/* Benign traffic with near misses: nothing here is a worm. */
static void sc_benign(void)
{
	static const char *const targets[] = {
		"/default.idx?NNNNNNNNNNNNNNNNNNNNNNNN", "/docs/ida/index.html",
		"/search?q=default.ida", "/scripts/readme.txt", "/images/cmd.png",
		"/winnt.html", "/", "/index.html?id=XXXXXXXX",
	};
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		request_answer(attacker(20 + (int)i), server(), benign(targets[i]), 200, 1460);
}

/* A capture that starts mid-connection: no handshake, the first segment
 * seen is the middle of a body, then two requests. */
static void sc_midstream(void)
{
	struct conn k = conn(attacker(8), server());
	static char junk[500];
	memset(junk, 'b', sizeof(junk));
	send_data(&k, false, junk, sizeof(junk), 500);
	size_t n = code_red('N', "GET", true);
	send_data(&k, false, msg, n, 1460);
	size_t m = answer(404, 10);
	send_data(&k, true, msg, m, 1460);
	n = code_red('X', "GET", true);
	send_data(&k, false, msg, n, 1460);
	close_conn(&k);
}

/* Port reuse: two connections on the same addresses and ports, each
 * opened by its own SYN; and an RST ending the first. */
static void sc_portreuse(void)
{
	struct conn k = conn(attacker(9), server());
	open_conn(&k);
	size_t n = code_red('N', "GET", true);
	send_data(&k, false, msg, n, 1460);
	tcp_out(&k.s, &k.c, k.sseq, k.cseq, RST | ACK, NULL, 0);
	struct conn k2 = conn(attacker(9), server());
	open_conn(&k2);
	n = code_red('X', "GET", true);
	send_data(&k2, false, msg, n, 1460);
	size_t m = answer(200, 10);
	send_data(&k2, true, msg, m, 1460);
	close_conn(&k2);
}

/* Nimda's lower-case "get" ([KB317605]; tshark's dissector does
 * not take it for a request) next to an upper-case probe. */
static void sc_lowercase(void)
{
	request_answer(attacker(10), server(), simple("get", "/scripts/root.exe?/c+dir"), 404, 1460);
	request_answer(attacker(11), server(), code_red('N', "get", true), 404, 1460);
	request_answer(attacker(12), server(), code_red('N', "GET", true), 404, 1460);
}

/* HTTP on another port, recognised by content. */
static void sc_anyport(void)
{
	struct ep s = v4("192.0.2.81", 8081);
	request_answer(attacker(13), s, code_red('N', "GET", true), 404, 1460);
}

/* Snap length 300: the Code Red request is cut inside its request line. */
static void sc_snaplen(void)
{
	request_answer(attacker(14), server(), code_red('X', "GET", true), 404, 1460);
}

/* Damaged frames: a bad IPv4 total length, a bad TCP data offset, a frame
 * cut inside the IP header (by hand), then a good Code Red I request. */
static void sc_corrupt(void)
{
	uint8_t f[80];
	memset(f, 0, sizeof(f));
	ws_pcapw_eth(f, 0x0800);
	f[14] = 0x45;
	ws_pcapw_be16(f + 16, 1500); /* says 1500, has 66 */
	f[23] = 6;
	frame(f, 80);
	f[14] = 0x45;
	ws_pcapw_be16(f + 16, 60);
	f[34 + 12] = 0x20; /* data offset 8: less than 20 */
	frame(f, 74);
	frame(f, 20); /* cut inside the IP header, and honest about it */
	f[14] = 0x75; /* IP version 7 */
	frame(f, 74);
	request_answer(attacker(15), server(), code_red('N', "GET", true), 404, 1460);
}

/* Many connections at once: 200 clients each send half a request head and
 * wait; then a Code Red I request on a new connection; then the 200 send
 * the rest (benign). With --max-flows below 200 the table evicts the
 * idlest, and the worm request is still found. */
static void sc_manyflows(void)
{
	static struct conn ks[200];
	size_t n = benign("/a-page-that-takes-a-while.html");
	for (int i = 0; i < 200; i++) {
		char a[32];
		snprintf(a, sizeof(a), "198.51.100.%d", 50 + i % 200);
		ks[i] = conn(v4(a, (uint16_t)(3000 + i)), server());
		open_conn(&ks[i]);
		send_data(&ks[i], false, msg, 20, 20);
	}
	request_answer(attacker(16), server(), code_red('N', "GET", true), 404, 1460);
	n = benign("/a-page-that-takes-a-while.html");
	for (int i = 0; i < 200; i++) {
		send_data(&ks[i], false, msg + 20, n - 20, 1460);
		close_conn(&ks[i]);
	}
}

/* A darknet, 203.0.113.0/24, as scan --telescope sees it (counts the
 * telescope tests assert). Times start on a minute boundary; per minute:
 *   0: SYNs from .1, .2, .3 and a second from .2   (4 probes, 3 sources)
 *   1: two from .1, one from .4                    (3 probes, 2 sources)
 *   2: one from .5, one from .3                    (2 probes, 2 sources)
 * so 9 probes from 5 sources on port 80; then 2 backscatter (a SYN-ACK and
 * a RST), SYNs to ports 445 and 8080 from .6 (other ports), a SYN from
 * inside the darknet and an ACK to it (other); and one Code Red I request to
 * a real server (192.0.2.80), which is a sighting as ever. */
static void syn(const char *from, const char *to, uint16_t dport, uint8_t flags)
{
	static uint32_t seq = 0x1000;
	struct ep a = v4(from, 40000), b = v4(to, dport);
	tcp_out(&a, &b, seq, flags & ACK ? 1 : 0, flags, NULL, 0);
	seq += 0x10000;
}

static void sc_telescope(void)
{
	ts_sec = 997000020; /* 2001-08-05T08:27:00Z, a minute start */
	ts_usec = 0;
	syn("198.51.100.1", "203.0.113.10", 80, SYN);
	syn("198.51.100.2", "203.0.113.11", 80, SYN);
	syn("198.51.100.3", "203.0.113.12", 80, SYN);
	syn("198.51.100.2", "203.0.113.13", 80, SYN);
	ts_sec += 60;
	syn("198.51.100.1", "203.0.113.14", 80, SYN);
	syn("198.51.100.1", "203.0.113.15", 80, SYN);
	syn("198.51.100.4", "203.0.113.16", 80, SYN);
	ts_sec += 60;
	syn("198.51.100.5", "203.0.113.17", 80, SYN);
	syn("198.51.100.3", "203.0.113.18", 80, SYN);
	syn("192.0.2.200", "203.0.113.9", 1234, SYN | ACK);
	syn("192.0.2.201", "203.0.113.9", 1235, RST);
	syn("198.51.100.6", "203.0.113.7", 445, SYN);
	syn("198.51.100.6", "203.0.113.7", 8080, SYN);
	syn("203.0.113.50", "203.0.113.51", 80, SYN);
	syn("198.51.100.1", "203.0.113.5", 80, ACK);
	request_answer(attacker(17), server(), code_red('N', "GET", true), 404, 1460);
}

struct scenario {
	const char *name;
	void (*fn)(void);
	enum link link;
	uint32_t snap;
};

/* The evasion corpus (tests/unit/evasion.h: every encoding alone and in
 * pairs on each worm's request), one connection per case from source port
 * 10000 + its number, each request line and headers with a FILLER body,
 * answered 404. The same requests go, one per line in the same order, to
 * the NCSA log OUT.pcap.log, so that tests/pcap/evasion.sh can hold what a
 * capture yields against what the log yields. */
static FILE *ev_log;
static int ev_n;

static void ev_one(const struct ev_case *c, void *ctx)
{
	(void)ctx;
	char a[32];
	snprintf(a, sizeof(a), "198.51.100.%d", 1 + ev_n % 200);
	struct ep src = v4(a, (uint16_t)(10000 + ev_n));
	const char *qm = c->query ? "?" : "", *q = c->query ? c->query : "";
	size_t n = (size_t)snprintf(msg, sizeof(msg),
				    "GET %s%s%s HTTP/1.0\r\nHost: 192.0.2.80\r\n"
				    "Content-Length: 16\r\n\r\nFILLER-FILLER-FI",
				    c->path, qm, q);
	request_answer(src, server(), n, 404, 1460);
	fprintf(ev_log, "%s - - [05/Aug/2001:08:26:40 +0000] \"GET %s%s%s HTTP/1.0\" 404 300\n", a,
		c->path, qm, q);
	ev_n++;
}

static void sc_evasion(void)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s.log", out_path);
	ev_log = fopen(path, "w");
	if (!ev_log) {
		perror(path);
		exit(2);
	}
	ev_corpus(ev_one, NULL);
	if (fclose(ev_log) != 0)
		exit(2);
}

static void sc_vlan(void) { sc_link(L_VLAN); }
static void sc_qinq(void) { sc_link(L_QINQ); }
static void sc_sll(void) { sc_link(L_SLL); }
static void sc_sll2(void) { sc_link(L_SLL2); }
static void sc_raw(void) { sc_link(L_RAW); }
static void sc_null(void) { sc_link(L_NULL); }

static const struct scenario scenarios[] = {
	{"basic", sc_basic, L_ETH, 65535},       {"segments", sc_segments, L_ETH, 65535},
	{"ooo", sc_ooo, L_ETH, 65535},           {"retrans", sc_retrans, L_ETH, 65535},
	{"keepalive", sc_keepalive, L_ETH, 65535}, {"vlan", sc_vlan, L_VLAN, 65535},
	{"qinq", sc_qinq, L_QINQ, 65535},        {"sll", sc_sll, L_SLL, 65535},
	{"sll2", sc_sll2, L_SLL2, 65535},        {"raw", sc_raw, L_RAW, 65535},
	{"null", sc_null, L_NULL, 65535},        {"ipv6", sc_ipv6, L_ETH, 65535},
	{"frag", sc_frag, L_ETH, 65535},         {"benign", sc_benign, L_ETH, 65535},
	{"midstream", sc_midstream, L_ETH, 65535}, {"portreuse", sc_portreuse, L_ETH, 65535},
	{"lowercase", sc_lowercase, L_ETH, 65535}, {"anyport", sc_anyport, L_ETH, 65535},
	{"snaplen", sc_snaplen, L_ETH, 300},     {"corrupt", sc_corrupt, L_ETH, 65535},
	{"linktype", one_of_each, L_USER0, 65535}, {"manyflows", sc_manyflows, L_ETH, 65535},
	{"telescope", sc_telescope, L_ETH, 65535}, {"evasion", sc_evasion, L_ETH, 65535},
};

int main(int argc, char **argv)
{
	size_t ns = sizeof(scenarios) / sizeof(scenarios[0]);
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < ns; i++)
			puts(scenarios[i].name);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: mkcap SCENARIO OUT.pcap | mkcap --list\n");
		return 2;
	}
	for (size_t i = 0; i < ns; i++) {
		if (strcmp(argv[1], scenarios[i].name) != 0)
			continue;
		out_path = argv[2];
		out = fopen(argv[2], "wb");
		if (!out) {
			perror(argv[2]);
			return 2;
		}
		link_mode = scenarios[i].link;
		snap = scenarios[i].snap;
		file_header(dlt_of(link_mode));
		scenarios[i].fn();
		return fclose(out) == 0 ? 0 : 2;
	}
	fprintf(stderr, "mkcap: unknown scenario '%s' (see --list)\n", argv[1]);
	return 2;
}
