#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of `wormscope guard` on loopback.

Usage: test_guard.py WORMSCOPE CASE   (CASE "all" runs every case)

Each case starts its own fragile upstream (fragile_upstream.py: it dies on a
Code Red request, like the 2001 devices) and, where it needs one, its own
guard on port 0 (the bound port is read from the guard's log). Every socket
these tests open goes to 127.0.0.0/8: connect() below refuses anything else.
No case asserts a duration but one: waits are generous upper bounds for a
loaded 2-core box, and what is checked is what arrived, never how fast. The
exception is lockout, which checks the 1 s that issue 11 asks for (the best of
3 tries)."""
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORMSCOPE = None
WAIT = 30.0  # upper bound for anything to happen

# Worm requests as logs record them ([CERT-IN-2001-08], [CERT-IN-2001-09], [KB317605]), with a filler body.
CR_TAIL = ("%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801"
           "%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a")
FILLER = b"F" * 200
CODE_RED = (("GET /default.ida?" + "N" * 224 + CR_TAIL + " HTTP/1.0\r\n"
             "Content-type: text/xml\r\nContent-length: %d\r\n\r\n" % len(FILLER)).encode()
            + FILLER)
CODE_RED_II = (("GET /default.ida?" + "X" * 224 + CR_TAIL + " HTTP/1.0\r\n"
                "Content-type: text/xml\r\nContent-length: %d\r\n\r\n" % len(FILLER)).encode()
               + FILLER)
NIMDA = b"GET /scripts/..%c0%2f../winnt/system32/cmd.exe?/c+dir HTTP/1.0\r\n\r\n"


def ordinary(path="/", extra=b"", version=b"HTTP/1.1"):
    return b"GET " + path.encode() + b" " + version + b"\r\nHost: test\r\n" + extra + b"\r\n"


def connect(port, src=None):
    addr = "127.0.0.1"
    if src:
        assert src.startswith("127."), "test traffic stays on loopback"
    assert addr.startswith("127."), "test traffic stays on loopback"
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(WAIT)
    if src:
        s.bind((src, 0))
    s.connect((addr, port))
    return s


class Reader:
    """Reads HTTP responses off a socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self):
        d = self.sock.recv(65536)
        if not d:
            raise EOFError("connection closed")
        self.buf += d

    def line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def response(self, head_only=False):
        status = self.line()
        code = int(status.split(b" ")[1])
        headers = {}
        while True:
            h = self.line()
            if not h:
                break
            k, _, v = h.partition(b":")
            headers[k.strip().lower().decode()] = v.strip().decode()
        body = b""
        if head_only or code in (204, 304) or 100 <= code < 200:
            return code, headers, body
        if headers.get("transfer-encoding") == "chunked":
            while True:
                size = int(self.line().split(b";")[0], 16)
                if size == 0:
                    while self.line():
                        pass
                    break
                body += self.exact(size)
                self.exact(2)
        elif "content-length" in headers:
            body = self.exact(int(headers["content-length"]))
        else:
            try:
                while True:
                    self._fill()
            except EOFError:
                body, self.buf = self.buf, b""
        return code, headers, body


def closed(sock, wait=WAIT):
    """True when the peer closes (or resets) within wait seconds; any data
    before that is discarded."""
    sock.settimeout(wait)
    end = time.monotonic() + wait
    try:
        while time.monotonic() < end:
            if not sock.recv(65536):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    return False


def silent(sock, wait):
    """True when nothing arrives and the connection stays open for wait s."""
    sock.settimeout(wait)
    try:
        return sock.recv(1) == b"" and False
    except socket.timeout:
        return True
    except ConnectionResetError:
        return False


def wait_for(pred, what, wait=WAIT):
    end = time.monotonic() + wait
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


