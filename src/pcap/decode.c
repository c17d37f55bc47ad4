/* SPDX-License-Identifier: MIT */
/* Link, network and TCP header decoding, and IP fragment reassembly.
 *
 * Every length in a packet is an untrusted claim: it is checked against the
 * bytes captured before use. A frame whose IP total length exceeds what was
 * captured is either cut by the snap length (wirelen > caplen: decoded, the
 * missing payload reported so reassembly can mark a gap) or corrupt (counted
 * as bad IP and skipped).
 *
 * Fragments (IPv4 MF/offset, IPv6 fragment header) of TCP datagrams are
 * rebuilt in one of WS_FRAG_SLOTS fixed slots of 64 KiB, keyed by addresses,
 * protocol and identification. Overlaps keep the bytes that arrived first
 * (per 8-byte fragment block), the same first-wins policy as TCP. A slot is
 * dropped (counted) when it times out, when every slot is busy and a new
 * datagram needs one (the oldest goes), or when a fragment is impossible. */
#include "pcap/decode.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define FRAG_MAX 65535u          /* largest IP payload */
#define FRAG_UNITS (FRAG_MAX / 8 + 1)

enum { DLT_NULL_ = 0, DLT_EN10MB_ = 1, DLT_RAW_ = 12, DLT_RAW_BSD_ = 14, DLT_LINKTYPE_RAW_ = 101,
       DLT_LOOP_ = 108, DLT_LINUX_SLL_ = 113, DLT_IPV4_ = 228, DLT_IPV6_ = 229,
       DLT_LINUX_SLL2_ = 276 };

struct frag {
	bool used;
	uint8_t fam, proto;
	uint32_t id;
	uint8_t src[16], dst[16];
	int64_t first_ts;
	uint32_t total;   /* payload length, known once the last fragment arrived; 0 before */
	uint32_t units;   /* 8-byte blocks filled */
	uint32_t end_max; /* end of the furthest fragment held */
	uint8_t *buf;     /* FRAG_MAX bytes, allocated on first use */
	uint8_t have[FRAG_UNITS / 8 + 1];
};

struct ws_decoder {
	struct frag slot[WS_FRAG_SLOTS];
	uint64_t reassembled;
};

static const char *const undec_names[WS_UNDEC_N] = {"link type", "short", "bad IP", "bad TCP",
						     "fragment dropped"};

const char *ws_undec_name(enum ws_undec r)
{
	return r < WS_UNDEC_N ? undec_names[r] : "?";
}

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

struct ws_decoder *ws_decoder_new(void)
{
	return ws_xcalloc(1, sizeof(struct ws_decoder));
}

void ws_decoder_free(struct ws_decoder *d)
{
	if (!d)
		return;
	for (int i = 0; i < WS_FRAG_SLOTS; i++)
		free(d->slot[i].buf);
	free(d);
}

uint64_t ws_decoder_reassembled(const struct ws_decoder *d)
{
	return d->reassembled;
}

bool ws_linktype_supported(int dlt)
{
	switch (dlt) {
	case DLT_NULL_: case DLT_EN10MB_: case DLT_RAW_: case DLT_RAW_BSD_: case DLT_LINKTYPE_RAW_:
	case DLT_LOOP_: case DLT_LINUX_SLL_: case DLT_IPV4_: case DLT_IPV6_: case DLT_LINUX_SLL2_:
		return true;
	}
	return false;
}

static void set_addr(struct ws_addr *a, int fam, const uint8_t *b)
{
	memset(a, 0, sizeof(*a));
	a->fam = (uint8_t)fam;
	memcpy(a->b, b, fam == 4 ? 4 : 16);
}

/* The TCP header at l4: avail bytes captured of the `declared` the IP
 * header promised. */
static enum ws_dec_rc tcp(const uint8_t *l4, uint32_t avail, uint32_t declared, struct ws_seg *s,
			  enum ws_undec *why)
{
	if (avail < 20) {
		*why = declared < 20 ? WS_UNDEC_BAD_TCP : WS_UNDEC_SHORT;
		return WS_DEC_BAD;
	}
	uint32_t doff = (uint32_t)(l4[12] >> 4) * 4;
	if (doff < 20 || doff > declared) {
		*why = WS_UNDEC_BAD_TCP;
		return WS_DEC_BAD;
	}
	if (doff > avail) {
		*why = WS_UNDEC_SHORT;
		return WS_DEC_BAD;
	}
	s->sport = be16(l4);
	s->dport = be16(l4 + 2);
	s->seq = be32(l4 + 4);
	s->flags = l4[13];
	s->data = l4 + doff;
	s->len = avail - doff;
	s->missing = declared - doff - s->len;
	return WS_DEC_TCP;
}

