#!/usr/bin/python3
"""Independent CURVE REQ client (pyzmq over the system libzmq) for interoperability tests.

Input: one JSON object as argv[1], or on stdin when no argument is given:
  address      "tcp://h:p", "h:p" or "[v6]:p"
  server_key   hex, 32 bytes: the server's CURVE public key
  public_key, secret_key   hex, the client's own keys (optional: a fresh pair is generated)
  requests     list of requests, each a list of hex frames
  timeout_ms   per request (send and receive each), default 5000
  correlate, relaxed       REQ_CORRELATE / REQ_RELAXED, default true (as bitmarkd's client)
Output (stdout): {"replies": [...]} where each item is a list of hex frames or "timeout",
plus "zmq_version". Requests go in order on one socket; after a timeout the next request is still sent
(REQ_RELAXED), or the socket is recreated when relaxed is false.
"""
import json
import os
import sys

import zmq


def open_socket(ctx, cfg, endpoint, timeout):
    s = ctx.socket(zmq.REQ)
    pub = bytes.fromhex(cfg["public_key"]) if cfg.get("public_key") else None
    sec = bytes.fromhex(cfg["secret_key"]) if cfg.get("secret_key") else None
    if pub is None or sec is None:
        pub, sec = zmq.curve_keypair()  # Z85 text; libzmq takes 40-char Z85 or 32 raw bytes
    s.setsockopt(zmq.CURVE_SERVER, 0)
    s.setsockopt(zmq.CURVE_PUBLICKEY, pub)
    s.setsockopt(zmq.CURVE_SECRETKEY, sec)
    s.setsockopt(zmq.IDENTITY, os.urandom(32))
    s.setsockopt(zmq.CURVE_SERVERKEY, bytes.fromhex(cfg["server_key"]))
    s.setsockopt(zmq.IMMEDIATE, 1)
    s.setsockopt(zmq.SNDTIMEO, timeout)
    s.setsockopt(zmq.RCVTIMEO, timeout)
    s.setsockopt(zmq.LINGER, 100)
    s.setsockopt(zmq.REQ_CORRELATE, 1 if cfg.get("correlate", True) else 0)
    s.setsockopt(zmq.REQ_RELAXED, 1 if cfg.get("relaxed", True) else 0)
    s.setsockopt(zmq.MAXMSGSIZE, 5000000)
    s.setsockopt(zmq.IPV6, 1 if "[" in endpoint else 0)
    s.connect(endpoint)
    return s


def main():
    cfg = json.loads(sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read())
    endpoint = cfg["address"] if cfg["address"].startswith("tcp://") else "tcp://" + cfg["address"]
    timeout = int(cfg.get("timeout_ms", 5000))
    ctx = zmq.Context()
    s = open_socket(ctx, cfg, endpoint, timeout)
    replies = []
    for request in cfg["requests"]:
        try:
            s.send_multipart([bytes.fromhex(f) for f in request])
            replies.append([f.hex() for f in s.recv_multipart()])
        except zmq.Again:
            replies.append("timeout")
            if not cfg.get("relaxed", True):
                s.close()
                s = open_socket(ctx, cfg, endpoint, timeout)
    s.close()
    ctx.term()
    print(json.dumps({"replies": replies, "zmq_version": zmq.zmq_version()}))


if __name__ == "__main__":
    main()
