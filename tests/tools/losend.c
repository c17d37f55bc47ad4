/* SPDX-License-Identifier: MIT */
/* losend: the live-capture test's own listener and sender, on loopback.
 *
 *   losend [ADDR]        (default 127.0.0.1)
 *
 * Listens on ADDR at a port the kernel picks, then connects to itself once
 * per request and sends Code Red I and Code Red II request heads ([CERT-IN-2001-08], [CERT-IN-2001-09]
 * 1.1, 1.2) with a FILLER body, and one benign request; the listener
 * answers each with a 404. Test tooling only: never linked into wormscope.
 * It refuses any address outside 127.0.0.0/8, checked here in code, so it
 * cannot send anything off the machine. Prints the port it used. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char cr_tail[] =
	"%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090"
	"%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a";

static size_t code_red(char *buf, size_t cap, char letter)
{
	size_t n = (size_t)snprintf(buf, cap, "GET /default.ida?");
	memset(buf + n, letter, 224);
	n += 224;
	n += (size_t)snprintf(buf + n, cap - n,
			      "%s HTTP/1.0\r\nContent-type: text/xml\r\nContent-length: 3379\r\n\r\n",
			      cr_tail);
	for (int i = 0; i < 3379; i++)
		buf[n++] = "FILLER-"[i % 7];
	return n;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One exchange: connect, send, let the listener read it all and answer. */
static int exchange(int lfd, const struct sockaddr_in *to, const char *req, size_t n)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (const struct sockaddr *)to, sizeof(*to)) != 0)
		return -1;
	int s = accept(lfd, NULL, NULL);
	if (s < 0 || write_all(c, req, n) != 0)
		return -1;
	shutdown(c, SHUT_WR);
	char buf[8192];
	size_t got = 0;
	ssize_t r;
	while (got < n && (r = read(s, buf, sizeof(buf))) > 0)
		got += (size_t)r;
	static const char ans[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot here\n";
	if (write_all(s, ans, sizeof(ans) - 1) != 0)
		return -1;
	close(s);
	while (read(c, buf, sizeof(buf)) > 0)
		;
	close(c);
	return 0;
}

int main(int argc, char **argv)
{
	const char *addr = argc > 1 ? argv[1] : "127.0.0.1";
	struct sockaddr_in sa = {.sin_family = AF_INET};
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "losend: '%s' is not an IPv4 address\n", addr);
		return 2;
	}
	if ((ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "losend: refusing %s: only 127.0.0.0/8 is allowed\n", addr);
		return 2;
	}
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t len = sizeof(sa);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(lfd, 4) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len) != 0) {
		perror("losend: listen");
		return 2;
	}
	static char buf[8192];
	size_t n;
	n = code_red(buf, sizeof(buf), 'N');
	if (exchange(lfd, &sa, buf, n) != 0)
		goto fail;
	n = code_red(buf, sizeof(buf), 'X');
	if (exchange(lfd, &sa, buf, n) != 0)
		goto fail;
	n = (size_t)snprintf(buf, sizeof(buf), "GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n");
	if (exchange(lfd, &sa, buf, n) != 0)
		goto fail;
	printf("%d\n", ntohs(sa.sin_port));
	close(lfd);
	return 0;
fail:
	perror("losend");
	return 2;
}
