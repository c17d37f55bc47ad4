/* SPDX-License-Identifier: MIT */
/* Addresses and CIDR sets (util/addr.h): IPv4, IPv6, ::ffff:a.b.c.d folded to
 * IPv4, "ip:port" as proxies log it, text formatting, CIDR parsing with host
 * bits cleared, containment at /0, /32, /128 and prefixes that end inside a
 * byte, the set operations, and garbage that must be rejected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/addr.h"

static struct ws_str S(const char *s)
{
	return (struct ws_str){s, strlen(s)};
}

static struct ws_addr A(const char *s)
{
	struct ws_addr a;
	assert_true(ws_addr_parse(S(s), &a, NULL));
	return a;
}

static void test_ipv4(void **state)
{
	(void)state;
	struct ws_addr a;
	int port = 7;
	assert_true(ws_addr_parse(S("211.218.252.9"), &a, &port));
	assert_int_equal(a.fam, 4);
	static const uint8_t want[16] = {211, 218, 252, 9};
	assert_memory_equal(a.b, want, 16); /* bytes past the fourth are zero */
	assert_int_equal(port, -1);
	char out[64];
	assert_string_equal(ws_addr_format(&a, out, sizeof(out)), "211.218.252.9");
	/* A view, not a C string: the bytes after n are not read. */
	assert_true(ws_addr_parse((struct ws_str){"10.1.2.3 - -", 8}, &a, NULL));
	assert_string_equal(ws_addr_format(&a, out, sizeof(out)), "10.1.2.3");
}

static void test_ipv6_and_mapped(void **state)
{
	(void)state;
	char out[64];
	struct ws_addr a = A("2001:db8::1");
	assert_int_equal(a.fam, 6);
	assert_int_equal(a.b[0], 0x20);
	assert_int_equal(a.b[15], 1);
	assert_string_equal(ws_addr_format(&a, out, sizeof(out)), "2001:db8::1");
	a = A("2001:DB8:0:0:0:0:0:1");
	assert_string_equal(ws_addr_format(&a, out, sizeof(out)), "2001:db8::1");
	/* ::ffff:1.2.3.4 folds to the IPv4 address, equal to the plain form. */
	a = A("::ffff:1.2.3.4");
	assert_int_equal(a.fam, 4);
	struct ws_addr b = A("1.2.3.4");
	assert_true(ws_addr_eq(&a, &b));
	assert_memory_equal(a.b, b.b, 16);
	assert_string_equal(ws_addr_format(&a, out, sizeof(out)), "1.2.3.4");
	/* ::1 and IPv4-compatible ::1.2.3.4 stay IPv6. */
	a = A("::1");
	assert_int_equal(a.fam, 6);
	a = A("::1.2.3.4");
	assert_int_equal(a.fam, 6);
	assert_false(ws_addr_eq(&a, &b));
	struct ws_addr none = {0};
	assert_string_equal(ws_addr_format(&none, out, sizeof(out)), "-");
}

static void test_port(void **state)
{
	(void)state;
	struct ws_addr a;
	int port = 0;
	assert_true(ws_addr_parse(S("192.0.2.1:8080"), &a, &port));
	assert_int_equal(a.fam, 4);
	assert_int_equal(port, 8080);
	assert_true(ws_addr_parse(S("192.0.2.1:0"), &a, &port));
	assert_int_equal(port, 0);
	assert_true(ws_addr_parse(S("192.0.2.1:65535"), &a, NULL));
	assert_false(ws_addr_parse(S("192.0.2.1:65536"), &a, &port));
	assert_false(ws_addr_parse(S("192.0.2.1:80x"), &a, &port));
	assert_false(ws_addr_parse(S("host:80"), &a, &port));
	assert_int_equal(a.fam, 0);
	/* IPv6 has more than one colon: never split as a port. */
	assert_true(ws_addr_parse(S("2001:db8::80"), &a, &port));
	assert_int_equal(a.fam, 6);
	assert_int_equal(port, -1);
}

static void test_lax_forms_rejected(void **state)
{
	(void)state;
	struct ws_addr a;
	int port;
	/* "1.2.3.4:" has no port; "+80" and " 80" are not how ports are logged. */
	assert_false(ws_addr_parse(S("192.0.2.1:"), &a, &port));
	assert_false(ws_addr_parse(S("192.0.2.1:+80"), &a, &port));
	assert_false(ws_addr_parse(S("192.0.2.1: 80"), &a, &port));
	/* A NUL inside the view ends nothing: "1.2.3.4<NUL>x" is not an address. */
	assert_false(ws_addr_parse((struct ws_str){"1.2.3.4\0x", 9}, &a, NULL));
}

static void test_garbage(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "-", "abc", "1.2.3", "256.1.1.1", "1.2.3.4.5", "1.2.3.-4", "::g", "1:2:3:4:5:6:7:8:9",
		"[2001:db8::1]", "2001:db8::1/64", "crawler.example.net", " 1.2.3.4", "1.2.3.4 ",
		"0x01.2.3.4", "1.2.3.4\n",
		"1234567890123456789012345678901234567890123456789012345678901234567890",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ws_addr a;
		memset(&a, 0xaa, sizeof(a));
		if (ws_addr_parse(S(bad[i]), &a, NULL))
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(a.fam, 0);
	}
}

