#!/usr/bin/env bash
# Three tiny HTTP backends on 127.0.0.1:18081-18083 for examples/sidecar-bootstrap.yaml.
# Each answers "hello from <port>". Ctrl-C stops them.
set -euo pipefail
pids=()
trap 'kill "${pids[@]}" 2>/dev/null' EXIT INT TERM
for port in 18081 18082 18083; do
  python3 - "$port" <<'PY' &
import sys, http.server
port = int(sys.argv[1])
class Hello(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = f"hello from {port}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Hello).serve_forever()
PY
  pids+=($!)
done
echo "backends on 127.0.0.1:18081, :18082, :18083 (Ctrl-C to stop)"
wait
