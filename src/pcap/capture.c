/* SPDX-License-Identifier: MIT */
/* libpcap glue: captures from files (through the decompressing input
 * reader, so .pcap.gz and .pcapng.zst read like plain ones) and from live
 * interfaces, each frame through the decoder and the flow table.
 *
 * libpcap reads a FILE*; fopencookie gives it one whose reads come from
 * struct ws_input, after replaying the bytes the caller already read to
 * recognise the format. */
#include "pcap/capture.h"

#include <errno.h>
#include <grp.h>
#include <pcap/pcap.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcap/flow.h"
#include "util/dl.h"

/* libpcap (and the D-Bus, systemd and gcrypt it brings) is loaded when a
 * capture is first read or a filter checked (util/dl.h), not by every
 * command at start-up. Each pcap_* name below is a macro for the pointer
 * bound then. */
#define PCAP_FNS(X)                                                                                \
	X(pcap_activate)                                                                           \
	X(pcap_breakloop)                                                                          \
	X(pcap_close)                                                                              \
	X(pcap_compile)                                                                            \
	X(pcap_create)                                                                             \
	X(pcap_datalink)                                                                           \
	X(pcap_datalink_val_to_name)                                                               \
	X(pcap_dispatch)                                                                           \
	X(pcap_fopen_offline)                                                                      \
	X(pcap_freecode)                                                                           \
	X(pcap_geterr)                                                                             \
	X(pcap_next_ex)                                                                            \
	X(pcap_offline_filter)                                                                     \
	X(pcap_open_dead)                                                                          \
	X(pcap_set_buffer_size)                                                                    \
	X(pcap_set_immediate_mode)                                                                 \
	X(pcap_set_promisc)                                                                        \
	X(pcap_set_snaplen)                                                                        \
	X(pcap_set_timeout)                                                                        \
	X(pcap_setfilter)                                                                          \
	X(pcap_setnonblock)                                                                        \
	X(pcap_stats)                                                                              \
	X(pcap_statustostr)
WS_DL_LIBRARY(libpcap, PCAP_FNS, "libpcap", WS_LIBPCAP_SONAME)
#define PCAP_CALL(f) (libpcap.f)
#define pcap_activate PCAP_CALL(pcap_activate)
#define pcap_breakloop PCAP_CALL(pcap_breakloop)
#define pcap_close PCAP_CALL(pcap_close)
#define pcap_compile PCAP_CALL(pcap_compile)
#define pcap_create PCAP_CALL(pcap_create)
#define pcap_datalink PCAP_CALL(pcap_datalink)
#define pcap_datalink_val_to_name PCAP_CALL(pcap_datalink_val_to_name)
#define pcap_dispatch PCAP_CALL(pcap_dispatch)
#define pcap_fopen_offline PCAP_CALL(pcap_fopen_offline)
#define pcap_freecode PCAP_CALL(pcap_freecode)
#define pcap_geterr PCAP_CALL(pcap_geterr)
#define pcap_next_ex PCAP_CALL(pcap_next_ex)
#define pcap_offline_filter PCAP_CALL(pcap_offline_filter)
#define pcap_open_dead PCAP_CALL(pcap_open_dead)
#define pcap_set_buffer_size PCAP_CALL(pcap_set_buffer_size)
#define pcap_set_immediate_mode PCAP_CALL(pcap_set_immediate_mode)
#define pcap_set_promisc PCAP_CALL(pcap_set_promisc)
#define pcap_set_snaplen PCAP_CALL(pcap_set_snaplen)
#define pcap_set_timeout PCAP_CALL(pcap_set_timeout)
#define pcap_setfilter PCAP_CALL(pcap_setfilter)
#define pcap_setnonblock PCAP_CALL(pcap_setnonblock)
#define pcap_stats PCAP_CALL(pcap_stats)
#define pcap_statustostr PCAP_CALL(pcap_statustostr)