static void test_cidr_parse(void **state)
{
	(void)state;
	struct ws_cidr c;
	char out[64];
	assert_true(ws_cidr_parse("10.0.0.0/8", &c));
	assert_int_equal(c.bits, 8);
	assert_true(ws_cidr_parse("192.168.1.130/25", &c));
	assert_int_equal(c.bits, 25);
	assert_string_equal(ws_addr_format(&c.net, out, sizeof(out)), "192.168.1.128");
	assert_true(ws_cidr_parse("2001:db8:abcd:ef01::/36", &c));
	assert_string_equal(ws_addr_format(&c.net, out, sizeof(out)), "2001:db8:a000::");
	assert_true(ws_cidr_parse("192.0.2.7", &c)); /* a bare address is /32 */
	assert_int_equal(c.bits, 32);
	assert_true(ws_cidr_parse("2001:db8::7", &c));
	assert_int_equal(c.bits, 128);
	static const char *const bad[] = {
		"10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8x", "10.0.0.0/x", "10/8",
		"2001:db8::/129", "/8", "", "garbage/8",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ws_cidr_parse(bad[i], &c))
			fail_msg("accepted '%s'", bad[i]);
}

static bool in(const char *cidr, const char *addr)
{
	struct ws_cidr c;
	assert_true(ws_cidr_parse(cidr, &c));
	struct ws_addr a = A(addr);
	return ws_cidr_contains(&c, &a);
}

static void test_cidr_contains(void **state)
{
	(void)state;
	assert_true(in("10.0.0.0/8", "10.255.255.255"));
	assert_false(in("10.0.0.0/8", "11.0.0.0"));
	assert_false(in("10.0.0.0/8", "9.255.255.255"));
	/* /0: every address of the family, none of the other. */
	assert_true(in("0.0.0.0/0", "0.0.0.0"));
	assert_true(in("0.0.0.0/0", "255.255.255.255"));
	assert_false(in("0.0.0.0/0", "2001:db8::1"));
	assert_true(in("::/0", "2001:db8::1"));
	assert_false(in("::/0", "1.2.3.4"));
	assert_false(in("::/0", "::ffff:1.2.3.4")); /* folded to IPv4 */
	assert_true(in("1.2.3.0/24", "::ffff:1.2.3.4"));
	/* /32 and /128: one address. */
	assert_true(in("192.0.2.7/32", "192.0.2.7"));
	assert_false(in("192.0.2.7/32", "192.0.2.6"));
	assert_true(in("2001:db8::7/128", "2001:db8::7"));
	assert_false(in("2001:db8::7/128", "2001:db8::6"));
	/* Prefixes that end inside a byte. */
	assert_true(in("10.0.0.0/12", "10.15.255.255"));
	assert_false(in("10.0.0.0/12", "10.16.0.0"));
	assert_true(in("192.168.1.130/25", "192.168.1.128"));
	assert_true(in("192.168.1.130/25", "192.168.1.255"));
	assert_false(in("192.168.1.130/25", "192.168.1.127"));
	assert_true(in("24.0.0.0/5", "31.255.255.255"));
	assert_false(in("24.0.0.0/5", "32.0.0.0"));
	assert_true(in("2001:db8:8000::/33", "2001:db8:ffff::1"));
	assert_false(in("2001:db8:8000::/33", "2001:db8:7fff::1"));
	assert_true(in("fe80::/10", "febf::1"));
	assert_false(in("fe80::/10", "fec0::1"));
	assert_true(in("2001:db8::/127", "2001:db8::1"));
	assert_false(in("2001:db8::/127", "2001:db8::2"));
	/* An unknown source (a host name in the log) is in no network. */
	struct ws_cidr c;
	assert_true(ws_cidr_parse("0.0.0.0/0", &c));
	struct ws_addr none = {0};
	assert_false(ws_cidr_contains(&c, &none));
}

static void test_cidrset(void **state)
{
	(void)state;
	struct ws_cidrset s = {0};
	struct ws_addr a = A("172.16.5.4");
	assert_false(ws_cidrset_contains(&s, &a));
	static const char *const nets[] = {"10.0.0.0/8", "172.16.0.0/12", "2001:db8::/32"};
	for (size_t i = 0; i < 3; i++) {
		struct ws_cidr c;
		assert_true(ws_cidr_parse(nets[i], &c));
		ws_cidrset_add(&s, &c);
	}
	assert_int_equal(s.n, 3);
	assert_true(ws_cidrset_contains(&s, &a));
	a = A("172.32.0.1");
	assert_false(ws_cidrset_contains(&s, &a));
	a = A("2001:db8:1::1");
	assert_true(ws_cidrset_contains(&s, &a));
	a = A("2001:db9::1");
	assert_false(ws_cidrset_contains(&s, &a));
	ws_cidrset_free(&s);
	assert_int_equal(s.n, 0);
	assert_null(s.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6_and_mapped),
		cmocka_unit_test(test_port),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_cidr_parse),
		cmocka_unit_test(test_cidr_contains),
		cmocka_unit_test(test_cidrset),
		cmocka_unit_test(test_lax_forms_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