class Upstream:
    def __init__(self):
        self.p = subprocess.Popen([sys.executable, os.path.join(HERE, "fragile_upstream.py")],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.p.stdout.readline().decode()
        m = re.match(r"PORT (\d+)", line)
        assert m, "upstream did not start: %r" % line
        self.port = int(m.group(1))

    def alive(self):
        return self.p.poll() is None

    def stop(self):
        if self.alive():
            self.p.kill()
        self.p.wait()


class Guard:
    def __init__(self, upstream_port, *args, config=None, nofile=None):
        self.dir = tempfile.mkdtemp(prefix="wsguard.")
        self.out = os.path.join(self.dir, "sightings.jsonl")
        self.errpath = os.path.join(self.dir, "guard.err")
        cmd = [WORMSCOPE, "guard", "-o", self.out, "--source-rate", "0"]
        if config:
            cmd += ["--config", config]
        else:
            cmd += ["--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:%d" % upstream_port]
        cmd += list(args)
        self.err = open(self.errpath, "w")
        def limit():
            import resource
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        self.p = subprocess.Popen(cmd, stderr=self.err, preexec_fn=limit if nofile else None)
        self.ports = []
        wait_for(lambda: self._ports(), "the guard to listen")
        self.port = self.ports[0]

    def log(self):
        with open(self.errpath) as f:
            return f.read()

    def _ports(self):
        if self.p.poll() is not None:
            raise AssertionError("guard exited: " + self.log())
        self.ports = [int(x) for x in re.findall(r"listening on 127\.0\.0\.1:(\d+)", self.log())]
        return bool(self.ports)

    def sightings(self):
        try:
            with open(self.out) as f:
                # Only whole lines: the guard may be mid-write.
                return [json.loads(l) for l in f if l.endswith("\n")]
        except FileNotFoundError:
            return []

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(WAIT)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.err.close()
        log = self.log()
        assert "AddressSanitizer" not in log and "runtime error" not in log, log
        return self.p.returncode


def get(port, path="/", extra=b"", src=None):
    s = connect(port, src)
    s.sendall(ordinary(path, extra + b"Connection: close\r\n"))
    code, h, body = Reader(s).response()
    s.close()
    return code, h, body


def send_worm(port, req, expect_answer=None):
    s = connect(port)
    s.sendall(req)
    if expect_answer:
        code, _, _ = Reader(s).response()
        assert code == expect_answer, code
    s.close()


# ---------------------------------------------------------------- cases

def case_unguarded_dies():
    """Without the guard, one Code Red request kills the upstream."""
    up = Upstream()
    try:
        s = connect(up.port)
        s.sendall(ordinary("/", b"Connection: close\r\n"))
        assert Reader(s).response()[0] == 200
        s = connect(up.port)
        s.sendall(CODE_RED)
        up.p.wait(WAIT)
        assert up.p.returncode == 3, up.p.returncode
    finally:
        up.stop()


def case_storm():
    """Behind the guard the upstream survives a worm storm, ordinary requests
    keep getting 200, and every worm request becomes a sighting."""
    up = Upstream()
    g = Guard(up.port, "--max-tarpit", "50", "--tarpit-timeout", "2")
    try:
        worms = [CODE_RED, CODE_RED_II, NIMDA]
        held = []
        sent = 0
        for i in range(150):
            s = connect(g.port)
            s.sendall(worms[i % 3])
            sent += 1
            if worms[i % 3] is NIMDA:
                assert Reader(s).response()[0] == 403
                s.close()
            else:
                held.append(s)
            if i % 10 == 0:
                code, _, body = get(g.port, "/during-storm-%d" % i)
                assert code == 200 and json.loads(body)["target"] == "/during-storm-%d" % i
            if len(held) > 40:
                for h in held:
                    h.close()
                held = []
        assert up.alive(), "upstream died behind the guard"
        wait_for(lambda: len(g.sightings()) == sent, "%d sightings" % sent)
        ids = {x["worm"] for x in g.sightings()}
        assert ids == {"code-red", "code-red-ii", "nimda"}, ids
        x = g.sightings()[0]
        assert x["src"] == "127.0.0.1" and x["file"] == "guard 127.0.0.1:%d" % g.port, x
        assert x["uri"].startswith("/default.ida?NNNN") and x["method"] == "GET", x
        assert get(g.port)[0] == 200
        assert up.alive()
        for h in held:
            h.close()
    finally:
        assert g.stop() == 0
        up.stop()


def case_keepalive():
    """Several requests on one client connection go over one upstream
    connection, each answered in turn."""
    up = Upstream()
    g = Guard(up.port)
    try:
        s = connect(g.port)
        r = Reader(s)
        peers = set()
        for i in range(5):
            s.sendall(ordinary("/ka/%d" % i))
            code, h, body = r.response()
            info = json.loads(body)
            assert code == 200 and info["target"] == "/ka/%d" % i
            assert h.get("connection") != "close"
            peers.add(info["peer_port"])
        assert len(peers) == 1, peers
        # HTTP/1.0 with keep-alive stays open too.
        s.sendall(ordinary("/ka10", b"Connection: keep-alive\r\n", b"HTTP/1.0"))
        code, h, body = r.response()
        assert code == 200 and h.get("connection") == "keep-alive", h
        s.sendall(ordinary("/last", b"Connection: close\r\n"))
        code, h, _ = r.response()
        assert code == 200 and h.get("connection") == "close"
        assert closed(s)
    finally:
        assert g.stop() == 0
        up.stop()


def case_pipelining():
    """Pipelined requests are answered in order, each one classified: a worm
    request behind two ordinary ones is stopped, the ordinary ones pass."""
    up = Upstream()
    g = Guard(up.port)
    try:
        s = connect(g.port)
        s.sendall(ordinary("/p1") + ordinary("/p2") + b"HEAD /p3 HTTP/1.1\r\nHost: t\r\n\r\n" +
                  ordinary("/p4"))
        r = Reader(s)
        for p in ("/p1", "/p2"):
            code, _, body = r.response()
            assert code == 200 and json.loads(body)["target"] == p
        code, h, body = r.response(head_only=True)
        assert code == 200 and body == b"" and int(h["content-length"]) > 0
        code, _, body = r.response()
        assert json.loads(body)["target"] == "/p4"
        s.sendall(ordinary("/p5") + NIMDA + ordinary("/never"))
        code, _, body = r.response()
        assert code == 200 and json.loads(body)["target"] == "/p5"
        code, _, _ = r.response()
        assert code == 403
        assert closed(s)
        wait_for(lambda: len(g.sightings()) == 1, "the nimda sighting")
        assert g.sightings()[0]["worm"] == "nimda"
        # Pipelined, then half-closed: every request is still answered.
        s = connect(g.port)
        s.sendall(ordinary("/h1") + ordinary("/h2") + ordinary("/h3"))
        s.shutdown(socket.SHUT_WR)
        r = Reader(s)
        for p in ("/h1", "/h2", "/h3"):
            code, _, body = r.response()
            assert code == 200 and json.loads(body)["target"] == p, (p, code)
        assert closed(s)
        # The request behind the worm never reached the upstream.
        _, _, body = get(g.port, "/check")
        assert json.loads(body)["count"] == 9, body
    finally:
        assert g.stop() == 0
        up.stop()


def case_bodies():
    """Content-Length and chunked bodies arrive intact; chunked answers too."""
    import hashlib
    up = Upstream()
    g = Guard(up.port)
    try:
        s = connect(g.port)
        r = Reader(s)
        big = bytes(range(256)) * 4096  # 1 MiB
        s.sendall(b"POST /cl HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n" % len(big) + big)
        code, _, body = r.response()
        info = json.loads(body)
        assert code == 200 and info["body_len"] == len(big)
        assert info["body_sha256"] == hashlib.sha256(big).hexdigest()
        parts = [b"hello ", b"x" * 70000, b"chunked;world"]
        chunked = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(p), p) for p in parts)
        chunked += b"0\r\nX-Trailer: yes\r\n\r\n"
        s.sendall(b"POST /ch HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
        for i in range(0, len(chunked), 999):  # in pieces, split anywhere
            s.sendall(chunked[i:i + 999])
        code, _, body = r.response()
        info = json.loads(body)
        assert code == 200 and info["body_sha256"] == hashlib.sha256(b"".join(parts)).hexdigest()
        assert ["Transfer-Encoding", "chunked"] in info["headers"], info["headers"]
        s.sendall(ordinary("/chunked"))
        code, h, body = r.response()
        assert code == 200 and h.get("transfer-encoding") == "chunked"
        assert json.loads(body)["target"] == "/chunked"
        # Bad chunk framing: 400, connection closed.
        s.sendall(b"POST /bad HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
        code, _, _ = r.response()
        assert code == 400
        assert closed(s)
    finally:
        assert g.stop() == 0
        up.stop()


MALFORMED = [
    (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
    (b"GET /\x01x HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    (b"GET / HTTP/9.9\r\nHost: a\r\n\r\n", 400),
    (b"GET /\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: a\r\nBad Header : x\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\n\r\n", 400),
    (b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400),
    (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", 400),
    (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"0\r\n\r\n", 400),
    (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400),
    (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"a" * 20000 + b"\r\n\r\n", 431),
    (b"GET / HTTP/1.1\r\nHost: a\r\n" + b"X: y\r\n" * 150 + b"\r\n", 431),
]


def case_malformed():
    """Malformed requests get 400 (or 431) and never reach the upstream;
    what is forwarded is normalised."""
    up = Upstream()
    g = Guard(up.port)
    try:
        for req, want in MALFORMED:
            s = connect(g.port)
            s.sendall(req)
            code, h, _ = Reader(s).response()
            assert code == want, (req[:60], code)
            assert h.get("connection") == "close"
            assert closed(s)
        s = connect(g.port)
        s.sendall(b"GET http://example.test/abs?q=1 HTTP/1.1\r\nHost: other\r\n"
                  b"Connection: X-Private\r\nX-Private: secret\r\nKeep-Alive: 5\r\n"
                  b"Proxy-Connection: keep-alive\r\nUpgrade: h2c\r\nX-Folded: one\r\n two\r\n"
                  b"X-Forwarded-For: 10.1.2.3\r\nAccept: */*\r\n\r\n")
        code, _, body = Reader(s).response()
        info = json.loads(body)
        names = [k.lower() for k, _ in info["headers"]]
        hd = {k.lower(): v for k, v in info["headers"]}
        assert code == 200 and info["target"] == "/abs?q=1", info
        assert names.count("host") == 1 and hd["host"] == "example.test", info
        for hop in ("x-private", "keep-alive", "proxy-connection", "upgrade", "connection"):
            assert hop not in names, (hop, names)
        assert hd["x-folded"] == "one two", hd
        assert hd["x-forwarded-for"] == "10.1.2.3, 127.0.0.1", hd
        assert hd["via"] == "1.1 wormscope-guard" and hd["accept"] == "*/*", hd
        # Only that one request reached the upstream.
        assert info["count"] == 1, info
        assert up.alive()
    finally:
        assert g.stop() == 0
        up.stop()


EVASIVE = [
    # Code Red II with one dot escaped, and the same with IIS's %u form
    ("GET /default%2eida?" + "X" * 224 + CR_TAIL + " HTTP/1.0\r\n\r\n").encode(),
    ("GET /DEFAULT.%u0049DA?" + "X" * 224 + CR_TAIL + " HTTP/1.0\r\n\r\n").encode(),
    b"GET /scripts/r%6fot.exe?/c+dir HTTP/1.0\r\n\r\n",
    b"GET /scripts/root%c0%aeexe?/c+dir HTTP/1.0\r\n\r\n",
    b"GET /scripts/root.exe::$DATA?/c+dir HTTP/1.0\r\n\r\n",
    b"GET /scripts\\root.exe?/c+dir HTTP/1.0\r\n\r\n",
    b"GET /scripts/./x/..//root.exe;a=b?/c+dir HTTP/1.0\r\n\r\n",
]
# No worm named, but encodings no client means well by: 400, not forwarded.
HOSTILE = [
    b"GET /a/%252e%252e/b HTTP/1.1\r\nHost: t\r\n\r\n",
    b"GET /x%00.html HTTP/1.1\r\nHost: t\r\n\r\n",
    b"GET /%u0061 HTTP/1.1\r\nHost: t\r\n\r\n",
    b"GET /a%c0%afb HTTP/1.1\r\nHost: t\r\n\r\n",
    b"GET /../../etc HTTP/1.1\r\nHost: t\r\n\r\n",
]


def case_evasion():
    """Encoded worm requests (issue 11: /default%2eida and r%6fot.exe got
    200 and reached the upstream) never reach it, and their sightings say
    which encodings they used; hostile encodings on any path get 400."""
    up = Upstream()
    g = Guard(up.port)
    try:
        for req in EVASIVE:
            s = connect(g.port)
            s.sendall(req)
            time.sleep(0.2)
            s.close()
        for req in HOSTILE:
            s = connect(g.port)
            s.sendall(req)
            code, _, _ = Reader(s).response()
            assert code == 400, (req, code)
        s = connect(g.port)
        s.sendall(ordinary("/ok"))
        code, _, body = Reader(s).response()
        info = json.loads(body)
        assert code == 200 and info["count"] == 1, info
        assert up.alive()
    finally:
        assert g.stop() == 0
        up.stop()
    with open(g.out) as f:
        rows = [json.loads(line) for line in f]
    assert len(rows) == len(EVASIVE), rows
    for row in rows:
        assert row["worm"] in ("code-red-ii", "nimda"), row
        assert row.get("evasion"), row


def case_evasion_corpus():
    """The whole evasion corpus (tests/unit/evasion.h, 616 cases) through the
    running guard: `mkcap evasion` writes it as an NCSA log, `scan` names each
    line, and each case sent to the guard as its own connection must get the
    guard's answer (403 here, with all=reject), never reach the upstream, and
    be named with the worm and evasion flags the log scan gives it."""
    mkcap = os.environ.get("WS_MKCAP")
    if not mkcap or not os.path.exists(mkcap):
        print("skipped: WS_MKCAP (tests/tools/mkcap) not given")
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="wsevasion.")
    cap = os.path.join(tmp, "e.pcap")
    subprocess.run([mkcap, "evasion", cap], check=True)
    with open(cap + ".log", "rb") as f:
        targets = [re.search(rb'"GET (.*) HTTP/1\.0"', l).group(1) for l in f]
    scan = subprocess.run([WORMSCOPE, "scan", "-q", "-f", "jsonl", cap + ".log"],
                          stdout=subprocess.PIPE, check=False)
    assert scan.returncode == 1, scan.returncode
    want = {}
    for l in scan.stdout.splitlines():
        row = json.loads(l)
        want[row["line"] - 1] = (row["worm"], row.get("evasion", []))
    assert len(targets) == 616 and len(want) == 616, (len(targets), len(want))
    up = Upstream()
    g = Guard(up.port, "--action", "all=reject")
    try:
        for t in targets:
            s = connect(g.port)
            s.sendall(b"GET " + t + b" HTTP/1.0\r\n\r\n")
            code, _, _ = Reader(s).response()
            assert code == 403, (t, code)
            s.close()
        s = connect(g.port)
        s.sendall(ordinary("/ok"))
        code, _, body = Reader(s).response()
        info = json.loads(body)
        assert code == 200 and info["count"] == 1, info  # nothing else got through
    finally:
        assert g.stop() == 0
        up.stop()
    rows = g.sightings()
    assert len(rows) == 616, len(rows)
    bad = [(k, t, want[k], (r["worm"], r.get("evasion", [])))
           for k, (t, r) in enumerate(zip(targets, rows))
           if (r["worm"], r.get("evasion", [])) != want[k]]
    print("evasion corpus through the guard: %d cases, %d named as in the log" % (len(rows), len(rows) - len(bad)))
    assert not bad, "%d cases named otherwise by the guard, e.g. %r" % (len(bad), bad[:3])
    subprocess.run(["rm", "-rf", tmp], check=False)


def case_smuggle():
    """A Connection header naming Content-Length (or Transfer-Encoding) must
    not make the guard drop that field while it relays the body by it: the
    upstream would read the body - here a Code Red request - as a request the
    guard never classified. The guard answers 400 and the upstream lives."""
    up = Upstream()
    g = Guard(up.port)
    try:
        for conn, framing, body in (
                (b"Content-Length", b"Content-Length: %d\r\n" % len(CODE_RED), CODE_RED),
                (b"Transfer-Encoding", b"Transfer-Encoding: chunked\r\n",
                 b"%x\r\n%s\r\n0\r\n\r\n" % (len(CODE_RED), CODE_RED))):
            s = connect(g.port)
            s.sendall(b"POST / HTTP/1.1\r\nHost: t\r\nConnection: keep-alive, " + conn +
                      b"\r\n" + framing + b"\r\n" + body)
            code, _, _ = Reader(s).response()
            assert code == 400, (conn, code)
            s.close()
        time.sleep(0.5)
        assert up.alive(), "a smuggled Code Red request reached the upstream"
        assert get(g.port)[0] == 200
    finally:
        assert g.stop() == 0
        up.stop()


def case_slow_reader():
    """A client that asks for a large answer and never reads it must not
    hold its connection (and the upstream's) forever: once the answer stops
    moving for --idle-timeout, the guard lets both go."""
    big = 32 << 20
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    host = "127.0.0.1"
    assert host.startswith("127."), "test traffic stays on loopback"
    lsock.bind((host, 0))
    lsock.listen(8)

    def serve():
        try:
            c, _ = lsock.accept()
            c.recv(65536)
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % big)
            chunk = b"B" * 65536
            for _ in range(big // len(chunk)):
                c.sendall(chunk)
        except OSError:
            pass
    import threading
    threading.Thread(target=serve, daemon=True).start()
    g = Guard(lsock.getsockname()[1], "--idle-timeout", "1")
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", g.port))
        s.sendall(ordinary("/big"))
        time.sleep(4)  # reads nothing: well past the 1 s idle timeout
        got = 0
        s.settimeout(5)
        try:
            while True:
                d = s.recv(1 << 20)
                if not d:
                    break
                got += len(d)
        except ConnectionResetError:
            pass
        except socket.timeout:
            pass
        assert got < big, "the guard held a client that read nothing for 4 s"
    finally:
        assert g.stop() == 0
        lsock.close()


def case_slow():
    """Slow senders: a head trickled byte by byte, a silent connection and a
    stalled body are cut (408 or close) while ordinary clients get 200."""
    up = Upstream()
    g = Guard(up.port, "--header-timeout", "1", "--body-timeout", "1")
    try:
        silent_conn = connect(g.port)
        trickle = connect(g.port)
        stalled = connect(g.port)
        stalled.sendall(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789")
        req = ordinary("/slow-loris")
        for i, b in enumerate(req):  # one byte every 0.2 s: the head needs ~7 s
            if select.select([trickle], [], [], 0)[0]:
                break  # the guard answered
            try:
                trickle.sendall(bytes([b]))
            except OSError:
                break
            time.sleep(0.2)
            if i % 5 == 0:
                assert get(g.port)[0] == 200
        code, _, _ = Reader(trickle).response()
        assert code == 408, code
        assert closed(trickle) and closed(silent_conn)
        code, _, _ = Reader(stalled).response()
        assert code == 408, code
        assert closed(stalled)
        assert get(g.port)[0] == 200
    finally:
        assert g.stop() == 0
        up.stop()


def case_tarpit():
    """The tarpit holds Code Red connections without answering, up to
    --max-tarpit; the rest are closed; held ones are let go at the timeout."""
    up = Upstream()
    g = Guard(up.port, "--max-tarpit", "3", "--tarpit-timeout", "3")
    try:
        socks = []
        for i in range(5):
            s = connect(g.port)
            s.sendall(CODE_RED)
            socks.append(s)
            wait_for(lambda: len(g.sightings()) == i + 1, "sighting %d" % (i + 1))
        for s in socks[3:]:
            assert closed(s), "over the cap: closed"
        # Held: open and silent (checked before the 3 s timeout can pass:
        # the three were tarpitted after the sightings above were written).
        held = sum(1 for s in socks[:3] if silent(s, 0.3))
        assert held >= 1, "no connection was held"
        assert all(closed(s) for s in socks[:3]), "held connections time out"
        assert "tarpit full 2" in (g.stop() == 0 and g.log()), g.log()
        assert up.alive()
    finally:
        if g.p.poll() is None:
            g.stop()
        up.stop()


def case_reload():
    """SIGHUP re-reads the config: a new action and a new listener apply,
    and a connection open across the reload keeps working."""
    up = Upstream()
    d = tempfile.mkdtemp(prefix="wsguard.")
    conf = os.path.join(d, "guard.conf")
    with open(conf, "w") as f:
        f.write("# test\nlisten 127.0.0.1:0 upstream 127.0.0.1:%d\naction all=tarpit\n"
                "source-rate 0\n" % up.port)
    g = Guard(up.port, config=conf)
    try:
        ka = connect(g.port)
        r = Reader(ka)
        ka.sendall(ordinary("/before"))
        assert r.response()[0] == 200
        s = connect(g.port)
        s.sendall(NIMDA)
        assert silent(s, 0.5), "tarpitted before the reload"
        # Reload: reject instead, plus a second listener.
        with open(conf, "w") as f:
            f.write("listen 127.0.0.1:0 upstream 127.0.0.1:%d\n"
                    "listen 127.0.0.2:0 upstream 127.0.0.1:%d\naction all=reject\n"
                    % (up.port, up.port))
        g.p.send_signal(signal.SIGHUP)
        wait_for(lambda: "configuration reloaded" in g.log(), "the reload")
        ka.sendall(ordinary("/after"))
        code, _, body = r.response()
        assert code == 200 and json.loads(body)["target"] == "/after"
        send_worm(g.port, NIMDA, expect_answer=403)
        m = re.search(r"listening on 127\.0\.0\.2:(\d+)", g.log())
        assert m, g.log()
        s2 = socket.create_connection(("127.0.0.2", int(m.group(1))), WAIT)
        s2.sendall(ordinary("/second", b"Connection: close\r\n"))
        assert Reader(s2).response()[0] == 200
        # A broken config is refused and the running one kept.
        with open(conf, "w") as f:
            f.write("bogus-key 1\n")
        g.p.send_signal(signal.SIGHUP)
        wait_for(lambda: "reload failed" in g.log(), "the refused reload")
        send_worm(g.port, NIMDA, expect_answer=403)
    finally:
        assert g.stop() == 0
        up.stop()


def case_drain():
    """SIGTERM: the request in flight is answered, idle connections are
    closed, new ones are refused, and the guard exits 0."""
    up = Upstream()
    g = Guard(up.port)
    try:
        idle = connect(g.port)
        busy = connect(g.port)
        busy.sendall(ordinary("/slow?s=1.5"))
        time.sleep(0.5)  # let the request reach the upstream (not a timing assertion)
        g.p.send_signal(signal.SIGTERM)
        code, h, body = Reader(busy).response()
        assert code == 200 and json.loads(body)["target"] == "/slow?s=1.5"
        assert h.get("connection") == "close"
        assert closed(idle)
        g.p.wait(WAIT)
        assert g.p.returncode == 0
        try:
            connect(g.port).close()
            raise AssertionError("still accepting after the drain")
        except ConnectionRefusedError:
            pass
    finally:
        g.stop()
        up.stop()


def case_upstream_errors():
    """An upstream that refuses gives 502; one that never answers, 504."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    dead_port = lsock.getsockname()[1]
    lsock.close()
    g = Guard(dead_port)
    try:
        assert get(g.port)[0] == 502
    finally:
        assert g.stop() == 0
    mute = socket.socket()
    mute.bind(("127.0.0.1", 0))
    mute.listen(8)
    g = Guard(mute.getsockname()[1], "--upstream-timeout", "1")
    try:
        assert get(g.port)[0] == 504
    finally:
        assert g.stop() == 0
        mute.close()


def case_flood_limits():
    """A worm flood from one source hits the per-source rate limit while an
    ordinary client from another address still gets 200; --max-conns caps
    open connections, and a client arriving at the cap is served in the
    place of the oldest idle connection."""
    up = Upstream()
    g = Guard(up.port, "--source-rate", "5", "--source-burst", "10", "--max-conns", "20",
              "--max-tarpit", "5", "--header-timeout", "30")
    try:
        refused = 0
        for _ in range(60):
            # A refused connection is reset at once: connect() itself may
            # already see it.
            try:
                s = connect(g.port, src="127.0.0.2")
            except ConnectionResetError:
                refused += 1
                continue
            try:
                s.sendall(NIMDA)
                code, _, _ = Reader(s).response()
                assert code == 403
            except (EOFError, ConnectionResetError, BrokenPipeError):
                refused += 1
            s.close()
        assert refused >= 40, refused
        assert get(g.port)[0] == 200
        idle = [connect(g.port, src="127.0.0.%d" % (10 + i)) for i in range(20)]
        # One more at the cap: the oldest idle connection makes room for it
        # (its own header timeout, 30 s, is far off).
        code, _, _ = get(g.port, src="127.0.0.99")
        assert code == 200, code
        assert closed(idle[0], 5), "at --max-conns the oldest idle connection is evicted"
        for s in idle:
            s.close()
        wait_for(lambda: _get_ok(g.port), "a free slot after the idle ones closed")
        assert up.alive()
    finally:
        assert g.stop() == 0
        up.stop()


def case_db():
    """--db records every worm request in the store, where `hosts` reads it."""
    up = Upstream()
    db = os.path.join(tempfile.mkdtemp(prefix="wsguard."), "guard.db")
    g = Guard(up.port, "--db", db, "--action", "all=reject")
    try:
        for req in (CODE_RED, CODE_RED_II, NIMDA, NIMDA):
            send_worm(g.port, req, expect_answer=403)
        assert get(g.port)[0] == 200
        wait_for(lambda: len(g.sightings()) == 4, "4 sightings")
    finally:
        assert g.stop() == 0
        up.stop()
    out = subprocess.run([WORMSCOPE, "hosts", "--db", db, "-f", "jsonl"], capture_output=True,
                         text=True, check=True).stdout
    rows = [json.loads(l) for l in out.splitlines()]
    assert len(rows) == 1 and rows[0]["source"] == "127.0.0.1", out
    assert rows[0]["requests"] == 4, out
    assert rows[0]["worms"] == {"code-red": 1, "code-red-ii": 1, "nimda": 2}, out


def case_threads():
    """--threads 3: every worker serves, sightings come from all of them,
    and a reload reaches every worker (each answers with the new action)."""
    up = Upstream()
    d = tempfile.mkdtemp(prefix="wsguard.")
    conf = os.path.join(d, "guard.conf")
    with open(conf, "w") as f:
        f.write("listen 127.0.0.1:0 upstream 127.0.0.1:%d\naction nimda=close\n" % up.port)
    g = Guard(up.port, "--threads", "3", config=conf)
    try:
        conns = [connect(g.port) for _ in range(12)]
        for i, s in enumerate(conns):
            s.sendall(ordinary("/t%d" % i))
        for i, s in enumerate(conns):
            code, _, body = Reader(s).response()
            assert code == 200 and json.loads(body)["target"] == "/t%d" % i
        for _ in range(12):
            s = connect(g.port)
            s.sendall(NIMDA)
            assert closed(s), "nimda=close"
        with open(conf, "w") as f:
            f.write("listen 127.0.0.1:0 upstream 127.0.0.1:%d\naction nimda=reject\n" % up.port)
        g.p.send_signal(signal.SIGHUP)
        wait_for(lambda: "configuration reloaded" in g.log(), "the reload")
        # Worker 0 logs before the others have applied it: retry until all do.
        def all_reject():
            for _ in range(12):
                s = connect(g.port)
                s.sendall(NIMDA)
                try:
                    if Reader(s).response()[0] != 403:
                        return False
                except (EOFError, ConnectionResetError):
                    return False
            return True
        wait_for(all_reject, "every worker to reject")
        for s in conns:
            s.sendall(ordinary("/again"))
            assert Reader(s).response()[0] == 200
        wait_for(lambda: len(g.sightings()) >= 24, "the sightings")
        lines = sorted(x["line"] for x in g.sightings())
        assert len(set(lines)) == len(lines), "sighting numbers are unique across workers"
    finally:
        assert g.stop() == 0
        up.stop()


def case_drop_root():
    """-Z nobody: the guard binds as root, then runs as nobody; it still
    serves and still writes sightings to the file it opened as root (a
    reload cannot reopen it and keeps the old one)."""
    import pwd
    if os.geteuid() != 0:
        print("skipped: needs root")
        sys.exit(77)
    try:
        nobody = pwd.getpwnam("nobody").pw_uid
    except KeyError:
        print("skipped: no user nobody")
        sys.exit(77)
    up = Upstream()
    g = Guard(up.port, "-Z", "nobody", "--action", "all=reject")
    try:
        with open("/proc/%d/status" % g.p.pid) as f:
            uids = [l.split()[1:] for l in f if l.startswith(("Uid:", "Gid:"))]
        assert all(int(x) == nobody for x in uids[0]), uids
        assert get(g.port)[0] == 200
        send_worm(g.port, NIMDA, expect_answer=403)
        g.p.send_signal(signal.SIGHUP)
        wait_for(lambda: "configuration reloaded" in g.log(), "the reload")
        send_worm(g.port, NIMDA, expect_answer=403)
        wait_for(lambda: len(g.sightings()) == 2, "both sightings in the old file")
    finally:
        assert g.stop() == 0
        up.stop()


def case_upstream_closes():
    """An upstream that closes a kept-alive connection right after an
    answer: the next GET, already on its way over that connection, is sent
    again on a new one; a POST is not (it may not be repeated): 502."""
    up = Upstream()
    g = Guard(up.port)
    try:
        s = connect(g.port)
        r = Reader(s)
        s.sendall(ordinary("/drop") + ordinary("/after-drop"))
        code, _, body = r.response()
        assert code == 200 and json.loads(body)["target"] == "/drop"
        code, _, body = r.response()
        assert code == 200 and json.loads(body)["target"] == "/after-drop", (code, body)
        s.sendall(ordinary("/drop") + b"POST /post HTTP/1.1\r\nHost: t\r\n"
                  b"Content-Length: 2\r\n\r\nhi")
        assert r.response()[0] == 200
        assert r.response()[0] == 502
    finally:
        assert g.stop() == 0
        up.stop()


def case_fd_limit():
    """With few descriptors (ulimit -n 100) the connection cap shrinks to what
    fits, said in the log; connections over it make the oldest idle ones
    close (reset), none is left to spin in accept(), and the guard keeps
    serving."""
    up = Upstream()
    g = Guard(up.port, "--max-tarpit", "1", "--header-timeout", "60", nofile=100)
    try:
        assert "needs about" in g.log(), g.log()
        idle, refused = [], 0
        for i in range(30):
            try:
                idle.append(connect(g.port, src="127.0.0.%d" % (20 + i)))
            except ConnectionResetError:
                refused += 1
        # The cap is (100 - 72) / 2 = 14: at least 16 of the 30 are reset,
        # the oldest first, to make room for the newer ones.
        reset = set()
        end = time.monotonic() + 3
        while time.monotonic() < end:
            ready = select.select([s for s in idle if s not in reset], [], [], 0.2)[0]
            reset.update(ready)
        refused += len(reset)
        assert refused >= 10, (refused, len(idle))
        for s in idle:
            s.close()
        wait_for(lambda: _get_ok(g.port), "a free slot")
        assert "Too many open files" not in g.log(), g.log()
    finally:
        assert g.stop() == 0
        up.stop()


def _raise_nofile(want):
    """Raises this process's descriptor limit to at least want (children
    inherit it). Returns None, or why it cannot."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < want:
        if hard != resource.RLIM_INFINITY and hard < want:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))  # root only
            except (ValueError, OSError):
                return "needs %d descriptors, the hard limit is %d" % (want, hard)
        else:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return None


def _closed_silently(sock, wait):
    """(closed, data): whether the peer closed or reset within wait seconds,
    and what it sent first."""
    sock.settimeout(wait)
    data = b""
    end = time.monotonic() + wait
    try:
        while time.monotonic() < end:
            d = sock.recv(65536)
            if not d:
                return True, data
            data += d
    except (ConnectionResetError, BrokenPipeError):
        return True, data
    except socket.timeout:
        pass
    return False, data


class Flood:
    """n idle or slow connections from many 127.x.y.z addresses (per_src
    each), kept open: refill() replaces the ones the guard closed. Half are
    silent, half sent the start of a head and stopped (slowloris)."""

    SLOW = b"GET /slow HTTP/1.1\r\nHost: t\r\nX-Slow: "

    def __init__(self, port, n, per_src):
        self.port, self.n, self.per_src = port, n, per_src
        self.socks = [None] * n
        self.by_fd = {}
        self.poll = select.poll()
        self.opened = self.failed = 0

    def src(self, i):
        a = i // self.per_src
        src = "127.1.%d.%d" % (a // 250, a % 250 + 1)
        assert src.startswith("127.") and a // 250 < 256, "test traffic stays on loopback"
        return src

    def _drop(self, i):
        s = self.socks[i]
        if s is not None:
            self.poll.unregister(s.fileno())
            del self.by_fd[s.fileno()]
            s.close()
            self.socks[i] = None

    def open(self, idx, deadline):
        """Opens connections idx, 256 at a time: each batch's connects are
        waited for (a listen backlog that overflows costs a 1 s SYN retry)."""
        for b in range(0, len(idx), 256):
            batch = []
            for i in idx[b:b + 256]:
                self._drop(i)
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setblocking(False)
                try:
                    s.bind((self.src(i), 0))
                    s.connect_ex(("127.0.0.1", self.port))
                except OSError:
                    s.close()
                    self.failed += 1
                    continue
                batch.append((i, s))
            pend = select.poll()
            for _, s in batch:
                pend.register(s.fileno(), select.POLLOUT)
            left = len(batch)
            end = min(deadline, time.monotonic() + 3)
            while left and time.monotonic() < end:
                for fd, _ in pend.poll(200):
                    pend.unregister(fd)
                    left -= 1
            for i, s in batch:
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0 and i % 2:
                    try:
                        s.send(self.SLOW)
                    except OSError:
                        pass
                self.socks[i] = s
                self.by_fd[s.fileno()] = i
                self.poll.register(s.fileno(), select.POLLIN)
                self.opened += 1
            if time.monotonic() > deadline:
                raise AssertionError("could not open the flood in time")

    def dead(self):
        """Connections the guard closed (it never sends an idle one anything
        but a 408 or a close)."""
        return [self.by_fd[fd] for fd, _ in self.poll.poll(0) if fd in self.by_fd]

    def refill(self, deadline):
        self.open(self.dead(), deadline)

    def close(self):
        for i in range(self.n):
            self._drop(i)


def case_lockout():
    """Issue 11: 10,000 idle and slow connections from 1,000 addresses (10
    each, under every per-source limit) must not lock clients out. The flood
    is kept up (each connection the guard drops is opened again right away),
    and a well-behaved client, arriving while every slot is taken, gets its
    200 from the upstream within 1 s: best of 3 tries, each measured from
    connect() to the whole answer. Runs on the default limits."""
    n = 10000
    why = _raise_nofile(n + 512)
    if why:
        print("skipped: " + why)
        sys.exit(77)
    up = Upstream()
    g = Guard(up.port, "--source-rate", "50")
    flood = Flood(g.port, n, 10)
    try:
        deadline = time.monotonic() + 40
        flood.open(list(range(n)), deadline)
        times = []
        for k in range(3):
            flood.refill(deadline)
            t0 = time.monotonic()
            try:
                code, _, body = get(g.port, "/served-%d" % k)
                ok = code == 200 and json.loads(body)["target"] == "/served-%d" % k
            except (EOFError, OSError) as e:
                ok = False
                code = repr(e)
            times.append(time.monotonic() - t0 if ok else float("inf"))
            print("lockout: try %d: %s in %.3f s" % (k + 1, code, time.monotonic() - t0))
        print("lockout: %d flood connections opened (%d could not be), best %.3f s"
              % (flood.opened, flood.failed, min(times)))
        assert min(times) <= 1.0, "well-behaved client not served within 1 s: %r" % times
        assert up.alive()
    finally:
        flood.close()
        assert g.stop() == 0
        up.stop()
    print(g.log().strip().splitlines()[-1])
    m = re.search(r"(\d+) idle evicted", g.log())
    assert m and int(m.group(1)) > 0, g.log()


NOT_HTTP = [
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(32)).replace(b"\n", b"-"),
    b"\x80\x2e\x01\x00\x02\x00\x15\x00\x00\x00\x10",  # SSLv2 hello
    b"\x00\x00\x00\x00binary",
    b"SSH-2.0-OpenSSH_9.2p1\r\n",
    b"G(T / HTTP/1.1\r\nHost: a\r\n\r\n",
    b" GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"A" * 40,  # a "method" that never ends
]


def case_not_http():
    """Input that cannot be HTTP (a TLS or SSLv2 hello, binary, an SSH
    banner, a method with a non-token byte or without an end) is closed at
    once, unanswered: long before the 30 s header timeout it would
    otherwise wait out. Empty lines before a request are still allowed."""
    up = Upstream()
    g = Guard(up.port, "--header-timeout", "30")
    try:
        for delay in (0, 0.3):  # in the accept callback's first read, and later
            for data in NOT_HTTP:
                s = connect(g.port)
                if delay:
                    time.sleep(delay)
                s.sendall(data)
                shut, got = _closed_silently(s, 5)
                assert shut and got == b"", (data[:20], delay, shut, got)
        # The next request on a kept-alive connection is checked too.
        s = connect(g.port)
        r = Reader(s)
        s.sendall(ordinary("/first"))
        assert r.response()[0] == 200
        s.sendall(b"\x16\x03\x01\x00\x05hello")
        shut, got = _closed_silently(s, 5)
        assert shut and got == b"" and r.buf == b"", (shut, got)
        s = connect(g.port)
        s.sendall(b"\r\n\r\n" + ordinary("/after-blank", b"Connection: close\r\n"))
        code, _, body = Reader(s).response()
        assert code == 200 and json.loads(body)["target"] == "/after-blank"
        assert up.alive()
    finally:
        assert g.stop() == 0
        up.stop()
    m = re.search(r"(\d+) connections not HTTP", g.log())
    assert m and int(m.group(1)) == 2 * len(NOT_HTTP) + 1, g.log()


def case_source_conns():
    """source-conns (here from the config file) caps one address's open
    connections: over it, new ones are reset at once while other addresses
    are served; a freed place can be taken again."""
    up = Upstream()
    d = tempfile.mkdtemp(prefix="wsguard.")
    conf = os.path.join(d, "guard.conf")
    with open(conf, "w") as f:
        f.write("listen 127.0.0.1:0 upstream 127.0.0.1:%d\nsource-conns 5\n"
                "source-rate 0\nheader-timeout 30\n" % up.port)
    g = Guard(up.port, config=conf)
    try:
        socks, reset = [], set()
        for _ in range(8):
            try:
                socks.append(connect(g.port, src="127.0.0.3"))
            except ConnectionResetError:
                reset.add(None)
        end = time.monotonic() + 2
        while time.monotonic() < end:
            reset.update(select.select([s for s in socks if s not in reset], [], [], 0.2)[0])
        assert len(reset) == 3, "5 of 8 held, 3 reset: %d reset" % len(reset)
        assert socks[0] not in reset and socks[4] not in reset, "the first five are held"
        assert get(g.port, src="127.0.0.4")[0] == 200
        assert not _get_ok(g.port, src="127.0.0.3"), "over source-conns"
        socks[0].close()
        socks[1].close()
        wait_for(lambda: _get_ok(g.port, src="127.0.0.3"), "a freed place")
    finally:
        assert g.stop() == 0
        up.stop()
    m = re.search(r"(\d+) over the per-source cap", g.log())
    assert m and int(m.group(1)) >= 3, g.log()


def case_source_shared():
    """With --threads 3 the per-source cap and rate count a source across all
    workers: whichever workers its connections reach, exactly --source-conns
    are held and exactly --source-burst are let in, never a 1/3 share.
    (Split per worker, a source whose connections all reached one worker
    was cut off at a third of its limit: guard.threads failed under load.)"""
    up = Upstream()
    d = tempfile.mkdtemp(prefix="wsguard.")
    conf = os.path.join(d, "guard.conf")

    def held(src, n):
        """n connections from src: (the ones still open, how many were reset)."""
        socks, reset, at_connect = [], set(), 0
        for _ in range(n):
            try:
                socks.append(connect(g.port, src=src))
            except ConnectionResetError:
                at_connect += 1
        # Wait for the two expected resets (or 10 s); serving every socket
        # left open afterwards shows no third one was coming.
        end = time.monotonic() + 10
        while time.monotonic() < end and len(reset) + at_connect < n - 3:
            reset.update(select.select([s for s in socks if s not in reset], [], [], 0.2)[0])
        return [s for s in socks if s not in reset], len(reset) + at_connect

    with open(conf, "w") as f:
        f.write("listen 127.0.0.1:0 upstream 127.0.0.1:%d\nsource-conns 3\n"
                "source-rate 0\nheader-timeout 30\n" % up.port)
    g = Guard(up.port, "--threads", "3", config=conf)
    try:
        # Three rounds from three addresses: with a per-worker share of 1,
        # all three held needs the kernel to spread them one per worker
        # (2 chances in 9 each round), so the old split fails here.
        for r in range(3):
            socks, nreset = held("127.0.3.%d" % (r + 1), 5)
            assert nreset == 2, "round %d: 3 of 5 held, 2 reset: %d reset" % (r, nreset)
            for s in socks:
                s.sendall(ordinary("/held"))
                assert Reader(s).response()[0] == 200, "a held connection is served"
            for s in socks:
                s.close()
    finally:
        assert g.stop() == 0
    m = re.search(r"(\d+) over the per-source cap", g.log())
    assert m and int(m.group(1)) == 6, "2 refused a round, 3 rounds: " + g.log()
    with open(conf, "w") as f:
        f.write("listen 127.0.0.1:0 upstream 127.0.0.1:%d\nsource-conns 0\n" % up.port)
    g = Guard(up.port, "--threads", "3", "--source-rate", "0.001", "--source-burst", "3",
              config=conf)
    try:
        for r in range(3):
            ok = sum(_get_ok(g.port, src="127.0.4.%d" % (r + 1)) for _ in range(5))
            assert ok == 3, "round %d: a burst of 3 across the workers, got %d" % (r, ok)
    finally:
        assert g.stop() == 0
        up.stop()
    m = re.search(r"(\d+) over the per-source rate", g.log())
    assert m and int(m.group(1)) == 6, "2 limited a round, 3 rounds: " + g.log()


def case_evict():
    """At --max-conns the oldest connection waiting for a head is closed
    (reset) to make room for a new client; younger ones stay."""
    up = Upstream()
    g = Guard(up.port, "--max-conns", "10", "--max-tarpit", "2", "--header-timeout", "30")
    try:
        idle = []
        for i in range(10):
            idle.append(connect(g.port, src="127.0.2.%d" % (i + 1)))
            if i == 1:
                idle[-1].sendall(b"GET /slow HTTP/1.1\r\n")  # slow, not idle: same rank
        code, _, _ = get(g.port, src="127.0.2.99")
        assert code == 200, code
        assert closed(idle[0], 5), "the oldest is evicted"
        # The next ones (full 30 s header timeouts) are still open. idle[1]
        # may have gone too where this box took over 1 s to get here (the
        # pressured timeout at full is 1 s).
        for s in idle[2:5]:
            assert silent(s, 0.3), "a younger connection was evicted"
    finally:
        for s in idle:
            s.close()
        assert g.stop() == 0
        up.stop()


def _get_ok(port, src=None):
    try:
        return get(port, src=src)[0] == 200
    except (EOFError, OSError):
        return False


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    global WORMSCOPE
    if len(sys.argv) != 3 or (sys.argv[2] != "all" and sys.argv[2] not in CASES):
        sys.exit("usage: test_guard.py WORMSCOPE CASE (one of: all %s)" % " ".join(CASES))
    WORMSCOPE = sys.argv[1]
    names = list(CASES) if sys.argv[2] == "all" else [sys.argv[2]]
    for n in names:
        CASES[n]()
        print("ok", n)


if __name__ == "__main__":
    main()