bool ws_pcap_is_capture(const void *p, size_t n)
{
	static const uint8_t magics[][4] = {
		{0xa1, 0xb2, 0xc3, 0xd4}, {0xd4, 0xc3, 0xb2, 0xa1}, /* pcap, microseconds */
		{0xa1, 0xb2, 0x3c, 0x4d}, {0x4d, 0x3c, 0xb2, 0xa1}, /* pcap, nanoseconds */
		{0x0a, 0x0d, 0x0d, 0x0a},                           /* pcapng section header */
	};
	if (n < 4)
		return false;
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (memcmp(p, magics[i], 4) == 0)
			return true;
	return false;
}

_Static_assert(sizeof(struct ws_capture_stats) % sizeof(uint64_t) == 0,
	       "ws_capture_stats holds uint64_t counters only");

void ws_capture_stats_add(struct ws_capture_stats *dst, const struct ws_capture_stats *src)
{
	/* Every field is a uint64_t counter. */
	uint64_t *d = (uint64_t *)dst;
	const uint64_t *s = (const uint64_t *)src;
	for (size_t i = 0; i < sizeof(*dst) / sizeof(uint64_t); i++)
		d[i] += s[i];
}

/* One capture being read. */
struct reader {
	pcap_t *pc;
	int dlt;
	struct ws_decoder *dec;
	struct ws_flows *flows;
	struct ws_capture_stats *st;
	uint64_t frame;
	const struct ws_pcap_observer *obs;
	struct bpf_program prog;
	bool have_prog, offline_filter;
	bool (*tap)(void *tap_ctx, const struct ws_seg *seg, int64_t ts);
	void *tap_ctx;
};

static void frame(struct reader *r, const struct pcap_pkthdr *h, const u_char *p)
{
	struct ws_capture_stats *st = r->st;
	r->frame++;
	if (r->offline_filter && !pcap_offline_filter(&r->prog, h, p))
		return;
	st->packets++;
	st->bytes += h->len;
	if (h->caplen < h->len)
		st->snapped++;
	struct ws_seg seg;
	enum ws_undec why = WS_UNDEC_SHORT;
	int64_t ts = (int64_t)h->ts.tv_sec;
	switch (ws_decode(r->dec, r->dlt, p, h->caplen, h->len, ts, &seg, &why,
			  &st->undecodable[WS_UNDEC_FRAG])) {
	case WS_DEC_TCP: {
		bool dark = r->tap && r->tap(r->tap_ctx, &seg, ts);
		if (r->obs && r->obs->segment)
			r->obs->segment(r->obs->ctx, &seg, ts * 1000000 + h->ts.tv_usec, dark);
		if (!dark)
			ws_flows_segment(r->flows, &seg, ts, r->frame);
		break;
	}
	case WS_DEC_UNREACH:
		if (r->obs && r->obs->unreach)
			r->obs->unreach(r->obs->ctx, &seg, ts * 1000000 + h->ts.tv_usec);
		st->other++;
		break;
	case WS_DEC_OTHER:
		st->other++;
		break;
	case WS_DEC_HELD:
		break;
	case WS_DEC_BAD:
		if (why != WS_UNDEC_FRAG) /* fragment drops are counted as they happen */
			st->undecodable[why]++;
		break;
	}
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *p)
{
	frame((struct reader *)user, h, p);
}

/* Live captures filter in the kernel; files filter here, after counting
 * the frame, so frame numbers stay those of the file. */