static void frag_drop(struct frag *f, uint64_t *drops)
{
	f->used = false;
	(*drops)++;
}

/* Finds the slot of a datagram, or claims one (the oldest when all are
 * busy); expires slots past WS_FRAG_TIMEOUT on the way. */
static struct frag *frag_slot(struct ws_decoder *d, int fam, uint8_t proto, uint32_t id,
			      const uint8_t *src, const uint8_t *dst, int64_t ts, uint64_t *drops)
{
	size_t an = fam == 4 ? 4 : 16;
	struct frag *free_slot = NULL, *oldest = NULL;
	for (int i = 0; i < WS_FRAG_SLOTS; i++) {
		struct frag *f = &d->slot[i];
		if (f->used && ts - f->first_ts > WS_FRAG_TIMEOUT)
			frag_drop(f, drops);
		if (!f->used) {
			if (!free_slot)
				free_slot = f;
			continue;
		}
		if (f->fam == fam && f->proto == proto && f->id == id && !memcmp(f->src, src, an) &&
		    !memcmp(f->dst, dst, an))
			return f;
		if (!oldest || f->first_ts < oldest->first_ts)
			oldest = f;
	}
	struct frag *f = free_slot;
	if (!f) {
		f = oldest;
		frag_drop(f, drops);
	}
	if (!f->buf)
		f->buf = ws_xmalloc(FRAG_MAX);
	f->used = true;
	f->fam = (uint8_t)fam;
	f->proto = proto;
	f->id = id;
	memset(f->src, 0, sizeof(f->src));
	memset(f->dst, 0, sizeof(f->dst));
	memcpy(f->src, src, an);
	memcpy(f->dst, dst, an);
	f->first_ts = ts;
	f->total = 0;
	f->units = 0;
	f->end_max = 0;
	memset(f->have, 0, sizeof(f->have));
	return f;
}

/* Adds one fragment's payload; returns true when the datagram is whole. */
static bool frag_add(struct frag *f, uint32_t off, const uint8_t *p, uint32_t n, bool more,
		     uint64_t *drops)
{
	if ((more && n % 8) || off + n > FRAG_MAX || (f->total && off + n > f->total)) {
		frag_drop(f, drops);
		return false;
	}
	if (!more) {
		/* Blocks held past the end would count towards completion and
		 * leave a hole inside it: the datagram is impossible. */
		if ((f->total && f->total != off + n) || f->end_max > off + n) {
			frag_drop(f, drops);
			return false;
		}
		f->total = off + n;
	}
	if (off + n > f->end_max)
		f->end_max = off + n;
	for (uint32_t u = off / 8; u * 8 < off + n; u++) {
		if (f->have[u / 8] & (1u << (u % 8)))
			continue; /* first wins */
		uint32_t at = u * 8, k = off + n - at < 8 ? off + n - at : 8;
		memcpy(f->buf + at, p + (at - off), k);
		f->have[u / 8] |= (uint8_t)(1u << (u % 8));
		f->units++;
	}
	return f->total && f->units == (f->total + 7) / 8;
}

/* A fragment of a TCP datagram: keeps it, and decodes the datagram when
 * this fragment completes it. */
static enum ws_dec_rc fragment(struct ws_decoder *d, int fam, uint32_t id, const uint8_t *src,
			       const uint8_t *dst, uint32_t off, bool more, const uint8_t *p,
			       uint32_t n, bool cut, int64_t ts, struct ws_seg *s,
			       enum ws_undec *why, uint64_t *drops)
{
	if ((more && n % 8) || off + n > FRAG_MAX) {
		/* Impossible on its own: do not let it push out a datagram in
		 * progress. */
		(*drops)++;
		*why = WS_UNDEC_FRAG;
		return WS_DEC_BAD;
	}
	struct frag *f = frag_slot(d, fam, 6, id, src, dst, ts, drops);
	if (cut) {
		/* A fragment cut by the snap length leaves a hole nothing fills. */
		frag_drop(f, drops);
		*why = WS_UNDEC_FRAG;
		return WS_DEC_BAD;
	}
	if (!frag_add(f, off, p, n, more, drops)) {
		if (!f->used) {
			*why = WS_UNDEC_FRAG;
			return WS_DEC_BAD;
		}
		return WS_DEC_HELD;
	}
	f->used = false; /* the buffer stays valid until this slot is claimed again */
	d->reassembled++;
	set_addr(&s->src, fam, src);
	set_addr(&s->dst, fam, dst);
	return tcp(f->buf, f->total, f->total, s, why);
}

