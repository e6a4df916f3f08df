#!/usr/bin/env python3
"""Counting origin for bench/collapse.sh.

  python3 origin.py PORT [DELAY_MS] [OBJECT_BYTES] [ARRIVALS_FILE]

GET /a/<anything>   sleeps DELAY_MS (default 100), answers a small 200, Cache-Control: max-age=600
GET /o/<anything>   a deterministic OBJECT_BYTES (default 16 MiB) body with Accept-Ranges, a strong
                    ETag and Last-Modified; honours one "Range: bytes=a-b|a-|-n" (206), else 200
GET /__stats?p=PFX  "<requests> <body bytes>" summed over counted requests whose path starts with
                    PFX (not counted itself, Cache-Control: no-store)
GET /__ping         200, no-store, not counted

ARRIVALS_FILE, when given, gets "<epoch us> <path>" for every /a/ request as its handler starts:
when the proxy's fetch reached the origin, to compare with when the client sent.
"""
import sys, threading, time, re
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from urllib.parse import urlsplit, parse_qs

PORT = int(sys.argv[1])
DELAY = (int(sys.argv[2]) if len(sys.argv) > 2 else 100) / 1000.0
SIZE = int(sys.argv[3]) if len(sys.argv) > 3 else 16 * 1024 * 1024
ARRIVALS = open(sys.argv[4], "a", buffering=1) if len(sys.argv) > 4 else None
OBJ = (bytes(range(256)) * (SIZE // 256 + 1))[:SIZE]
LOCK = threading.Lock()
COUNTS = {}  # path -> [requests, bytes]
SMALL = b"corral-collapse-bench " * 6
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


def count(path, nbytes):
    with LOCK:
        c = COUNTS.setdefault(path, [0, 0])
        c[0] += 1
        c[1] += nbytes


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urlsplit(self.path)
        p = u.path
        if p == "/__ping":
            return self.send(200, b"ok\n", [("Cache-Control", "no-store")])
        if p == "/__stats":
            pfx = parse_qs(u.query).get("p", ["/"])[0]
            with LOCK:
                r = sum(v[0] for k, v in COUNTS.items() if k.startswith(pfx))
                b = sum(v[1] for k, v in COUNTS.items() if k.startswith(pfx))
            return self.send(200, f"{r} {b}\n".encode(), [("Cache-Control", "no-store")])
        if p.startswith("/a/"):
            if ARRIVALS:
                ARRIVALS.write("%d %s\n" % (time.time_ns() // 1000, p))
            time.sleep(DELAY)
            count(p, len(SMALL))
            return self.send(200, SMALL, [("Cache-Control", "max-age=600"), ("Content-Type", "text/plain")])
        if p.startswith("/o/"):
            common = [("Cache-Control", "max-age=600"), ("Accept-Ranges", "bytes"), ("ETag", '"obj-%d"' % SIZE),
                      ("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT"), ("Content-Type", "application/octet-stream")]
            rng = self.headers.get("Range")
            m = RANGE_RE.match(rng.strip()) if rng else None
            if m and (m.group(1) or m.group(2)):
                a, b = m.group(1), m.group(2)
                if a == "":
                    start, end = max(0, SIZE - int(b)), SIZE - 1
                else:
                    start = int(a)
                    end = min(int(b), SIZE - 1) if b else SIZE - 1
                if start >= SIZE or start > end:
                    count(p, 0)
                    return self.send(416, b"", [("Content-Range", "bytes */%d" % SIZE)])
                body = memoryview(OBJ)[start:end + 1]
                count(p, len(body))
                return self.send(206, body, common + [("Content-Range", "bytes %d-%d/%d" % (start, end, SIZE))])
            count(p, SIZE)
            return self.send(200, OBJ, common)
        self.send(404, b"not found\n", [("Cache-Control", "no-store")])


class S(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 4096


S(("127.0.0.1", PORT), H).serve_forever()