static int set_filter(struct reader *r, const char *bpf, bool live, const char *name,
		      struct ws_err *err)
{
	if (!bpf)
		return 0;
	if (pcap_compile(r->pc, &r->prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0)
		return ws_err_set(err, WS_EUSAGE, "%s: --bpf '%s': %s", name, bpf,
				  pcap_geterr(r->pc));
	r->have_prog = true;
	if (live && pcap_setfilter(r->pc, &r->prog) != 0)
		return ws_err_set(err, WS_EUSAGE, "%s: --bpf: %s", name, pcap_geterr(r->pc));
	r->offline_filter = !live;
	return 0;
}

static int reader_start(struct reader *r, pcap_t *pc, const struct ws_pcap_opts *o, bool live,
			struct ws_capture_stats *st, const char *name, struct ws_err *err)
{
	memset(r, 0, sizeof(*r));
	r->pc = pc;
	r->dlt = pcap_datalink(pc);
	r->st = st;
	r->tap = o->tap;
	r->tap_ctx = o->tap_ctx;
	st->captures++;
	if (!ws_linktype_supported(r->dlt)) {
		const char *dn = pcap_datalink_val_to_name(r->dlt);
		return ws_err_set(err, WS_EFORMAT, "%s: link type %d (%s) is not supported", name,
				  r->dlt, dn ? dn : "unknown");
	}
	int rc = set_filter(r, o->bpf, live, name, err);
	if (rc)
		return rc;
	r->dec = ws_decoder_new();
	r->flows = ws_flows_new(o->max_flows, o->emit, o->ctx, st);
	r->obs = o->observer;
	ws_flows_set_observer(r->flows, o->observer);
	return 0;
}

static void reader_end(struct reader *r)
{
	if (r->flows) {
		ws_flows_finish(r->flows);
		ws_flows_free(r->flows);
	}
	if (r->dec) {
		r->st->frags_reassembled += ws_decoder_reassembled(r->dec);
		ws_decoder_free(r->dec);
	}
	if (r->have_prog)
		pcap_freecode(&r->prog);
}

int ws_pcap_check_filter(const char *bpf, struct ws_err *err)
{
	if (libpcap_load(err))
		return WS_EIO;
	pcap_t *pc = pcap_open_dead(DLT_EN10MB, 65535);
	if (!pc)
		return ws_err_set(err, WS_ENOMEM, "--bpf: cannot set up the filter compiler");
	struct bpf_program prog;
	int rc = 0;
	if (pcap_compile(pc, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0)
		rc = ws_err_set(err, WS_EUSAGE, "--bpf '%s': %s", bpf, pcap_geterr(pc));
	else
		pcap_freecode(&prog);
	pcap_close(pc);
	return rc;
}

/* fopencookie: the caller's head bytes, then the input reader. */
struct cookie {
	struct ws_input *in;
	const char *head;
	size_t head_n, head_off;
	uint64_t *bytes_read;
	int rc;
	struct ws_err *err;
};

static ssize_t cookie_read(void *c_, char *buf, size_t n)
{
	struct cookie *c = c_;
	if (c->head_off < c->head_n) {
		size_t k = c->head_n - c->head_off < n ? c->head_n - c->head_off : n;
		memcpy(buf, c->head + c->head_off, k);
		c->head_off += k;
		return (ssize_t)k;
	}
	if (c->rc)
		return 0;
	size_t got = 0;
	c->rc = ws_input_read(c->in, buf, n, &got, c->err);
	*c->bytes_read += got;
	return (ssize_t)got;
}

int ws_pcap_read(struct ws_input *in, const char *head, size_t n, const char *path,
		 const struct ws_pcap_opts *o, struct ws_capture_stats *st, uint64_t *bytes_read,
		 struct ws_err *err)
{
	if (libpcap_load(err))
		return WS_EIO;
	struct ws_err input_err = {{0}};
	struct cookie c = {.in = in, .head = head, .head_n = n, .bytes_read = bytes_read,
			   .err = &input_err};
	FILE *fp = fopencookie(&c, "r", (cookie_io_functions_t){.read = cookie_read});
	if (!fp)
		return ws_err_set(err, WS_EIO, "%s: %s", path, strerror(errno));
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_fopen_offline(fp, ebuf);
	if (!pc) {
		fclose(fp);
		if (c.rc)
			return ws_err_set(err, c.rc, "%s", input_err.msg);
		return ws_err_set(err, WS_EFORMAT, "%s: not a readable capture: %s", path, ebuf);
	}
	struct reader r;
	struct pcap_pkthdr *h;
	const u_char *p;
	int got;
	int rc = reader_start(&r, pc, o, false, st, path, err);
	if (rc) {
		/* Count what could not be read, so the summary says how much. */
		while (rc == WS_EFORMAT && pcap_next_ex(pc, &h, &p) == 1) {
			st->packets++;
			st->bytes += h->len;
			st->undecodable[WS_UNDEC_LINKTYPE]++;
		}
		reader_end(&r);
		pcap_close(pc);
		return rc;
	}
	while ((got = pcap_next_ex(pc, &h, &p)) == 1)
		frame(&r, h, p);
	if (c.rc) {
		rc = ws_err_set(err, c.rc, "%s (capture read up to frame %llu)", input_err.msg,
				(unsigned long long)r.frame);
	} else if (got == PCAP_ERROR) {
		/* libpcap says "truncated dump file ..." or names the bad length. */
		rc = ws_err_set(err, WS_ETRUNC, "%s: capture damaged after frame %llu: %s", path,
				(unsigned long long)r.frame, pcap_geterr(pc));
	}
	reader_end(&r);
	pcap_close(pc); /* closes fp */
	return rc;
}

/* Live capture. The handle is global so a signal handler can stop it. */
static pcap_t *volatile live_pc;
static volatile sig_atomic_t live_stop;

void ws_pcap_stop(void)
{
	live_stop = 1;
	pcap_t *pc = live_pc;
	if (pc)
		pcap_breakloop(pc);
}

static int drop_privileges(const char *user, struct ws_err *err)
{
	struct passwd *pw = getpwnam(user);
	if (!pw)
		return ws_err_set(err, WS_EUSAGE, "-Z: no user '%s'", user);
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
		return ws_err_set(err, WS_EIO, "-Z %s: cannot switch user: %s", user,
				  strerror(errno));
	if (pw->pw_uid != 0 && setuid(0) == 0)
		return ws_err_set(err, WS_EIO, "-Z %s: root could be regained; stopping", user);
	return 0;
}

static pcap_t *open_live(const char *iface, struct ws_err *err, int *rc)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_create(iface, ebuf);
	if (!pc) {
		*rc = ws_err_set(err, WS_EIO, "%s: %s", iface, ebuf);
		return NULL;
	}
	pcap_set_snaplen(pc, 262144);
	pcap_set_promisc(pc, 1);
	pcap_set_timeout(pc, 100);
	/* Packets as they come, not in blocks: a stop request must find
	 * everything captured so far readable at once. */
	pcap_set_immediate_mode(pc, 1);
	pcap_set_buffer_size(pc, 32 << 20);
	int a = pcap_activate(pc);
	if (a < 0) {
		*rc = ws_err_set(err, WS_EIO, "%s: cannot capture: %s", iface,
				 a == PCAP_ERROR ? pcap_geterr(pc) : pcap_statustostr(a));
		pcap_close(pc);
		return NULL;
	}
	return pc;
}

int ws_pcap_live(const char *iface, const char *user, const struct ws_pcap_opts *o,
		 struct ws_capture_stats *st, struct ws_err *err)
{
	if (libpcap_load(err))
		return WS_EIO;
	int rc = 0;
	pcap_t *pc = open_live(iface, err, &rc);
	if (!pc)
		return rc;
	struct reader r;
	rc = reader_start(&r, pc, o, true, st, iface, err);
	if (!rc && user)
		rc = drop_privileges(user, err);
	if (!rc) {
		live_stop = 0;
		live_pc = pc;
		if (o->started)
			o->started(o->ctx, pcap_datalink_val_to_name(r.dlt)
						   ? pcap_datalink_val_to_name(r.dlt) : "?");
		while (!live_stop) {
			int n = pcap_dispatch(pc, -1, on_packet, (u_char *)&r);
			if (n == PCAP_ERROR) {
				rc = ws_err_set(err, WS_EIO, "%s: capture failed after frame %llu: %s",
						iface, (unsigned long long)r.frame, pcap_geterr(pc));
				break;
			}
			if (o->batch)
				o->batch(o->ctx);
		}
		live_pc = NULL;
		/* What the kernel already holds still counts. */
		char ebuf[PCAP_ERRBUF_SIZE];
		if (pcap_setnonblock(pc, 1, ebuf) == 0)
			while (pcap_dispatch(pc, -1, on_packet, (u_char *)&r) > 0)
				;
		struct pcap_stat ps;
		if (pcap_stats(pc, &ps) == 0) {
			st->kernel_drops += ps.ps_drop;
			st->if_drops += ps.ps_ifdrop;
		}
	}
	reader_end(&r);
	pcap_close(pc);
	return rc;
}
