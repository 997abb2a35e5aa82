#!/usr/bin/env python3
"""Load generator of `bunmark bench rpc`: python3 ssl + multiprocessing, no bunmark code.

argv[1] is a JSON object {host, port, connections, warmup, seconds, request}. One process per connection, each
with one persistent TLS connection, sends `request` (one JSON-RPC line) and waits for the reply line before the
next (closed loop). Prints `measuring` when the measured window starts, `done` when it ends (the caller samples
the server's CPU time there), then one JSON line: {"requests", "seconds", "p50_ms", "p99_ms", "first_reply"}.
"""
import json
import multiprocessing
import socket
import ssl
import sys
import time


def worker(cfg, start_at, ready, results):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(socket.create_connection((cfg["host"], cfg["port"])))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    request = cfg["request"].encode()
    buf = b""
    ready.put(1)
    while start_at.value == 0:
        time.sleep(0.001)
    measure_from = start_at.value + cfg["warmup"]
    measure_to = measure_from + cfg["seconds"]
    latencies = []
    first = None
    clock = time.perf_counter
    wall = time.time
    while True:
        now = wall()
        if now >= measure_to:
            break
        t0 = clock()
        s.sendall(request)
        while b"\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                raise SystemExit("server closed the connection")
            buf += chunk
        line, _, buf = buf.partition(b"\n")
        t1 = clock()
        if first is None:
            first = line.decode(errors="replace")
        if now >= measure_from:
            latencies.append(t1 - t0)
    s.close()
    results.put((latencies, first))


def main():
    cfg = json.loads(sys.argv[1])
    n = cfg["connections"]
    start_at = multiprocessing.Value("d", 0.0)
    ready, results = multiprocessing.Queue(), multiprocessing.Queue()
    procs = [multiprocessing.Process(target=worker, args=(cfg, start_at, ready, results)) for _ in range(n)]
    for p in procs:
        p.start()
    for _ in range(n):
        ready.get(timeout=30)
    start = time.time() + 0.2
    start_at.value = start
    time.sleep(max(0, start + cfg["warmup"] - time.time()))
    print("measuring", flush=True)
    time.sleep(max(0, start + cfg["warmup"] + cfg["seconds"] - time.time()))
    print("done", flush=True)
    all_latencies, first = [], None
    for _ in range(n):
        lat, f = results.get(timeout=60)
        all_latencies += lat
        first = first or f
    for p in procs:
        p.join()
    all_latencies.sort()
    q = lambda x: all_latencies[min(len(all_latencies) - 1, int(x * len(all_latencies)))] * 1000 if all_latencies else 0
    print(json.dumps({"requests": len(all_latencies), "seconds": cfg["seconds"], "p50_ms": q(0.5), "p99_ms": q(0.99), "first_reply": first}), flush=True)


if __name__ == "__main__":
    main()
