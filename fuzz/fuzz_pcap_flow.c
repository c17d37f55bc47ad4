/* SPDX-License-Identifier: MIT */
/* Fuzzes TCP reassembly and the HTTP stream parser behind it (pcap/flow.h)
 * with a small flow table (8 flows, so eviction runs). The input is a
 * sequence of segments, each an 8-byte header followed by its payload:
 *   [0] flags (SYN/FIN/RST/ACK bits)  [1] bit 0: from the server,
 *       bits 1-3: client port (8 connections)  [2..5] sequence number
 *   [6] payload length  [7] bytes "missing" (cut by the snap length)
 * Payloads are exact-size heap copies. Invariants checked: the table never
 * holds more than its cap, after finishing holds no flow and no bytes, and
 * the verdict handed out with a request (classified once, on arrival) is
 * the one the request it comes with gets. */
#include "classify/classify.h"
#include "fuzz.h"
#include "pcap/flow.h"

static void emit(void *ctx, const struct ws_request *r, const struct ws_verdict *v,
		 uint64_t frame)
{
	(void)ctx;
	(void)frame;
	struct ws_verdict again;
	if (!ws_classify(r, &again) || again.worm != v->worm || again.conf != v->conf ||
	    again.evasion != v->evasion || again.sig != v->sig)
		abort();
	volatile size_t sum = r->path.n + r->query.n + r->method.n + r->host.n + r->agent.n;
	for (size_t i = 0; i < r->path.n; i++)
		sum += (unsigned char)r->path.p[i];
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_capture_stats st = {0};
	struct ws_flows *t = ws_flows_new(8, emit, NULL, &st);
	uint64_t frame = 0;
	while (size >= 8) {
		const uint8_t *h = data;
		size_t n = h[6] < size - 8 ? h[6] : size - 8;
		struct ws_seg s = {.flags = h[0], .len = (uint32_t)n, .missing = h[7] & 0x0f};
		bool server = h[1] & 1;
		uint16_t cport = (uint16_t)(1024 + ((h[1] >> 1) & 7));
		struct ws_addr c = {.fam = 4, .b = {198, 51, 100, 1}}, sv = {.fam = 4, .b = {192, 0, 2, 80}};
		s.src = server ? sv : c;
		s.dst = server ? c : sv;
		s.sport = server ? 80 : cport;
		s.dport = server ? cport : 80;
		s.seq = (uint32_t)h[2] << 24 | (uint32_t)h[3] << 16 | (uint32_t)h[4] << 8 | h[5];
		uint8_t *p = (uint8_t *)fz_copy(data + 8, n);
		s.data = p;
		frame++;
		ws_flows_segment(t, &s, (int64_t)(frame / 16), frame);
		free(p);
		if (ws_flows_count(t) > 8)
			abort();
		data += 8 + n;
		size -= 8 + n;
	}
	ws_flows_finish(t);
	if (ws_flows_count(t) != 0 || ws_flows_buffered(t) != 0)
		abort();
	ws_flows_free(t);
	return 0;
}