/* ICMP destination unreachable (type 3) quoting a TCP segment: the answer
 * a connection attempt gets from a router or host where nothing listens.
 * *s gets the quoted segment's addresses and ports (the original sender is
 * s->src) and no payload; anything else ICMP is not ours. Unfragmented
 * only: a fragmented ICMP error is counted as other. */
static enum ws_dec_rc icmp4(const uint8_t *b, uint32_t avail, struct ws_seg *s)
{
	if (avail < 8 || b[0] != 3)
		return WS_DEC_OTHER;
	const uint8_t *q = b + 8;
	uint32_t qa = avail - 8;
	if (qa < 20 || q[0] >> 4 != 4)
		return WS_DEC_OTHER;
	uint32_t qihl = (uint32_t)(q[0] & 15) * 4;
	if (qihl < 20 || qa < qihl + 4 || q[9] != 6)
		return WS_DEC_OTHER;
	memset(s, 0, sizeof(*s));
	set_addr(&s->src, 4, q + 12);
	set_addr(&s->dst, 4, q + 16);
	s->sport = be16(q + qihl);
	s->dport = be16(q + qihl + 2);
	return WS_DEC_UNREACH;
}

static enum ws_dec_rc ipv4(struct ws_decoder *d, const uint8_t *b, uint32_t avail, bool snapped,
			   int64_t ts, struct ws_seg *s, enum ws_undec *why, uint64_t *drops)
{
	if (avail < 20) {
		*why = WS_UNDEC_SHORT;
		return WS_DEC_BAD;
	}
	uint32_t ihl = (uint32_t)(b[0] & 15) * 4, tot = be16(b + 2);
	if (b[0] >> 4 != 4 || ihl < 20 || tot < ihl) {
		*why = WS_UNDEC_BAD_IP;
		return WS_DEC_BAD;
	}
	if (avail < ihl) {
		*why = WS_UNDEC_SHORT;
		return WS_DEC_BAD;
	}
	bool cut = false;
	if (tot > avail) {
		if (!snapped) {
			*why = WS_UNDEC_BAD_IP;
			return WS_DEC_BAD;
		}
		cut = true;
	} else {
		avail = tot; /* drop link-layer padding */
	}
	if (b[9] == 1)
		return icmp4(b + ihl, avail - ihl, s);
	if (b[9] != 6)
		return WS_DEC_OTHER;
	uint16_t ff = be16(b + 6);
	uint32_t off = (uint32_t)(ff & 0x1fff) * 8;
	bool more = ff & 0x2000;
	if (more || off)
		return fragment(d, 4, be16(b + 4), b + 12, b + 16, off, more, b + ihl, avail - ihl,
				cut, ts, s, why, drops);
	set_addr(&s->src, 4, b + 12);
	set_addr(&s->dst, 4, b + 16);
	return tcp(b + ihl, avail - ihl, tot - ihl, s, why);
}

static enum ws_dec_rc ipv6(struct ws_decoder *d, const uint8_t *b, uint32_t avail, bool snapped,
			   int64_t ts, struct ws_seg *s, enum ws_undec *why, uint64_t *drops)
{
	if (avail < 40) {
		*why = WS_UNDEC_SHORT;
		return WS_DEC_BAD;
	}
	if (b[0] >> 4 != 6) {
		*why = WS_UNDEC_BAD_IP;
		return WS_DEC_BAD;
	}
	uint32_t plen = be16(b + 4), end = 40 + plen;
	if (plen == 0) /* jumbogram: take the frame's length */
		end = avail;
	bool cut = false;
	if (end > avail) {
		if (!snapped) {
			*why = WS_UNDEC_BAD_IP;
			return WS_DEC_BAD;
		}
		cut = true;
	} else {
		avail = end;
	}
	uint8_t nh = b[6];
	uint32_t off = 40;
	for (int hops = 0; hops < 8; hops++) {
		uint32_t len;
		switch (nh) {
		case 6:
			set_addr(&s->src, 6, b + 8);
			set_addr(&s->dst, 6, b + 24);
			return tcp(b + off, avail - off, end - off, s, why);
		case 0: case 43: case 60: /* hop-by-hop, routing, destination options */
		case 51:                  /* authentication header */
			if (off + 2 > avail) {
				*why = off + 2 > end ? WS_UNDEC_BAD_IP : WS_UNDEC_SHORT;
				return WS_DEC_BAD;
			}
			len = nh == 51 ? ((uint32_t)b[off + 1] + 2) * 4 : ((uint32_t)b[off + 1] + 1) * 8;
			nh = b[off];
			off += len;
			break;
		case 44: { /* fragment */
			if (off + 8 > avail) {
				*why = off + 8 > end ? WS_UNDEC_BAD_IP : WS_UNDEC_SHORT;
				return WS_DEC_BAD;
			}
			uint16_t fo = be16(b + off + 2);
			uint32_t id = be32(b + off + 4), foff = fo & 0xfff8u;
			bool more = fo & 1;
			nh = b[off];
			off += 8;
			if (!more && !foff)
				break; /* an atomic fragment: the datagram is whole */
			if (nh != 6)
				return WS_DEC_OTHER;
			return fragment(d, 6, id, b + 8, b + 24, foff, more, b + off, avail - off, cut,
					ts, s, why, drops);
		}
		default:
			return WS_DEC_OTHER;
		}
		if (off > end) {
			*why = WS_UNDEC_BAD_IP;
			return WS_DEC_BAD;
		}
		if (off > avail) {
			*why = WS_UNDEC_SHORT;
			return WS_DEC_BAD;
		}
	}
	return WS_DEC_OTHER;
}

