/* SPDX-License-Identifier: MIT */
/* genpcap: writes the large capture bench/pcap.sh reads.
 *
 *   genpcap CONNECTIONS SEED > FILE.pcap    (counts go to stderr)
 *
 * Ethernet/IPv4 pcap of HTTP connections, 512 open at a time and
 * interleaved packet by packet, from 10.0.0.0/8 clients to 16 servers in
 * 192.0.2.0/24 on port 80: handshake, 1 request (30% of connections:
 * keep-alive with 3), each answered by 1 segment (50%), 2-4 (30%) or 5-20
 * (20%) segments of up to 1460 bytes, and the four-packet close. One
 * connection in 1000 is a Code Red I request and one in 2500 a Code Red II
 * request (the request heads of [CERT-IN-2001-08], [CERT-IN-2001-09], [KB317605]; 3379-byte FILLER body, over 3 segments),
 * answered 404. stderr gets the truth (worm requests, packets) and the
 * packet-size mix. TCP checksums are left zero (no reader here checks them).
 * Deterministic for a seed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONC 512

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static uint32_t ts_sec = 997000000, ts_usec;
static uint64_t packets, sizes[5]; /* <=66, <=200, <=600, <=1000, >1000 bytes */
static uint64_t n_cr1, n_cr2, n_requests;

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }

static void frame(const uint8_t *p, uint32_t n)
{
	uint32_t h[4];
	ts_usec += 7;
	if (ts_usec >= 1000000) {
		ts_usec -= 1000000;
		ts_sec++;
	}
	h[0] = ts_sec;
	h[1] = ts_usec;
	h[2] = h[3] = n;
	fwrite(h, 4, 4, stdout); /* little-endian host: the magic below says so */
	fwrite(p, 1, n, stdout);
	packets++;
	sizes[n <= 66 ? 0 : n <= 200 ? 1 : n <= 600 ? 2 : n <= 1000 ? 3 : 4]++;
}

static void tcp(uint32_t sip, uint16_t sp, uint32_t dip, uint16_t dp, uint32_t seq, uint32_t ack,
		uint8_t flags, const char *data, size_t n)
{
	static uint8_t f[1600];
	static uint16_t id;
	memcpy(f, "\x00\x11\x22\x33\x44\x55\x00\x66\x77\x88\x99\xaa\x08\x00", 14);
	uint8_t *ip = f + 14;
	memset(ip, 0, 40);
	ip[0] = 0x45;
	put16(ip + 2, (uint32_t)(40 + n));
	put16(ip + 4, id++);
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, sip);
	put32(ip + 16, dip);
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	put16(ip + 10, ~s & 0xffff);
	uint8_t *t = ip + 20;
	put16(t, sp);
	put16(t + 2, dp);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	put16(t + 14, 64240);
	memcpy(t + 20, data, n);
	frame(f, (uint32_t)(54 + n));
}

enum { SYN_ = 0x02, ACK_ = 0x10, PSH_ = 0x08, FIN_ = 0x01 };

struct conn {
	uint32_t cip, sip;
	uint16_t cport;
	uint32_t cseq, sseq;
	int state, reqs_left, worm;
	char *out;     /* bytes still to send in the current message */
	size_t out_n, out_off;
	int from_server;
};

static char worm_req[2][4096];
static size_t worm_len[2];
static char msgbuf[CONC][32768];

static void make_worms(void)
{
	static const char tail[] =
		"%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090"
		"%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a";
	for (int w = 0; w < 2; w++) {
		char *b = worm_req[w];
		size_t n = (size_t)snprintf(b, sizeof(worm_req[0]), "GET /default.ida?");
		memset(b + n, w ? 'X' : 'N', 224);
		n += 224;
		n += (size_t)snprintf(b + n, sizeof(worm_req[0]) - n, "%s HTTP/1.0\r\nContent-type: text/xml\r\n"
					    "Content-length: 3379\r\n\r\n", tail);
		for (int i = 0; i < 3379; i++)
			b[n++] = "FILLER-"[i % 7];
		worm_len[w] = n;
	}
}

static const char *const pages[] = {"/", "/index.html", "/news/2001/08/05/story.html",
				     "/images/logo.gif", "/css/site.css", "/search?q=weather+today",
				     "/products/item.asp?id=12345&cat=7", "/favicon.ico"};

static void start(struct conn *c, uint64_t k)
{
	memset(c, 0, sizeof(*c));
	c->cip = 0x0a000000u | (uint32_t)(k * 2654435761u % 0xfffffeu + 1);
	c->sip = 0xc0000250u + (uint32_t)(k % 16);
	c->cport = (uint16_t)(1024 + k % 60000);
	c->cseq = rnd();
	c->sseq = rnd();
	c->worm = k % 1000 == 999 ? 1 : k % 2500 == 1249 ? 2 : 0;
	c->reqs_left = c->worm ? 1 : (rnd() % 10 < 3 ? 3 : 1);
}

