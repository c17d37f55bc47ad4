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

#include "pcap/pcapw.h"

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

static void frame(const uint8_t *p, uint32_t n)
{
	uint8_t h[WS_PCAPW_REC_HDR];
	ts_usec += 7;
	if (ts_usec >= 1000000) {
		ts_usec -= 1000000;
		ts_sec++;
	}
	uint32_t cap = ws_pcapw_record(h, ts_sec, ts_usec, n, 65535);
	fwrite(h, 1, sizeof(h), stdout);
	fwrite(p, 1, cap, stdout);
	packets++;
	sizes[n <= 66 ? 0 : n <= 200 ? 1 : n <= 600 ? 2 : n <= 1000 ? 3 : 4]++;
}

static void tcp(uint32_t sip, uint16_t sp, uint32_t dip, uint16_t dp, uint32_t seq, uint32_t ack,
		uint8_t flags, const char *data, size_t n)
{
	static uint8_t f[1600];
	static uint16_t id;
	ws_pcapw_eth(f, 0x0800);
	ws_pcapw_ipv4(f + 14, (uint32_t)(40 + n), id++, 0, 64, 6, sip, dip);
	ws_pcapw_tcp(f + 34, sp, dp, seq, ack, flags, 64240);
	if (n)
		memcpy(f + 54, data, n);
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
	uint8_t hdr[WS_PCAPW_FILE_HDR];
	ws_pcapw_file_header(hdr, 1 /* Ethernet */, 65535);
	fwrite(hdr, 1, sizeof(hdr), stdout);
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
