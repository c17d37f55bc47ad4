/* SPDX-License-Identifier: MIT */
/* wormflood: the benchmark's second load generator. Opens connections to
 * 127.0.0.1:PORT at a steady RATE per second for SECS seconds, each sending
 * one worm request as logs record it (Code Red I, Code Red II or Nimda in
 * turn, with a filler body; no worm code), reads until the guard answers or
 * closes (at most 1 s), and reports what came back. Source addresses rotate
 * over 127.0.1.1-127.0.1.250 so ephemeral ports do not run out.
 *
 * Loopback only: the target address is fixed to 127.0.0.1 and checked.
 *
 *   wormflood PORT RATE SECS   ->  one summary line on stdout */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "benchtime.h"

#define MAX_INFLIGHT 4096
#define HOLD_NS 1000000000LL

struct slot {
	int fd;
	long long start;
	size_t sent;
	const char *req;
	size_t len;
};

static char reqs[3][1024];
static size_t reqlen[3];

static void build_requests(void)
{
	static const char tail[] =
		"%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801"
		"%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a";
	char filler[225];
	for (int k = 0; k < 2; k++) {
		memset(filler, k == 0 ? 'N' : 'X', 224);
		filler[224] = '\0';
		reqlen[k] = (size_t)snprintf(reqs[k], sizeof(reqs[k]),
					     "GET /default.ida?%s%s HTTP/1.0\r\nContent-type: "
					     "text/xml\r\nContent-length: 32\r\n\r\n%s",
					     filler, tail, "FILLERFILLERFILLERFILLERFILLER..");
	}
	reqlen[2] = (size_t)snprintf(reqs[2], sizeof(reqs[2]), "%s",
				     "GET /scripts/..%c0%2f../winnt/system32/cmd.exe?/c+dir "
				     "HTTP/1.0\r\n\r\n");
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: wormflood PORT RATE SECS\n");
		return 2;
	}
	int port = (int)strtol(argv[1], NULL, 10);
	double rate = strtod(argv[2], NULL), secs = strtod(argv[3], NULL);
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
	if ((ntohl(dst.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "wormflood: loopback only\n");
		return 2;
	}
	build_requests();
	int ep = epoll_create1(0);
	struct slot *slots = calloc(MAX_INFLIGHT, sizeof(*slots));
	int inflight = 0;
	long long t0 = bench_now_ns(), end = t0 + (long long)(secs * 1e9);
	long long opened = 0, answered = 0, closed = 0, held = 0, failed = 0, skipped = 0;
	unsigned src = 0;
	int *freelist = calloc(MAX_INFLIGHT, sizeof(int)), nfree = 0;
	for (int i = MAX_INFLIGHT - 1; i >= 0; i--) {
		slots[i].fd = -1;
		freelist[nfree++] = i;
	}
	long long last_sweep = t0;
	for (;;) {
		long long t = bench_now_ns();
		if (t >= end && inflight == 0)
			break;
		/* Open what the schedule says is due by now. */
		long long due = t < end ? (long long)((double)(t - t0) * rate / 1e9) : opened + skipped;
		while (opened + skipped < due) {
			if (nfree == 0) {
				skipped++; /* falling behind: count it, do not queue */
				continue;
			}
			int i = freelist[--nfree];
			int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			struct sockaddr_in sa = {.sin_family = AF_INET};
			sa.sin_addr.s_addr = htonl((127u << 24) | (1u << 8) | (1 + src++ % 250));
			if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
			    (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) != 0 &&
			     errno != EINPROGRESS)) {
				failed++;
				opened++;
				if (fd >= 0)
					close(fd);
				freelist[nfree++] = i;
				continue;
			}
			int k = (int)(opened % 3);
			slots[i] = (struct slot){fd, t, 0, reqs[k], reqlen[k]};
			struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.u32 = (uint32_t)i};
			epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
			inflight++;
			opened++;
		}
		struct epoll_event evs[256];
		int n = epoll_wait(ep, evs, 256, 1);
		for (int e = 0; e < n; e++) {
			struct slot *s = &slots[evs[e].data.u32];
			if (s->fd < 0)
				continue;
			bool done = false;
			if ((evs[e].events & EPOLLOUT) && s->sent < s->len) {
				ssize_t w = send(s->fd, s->req + s->sent, s->len - s->sent, MSG_NOSIGNAL);
				if (w > 0)
					s->sent += (size_t)w;
				else if (errno != EAGAIN) {
					closed++;
					done = true;
				}
				if (s->sent == s->len) {
					struct epoll_event ev = {.events = EPOLLIN, .data = evs[e].data};
					epoll_ctl(ep, EPOLL_CTL_MOD, s->fd, &ev);
				}
			}
			if (!done && (evs[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
				char buf[4096];
				ssize_t r = recv(s->fd, buf, sizeof(buf), 0);
				if (r > 0)
					answered++;
				else if (r == 0 || errno != EAGAIN)
					closed++;
				done = r >= 0 || errno != EAGAIN;
			}
			if (done) {
				close(s->fd);
				s->fd = -1;
				inflight--;
				freelist[nfree++] = (int)evs[e].data.u32;
			}
		}
		/* Connections the guard holds (tarpit) are let go after HOLD_NS. */
		long long t2 = bench_now_ns();
		if (t2 - last_sweep < 100000000LL)
			continue;
		last_sweep = t2;
		for (int i = 0; i < MAX_INFLIGHT && inflight; i++)
			if (slots[i].fd >= 0 && t2 - slots[i].start > HOLD_NS) {
				close(slots[i].fd);
				slots[i].fd = -1;
				inflight--;
				held++;
				freelist[nfree++] = i;
			}
	}
	double el = (double)(bench_now_ns() - t0) / 1e9;
	printf("wormflood: %lld worm requests in %.1f s (%.0f/s): %lld answered, %lld closed, "
	       "%lld held, %lld failed, %lld not sent (behind schedule)\n",
	       opened - failed, el, (double)(opened - failed) / el, answered, closed, held, failed,
	       skipped);
	free(slots);
	free(freelist);
	close(ep);
	return 0;
}