static enum ws_dec_rc ip_any(struct ws_decoder *d, const uint8_t *b, uint32_t avail, bool snapped,
			     int64_t ts, struct ws_seg *s, enum ws_undec *why, uint64_t *drops)
{
	if (avail < 1) {
		*why = WS_UNDEC_SHORT;
		return WS_DEC_BAD;
	}
	switch (b[0] >> 4) {
	case 4: return ipv4(d, b, avail, snapped, ts, s, why, drops);
	case 6: return ipv6(d, b, avail, snapped, ts, s, why, drops);
	}
	return WS_DEC_OTHER;
}

/* Ethertype dispatch after `off` bytes of link header, following VLAN tags
 * (802.1Q 0x8100, 802.1ad 0x88a8, the old QinQ 0x9100). */
static enum ws_dec_rc ether(struct ws_decoder *d, const uint8_t *p, uint32_t caplen, uint32_t off,
			    uint16_t type, bool snapped, int64_t ts, struct ws_seg *s,
			    enum ws_undec *why, uint64_t *drops)
{
	for (int tags = 0; type == 0x8100 || type == 0x88a8 || type == 0x9100; tags++) {
		if (tags == 4)
			return WS_DEC_OTHER;
		if (off + 4 > caplen) {
			*why = WS_UNDEC_SHORT;
			return WS_DEC_BAD;
		}
		type = be16(p + off + 2);
		off += 4;
	}
	if (type == 0x0800)
		return ipv4(d, p + off, caplen - off, snapped, ts, s, why, drops);
	if (type == 0x86dd)
		return ipv6(d, p + off, caplen - off, snapped, ts, s, why, drops);
	return WS_DEC_OTHER;
}

enum ws_dec_rc ws_decode(struct ws_decoder *d, int dlt, const uint8_t *p, uint32_t caplen,
			 uint32_t wirelen, int64_t ts, struct ws_seg *seg, enum ws_undec *why,
			 uint64_t *frag_drops)
{
	bool snapped = wirelen > caplen;
	uint32_t hdr = 0;
	switch (dlt) {
	case DLT_EN10MB_: hdr = 14; break;
	case DLT_LINUX_SLL_: hdr = 16; break;
	case DLT_LINUX_SLL2_: hdr = 20; break;
	case DLT_NULL_: case DLT_LOOP_: hdr = 4; break;
	case DLT_RAW_: case DLT_RAW_BSD_: case DLT_LINKTYPE_RAW_: case DLT_IPV4_: case DLT_IPV6_:
		break;
	default:
		*why = WS_UNDEC_LINKTYPE;
		return WS_DEC_BAD;
	}
	if (caplen < hdr) {
		*why = WS_UNDEC_SHORT;
		return WS_DEC_BAD;
	}
	switch (dlt) {
	case DLT_EN10MB_:
		return ether(d, p, caplen, 14, be16(p + 12), snapped, ts, seg, why, frag_drops);
	case DLT_LINUX_SLL_:
		return ether(d, p, caplen, 16, be16(p + 14), snapped, ts, seg, why, frag_drops);
	case DLT_LINUX_SLL2_:
		return ether(d, p, caplen, 20, be16(p), snapped, ts, seg, why, frag_drops);
	default:
		/* Raw IP and loopback: the IP version nibble says which (the
		 * loopback family word differs between systems). */
		return ip_any(d, p + hdr, caplen - hdr, snapped, ts, seg, why, frag_drops);
	}
}