static void next_message(struct conn *c, size_t slot)
{
	char *b = msgbuf[slot];
	if (!c->from_server) {
		n_requests++;
		if (c->worm) {
			c->out = worm_req[c->worm - 1];
			c->out_n = worm_len[c->worm - 1];
			*(c->worm == 1 ? &n_cr1 : &n_cr2) += 1;
		} else {
			c->out = b;
			c->out_n = (size_t)snprintf(
				b, sizeof(msgbuf[0]),
				"GET %s HTTP/1.1\r\nHost: www%u.example.org\r\nUser-Agent: Mozilla/4.0 "
				"(compatible; MSIE 5.5; Windows NT 5.0)\r\nAccept: */*\r\nAccept-Language: "
				"en-us\r\nAccept-Encoding: gzip, deflate\r\nConnection: %s\r\n\r\n",
				pages[rnd() % 8], (unsigned)(c->sip & 15),
				c->reqs_left > 1 ? "keep-alive" : "close");
		}
	} else {
		uint32_t r = rnd() % 10;
		size_t body = c->worm ? 120
			      : r < 5 ? 200 + rnd() % 1000
			      : r < 8 ? 1460 + rnd() % (3 * 1460)
				      : 5 * 1460 + rnd() % (15 * 1460);
		int status = c->worm ? 404 : 200;
		size_t n = (size_t)snprintf(b, sizeof(msgbuf[0]), "HTTP/1.1 %d %s\r\nServer: Microsoft-IIS/5.0\r\n"
					      "Content-Type: text/html\r\nContent-Length: %zu\r\n\r\n",
					   status, status == 200 ? "OK" : "Not Found", body);
		for (size_t i = 0; i < body; i++)
			b[n++] = "<p>lorem ipsum</p>\n"[i % 19];
		c->out = b;
		c->out_n = n;
	}
	c->out_off = 0;
}

/* Sends the connection's next packet; returns 0 when it is closed. */
static int step(struct conn *c, size_t slot)
{
	uint32_t S = c->sip, C = c->cip;
	switch (c->state) {
	case 0: tcp(C, c->cport, S, 80, c->cseq++, 0, SYN_, NULL, 0); break;
	case 1: tcp(S, 80, C, c->cport, c->sseq++, c->cseq, SYN_ | ACK_, NULL, 0); break;
	case 2:
		tcp(C, c->cport, S, 80, c->cseq, c->sseq, ACK_, NULL, 0);
		c->from_server = 0;
		next_message(c, slot);
		break;
	case 3: { /* a message segment */
		size_t k = c->out_n - c->out_off < 1460 ? c->out_n - c->out_off : 1460;
		if (c->from_server) {
			tcp(S, 80, C, c->cport, c->sseq, c->cseq, PSH_ | ACK_, c->out + c->out_off, k);
			c->sseq += (uint32_t)k;
		} else {
			tcp(C, c->cport, S, 80, c->cseq, c->sseq, PSH_ | ACK_, c->out + c->out_off, k);
			c->cseq += (uint32_t)k;
		}
		c->out_off += k;
		if (c->out_off < c->out_n)
			return 1;
		if (!c->from_server) {
			c->from_server = 1;
			next_message(c, slot);
			return 1;
		}
		if (--c->reqs_left > 0) {
			c->from_server = 0;
			next_message(c, slot);
			return 1;
		}
		break;
	}
	case 4: tcp(C, c->cport, S, 80, c->cseq, c->sseq, ACK_, NULL, 0); break;
	case 5: tcp(C, c->cport, S, 80, c->cseq++, c->sseq, FIN_ | ACK_, NULL, 0); break;
	case 6: tcp(S, 80, C, c->cport, c->sseq++, c->cseq, FIN_ | ACK_, NULL, 0); break;
	case 7: tcp(C, c->cport, S, 80, c->cseq, c->sseq, ACK_, NULL, 0); return 0;
	}
	c->state++;
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: genpcap CONNECTIONS SEED > FILE.pcap\n");
		return 2;
	}
	uint64_t total = strtoull(argv[1], NULL, 10);
	rng_state = strtoull(argv[2], NULL, 10);
	make_worms();
	static const uint32_t hdr[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
	fwrite(hdr, 4, 6, stdout);
	static struct conn c[CONC];
	uint64_t started = 0;
	size_t open = 0;
	for (size_t i = 0; i < CONC; i++)
		c[i].state = -1;
	for (size_t i = 0; i < CONC && started < total; i++, open++)
		start(&c[i], started++);
	while (open) {
		size_t i = rnd() % CONC;
		if (c[i].state < 0)
			continue;
		if (!step(&c[i], i)) {
			if (started < total) {
				start(&c[i], started++);
			} else {
				c[i].state = -1;
				open--;
			}
		}
	}
	fprintf(stderr, "connections %llu\nrequests %llu\ncode-red %llu\ncode-red-ii %llu\n"
			"packets %llu\n",
		(unsigned long long)total, (unsigned long long)n_requests,
		(unsigned long long)n_cr1, (unsigned long long)n_cr2, (unsigned long long)packets);
	static const char *const names[] = {"<=66", "67-200", "201-600", "601-1000", ">1000"};
	for (int k = 0; k < 5; k++)
		fprintf(stderr, "size %s %.1f%%\n", names[k], 100.0 * (double)sizes[k] / (double)packets);
	return fflush(stdout) == 0 ? 0 : 1;
}
