#!/usr/bin/env python3
"""Raw-socket helpers for scripts/load_test.sh, on 127.0.0.1 only.

  load_helper.py idle PORT N SECONDS   hold N connections that sent half a request
  load_helper.py bad PORT              send malformed and oversized requests, one
                                       connection each; print the status of each
"""
import socket
import sys
import time

HOST = "127.0.0.1"


def idle(port, n, seconds):
    socks = []
    for _ in range(n):
        s = socket.create_connection((HOST, port), timeout=5)
        s.sendall(b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")  # never finished
        socks.append(s)
    print(f"holding {len(socks)} half-sent requests for {seconds} s", flush=True)
    time.sleep(seconds)
    still_open = closed = 0
    for s in socks:
        try:
            s.setblocking(False)
            if s.recv(1) == b"":
                closed += 1
            else:
                still_open += 1  # the server answered (a 408, say) and kept it open
        except BlockingIOError:
            still_open += 1  # nothing sent back: the server still waits for the rest
        except OSError:
            closed += 1
        s.close()
    print(f"released them: {still_open} still open, {closed} closed by the server", flush=True)


def status_of(port, payload, read_timeout=10):
    try:
        s = socket.create_connection((HOST, port), timeout=read_timeout)
        try:
            s.sendall(payload)
        except OSError:
            pass  # the server may close before reading everything: read what it answered
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        s.close()
        line = data.split(b"\r\n", 1)[0].decode("latin-1")
        return line or "(closed without an answer)"
    except socket.timeout:
        return "(no answer within %d s)" % read_timeout
    except OSError as e:
        return f"({e.strerror or e})"


def bad(port):
    long_url = b"/" + b"a" * 100_000
    cases = [
        ("garbage line", b"HELLO\r\n\r\n"),
        ("no HTTP version", b"GET /\r\n\r\n"),
        ("unknown version", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n"),
        ("binary bytes", bytes(range(256)) + b"\r\n\r\n"),
        ("NUL in the path", b"GET /\x00/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("non-UTF-8 path", b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("dot segments", b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("encoded dot segments", b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("absolute-form target", b"GET http://evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("asterisk target", b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("POST with a body", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"),
        ("bad Content-Length", b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
        ("header without colon", b"GET / HTTP/1.1\r\nHost x\r\n\r\n"),
        ("100 KB URL", b"GET " + long_url + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("1 MB header", b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 1_000_000 + b"\r\n\r\n"),
        ("10 000 headers", b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-H: v\r\n" * 10_000 + b"\r\n"),
        ("long method", b"A" * 10_000 + b" / HTTP/1.1\r\nHost: x\r\n\r\n"),
    ]
    for name, payload in cases:
        print(f"{name:24} -> {status_of(port, payload)}", flush=True)
    print(f"{'a normal GET afterwards':24} -> {status_of(port, b'GET / HTTP/1.1' + bytes([13, 10]) + b'Host: x' + bytes([13, 10, 13, 10]))}")


if __name__ == "__main__":
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "idle":
        idle(port, int(sys.argv[3]), float(sys.argv[4]))
    elif mode == "bad":
        bad(port)
    else:
        sys.exit(__doc__)
