#!/usr/bin/python3
"""Independent CURVE server (pyzmq over the system libzmq) for interoperability tests of our client.

Input: one JSON object as argv[1]:
  bind         e.g. "tcp://127.0.0.1:*" or "tcp://[::1]:*"
  secret_key   hex, 32 bytes: the server's CURVE secret key
  socket       "rep" (default) or "router" (sees the raw envelope: routing id, request id, delimiter, …)
  count        number of requests to answer before exiting
  timeout_ms   give up waiting for a request after this long (default 10000)
Prints one JSON line {"endpoint": …} once bound, then after serving {"requests": [[hex frames], …]} with
every received message exactly as the socket delivered it. The reply to a request is the frame "R" followed
by the application frames in reverse order (for router, the envelope up to the empty delimiter is echoed first).
"""
import json
import sys
import time

import zmq


def main():
    cfg = json.loads(sys.argv[1])
    router = cfg.get("socket", "rep") == "router"
    ctx = zmq.Context()
    s = ctx.socket(zmq.ROUTER if router else zmq.REP)
    s.setsockopt(zmq.CURVE_SERVER, 1)
    s.setsockopt(zmq.CURVE_SECRETKEY, bytes.fromhex(cfg["secret_key"]))
    s.setsockopt(zmq.LINGER, 100)
    s.setsockopt(zmq.RCVTIMEO, int(cfg.get("timeout_ms", 10000)))
    s.setsockopt(zmq.IPV6, 1 if "[" in cfg["bind"] else 0)
    s.bind(cfg["bind"])
    print(json.dumps({"endpoint": s.getsockopt_string(zmq.LAST_ENDPOINT)}), flush=True)
    received = []
    try:
        for _ in range(int(cfg["count"])):
            frames = s.recv_multipart()
            received.append([f.hex() for f in frames])
            envelope = frames[: frames.index(b"") + 1] if router else []
            body = frames[len(envelope):]
            s.send_multipart(envelope + [b"R"] + body[::-1])
    except zmq.Again:
        pass
    # Keep the connection up a little: a client with IMMEDIATE=1 discards replies it has not read yet
    # when the connection drops (libzmq terminates the pipe without delay).
    time.sleep(0.5)
    print(json.dumps({"requests": received}), flush=True)
    s.close()
    ctx.term()


if __name__ == "__main__":
    main()
