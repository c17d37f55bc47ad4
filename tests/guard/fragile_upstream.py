#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A fragile HTTP/1.1 test upstream for the guard's tests and benchmark.

Like the devices Code Red knocked over in 2001 (IIS 4 with URL redirection,
Cisco 600 routers: [MS01-044], [CERT-IN-2001-10], [CISCO-CBOS]), it dies - the whole process exits with
status 3 - when it receives a Code Red request (GET /default.ida?NNNN...).
Everything else gets a 200 whose JSON body says what arrived, so the tests
can check what the guard forwarded:

  {"method", "target", "version", "headers": [[name, value]...],
   "body_len", "body_sha256", "peer_port", "count"}

Paths: /slow?s=SECS waits first; /chunked answers with a chunked body;
/close answers with Connection: close; /drop answers with keep-alive and
closes anyway (as devices that shut idle connections do); /count reports
requests seen.
It listens on 127.0.0.1 only (checked) and prints "PORT <n>" when ready.
Test code: it contains no worm code, only the request line check."""
import hashlib
import json
import os
import socket
import sys
import threading
import time

COUNT = 0
LOCK = threading.Lock()


def read_head(f):
    lines = []
    size = 0
    while True:
        line = f.readline(65537)
        if not line:
            return None
        size += len(line)
        if size > 1 << 20:
            return None
        if line in (b"\r\n", b"\n"):
            if not lines:
                continue
            return lines
        lines.append(line.rstrip(b"\r\n"))


def read_chunked(f):
    body = b""
    while True:
        size_line = f.readline(4096)
        if not size_line:
            raise EOFError
        size = int(size_line.split(b";")[0].strip(), 16)
        if size == 0:
            while f.readline(4096) not in (b"\r\n", b"\n", b""):
                pass
            return body
        body += f.read(size)
        f.readline(4096)


def is_code_red(target):
    # What killed the 2001 devices: the .ida request with its filler
    # (N for Code Red I, X for Code Red II).
    return target.startswith((b"/default.ida?NNNNNNNN", b"/default.ida?XXXXXXXX"))


def serve(conn, peer):
    global COUNT
    f = conn.makefile("rb")
    try:
        while True:
            head = read_head(f)
            if head is None:
                return
            parts = head[0].split(b" ")
            method, target, version = parts[0], parts[1] if len(parts) > 1 else b"", parts[-1]
            if is_code_red(target):
                sys.stderr.write("fragile_upstream: Code Red request received; dying\n")
                sys.stderr.flush()
                os._exit(3)
            headers = []
            for h in head[1:]:
                k, _, v = h.partition(b":")
                headers.append([k.decode("latin-1"), v.strip().decode("latin-1")])
            hmap = {k.lower(): v for k, v in headers}
            if hmap.get("transfer-encoding", "").lower() == "chunked":
                body = read_chunked(f)
            else:
                body = f.read(int(hmap.get("content-length", "0")))
            with LOCK:
                COUNT += 1
                n = COUNT
            conn_hdr = hmap.get("connection", "").lower()
            keep = (version == b"HTTP/1.1" and conn_hdr != "close") or conn_hdr == "keep-alive"
            path = target.split(b"?")[0]
            if path == b"/slow":
                time.sleep(float(target.split(b"=")[-1]))
            if path == b"/close":
                keep = False
            info = {"method": method.decode("latin-1"), "target": target.decode("latin-1"),
                    "version": version.decode("latin-1"), "headers": headers,
                    "body_len": len(body), "body_sha256": hashlib.sha256(body).hexdigest(),
                    "peer_port": peer[1], "count": n}
            out = (json.dumps(info) + "\n").encode()
            status = b"HTTP/1.1 200 OK\r\n" if version == b"HTTP/1.1" else b"HTTP/1.0 200 OK\r\n"
            hdrs = b"Content-Type: application/json\r\n"
            hdrs += b"Connection: keep-alive\r\n" if keep else b"Connection: close\r\n"
            if path == b"/chunked" and version == b"HTTP/1.1":
                hdrs += b"Transfer-Encoding: chunked\r\n\r\n"
                chunks = b""
                for i in range(0, len(out), 7):
                    part = out[i:i + 7]
                    chunks += b"%x\r\n%s\r\n" % (len(part), part)
                conn.sendall(status + hdrs + chunks + b"0\r\n\r\n")
            elif method == b"HEAD":
                conn.sendall(status + hdrs + b"Content-Length: %d\r\n\r\n" % len(out))
            else:
                conn.sendall(status + hdrs + b"Content-Length: %d\r\n\r\n" % len(out) + out)
            if not keep or path == b"/drop":
                return  # /drop: promised keep-alive, closes anyway
    except (OSError, ValueError, EOFError, IndexError):
        return
    finally:
        try:
            conn.close()
        except OSError:
            pass


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    host = "127.0.0.1"
    assert host.startswith("127."), "test traffic stays on loopback"
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(512)
    print("PORT %d" % s.getsockname()[1], flush=True)
    while True:
        conn, peer = s.accept()
        threading.Thread(target=serve, args=(conn, peer), daemon=True).start()


if __name__ == "__main__":
    main()
