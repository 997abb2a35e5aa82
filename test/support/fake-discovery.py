#!/usr/bin/python3
"""Fake payment discovery proxy (pyzmq over the system libzmq, independent of bunmark's transport) for the
payment tests: a plain PUB and a plain REP socket, as the proxy bitmarkd 8.2's discoverer talks to
(proof.md §8.2).

argv[1]: JSON {"pub": "tcp://127.0.0.1:*", "rep": "tcp://127.0.0.1:*"} (fixed ports allowed, for restarts).
Prints JSON lines on stdout:
  {"ready": {"pub": endpoint, "rep": endpoint}}
  {"request": [frame text, ...]}             for every request the REP socket receives
Reads JSON lines on stdin:
  {"publish": [frame text, ...]}             sent as one multipart message on PUB
  {"past": {"BTC": text, "LTC": text}}       frame 1 of the reply to a back-fill request for that currency
                                             (default "[]"); raw text, so malformed JSON can be served
  {"silent": true|false}                     when true, requests are read but never answered
  {"reply_frames": [frame text, ...]}        answer the next request with exactly these frames
  {"quit": true}
A reply is [currency, past text] unless silent or overridden.
"""
import json
import os
import sys

import zmq


def out(obj):
    print(json.dumps(obj), flush=True)


def main():
    cfg = json.loads(sys.argv[1])
    ctx = zmq.Context()
    pub = ctx.socket(zmq.PUB)
    rep = ctx.socket(zmq.REP)
    for s in (pub, rep):
        s.setsockopt(zmq.LINGER, 0)
    pub.bind(cfg["pub"])
    rep.bind(cfg["rep"])
    out({"ready": {"pub": pub.getsockopt_string(zmq.LAST_ENDPOINT), "rep": rep.getsockopt_string(zmq.LAST_ENDPOINT)}})

    past = {"BTC": "[]", "LTC": "[]"}
    silent = False
    override = None
    poller = zmq.Poller()
    poller.register(rep, zmq.POLLIN)
    stdin = sys.stdin.fileno()
    poller.register(stdin, zmq.POLLIN)
    owed = False  # a REP socket must answer before it can receive again; silent mode leaves it owing
    buffered = b""
    while True:
        for sock, _ in poller.poll(1000):
            if sock is rep:
                frames = rep.recv_multipart()
                text = [f.decode("utf-8", "replace") for f in frames]
                out({"request": text})
                if silent:
                    owed = True
                    poller.unregister(rep)
                    continue
                if override is not None:
                    rep.send_multipart([f.encode() for f in override])
                    override = None
                else:
                    rep.send_multipart([frames[0], past.get(text[0], "[]").encode()])
                continue
            chunk = os.read(stdin, 65536)
            if not chunk:
                return
            buffered += chunk
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                cmd = json.loads(line)
                if "publish" in cmd:
                    pub.send_multipart([f.encode() for f in cmd["publish"]])
                if "past" in cmd:
                    past.update(cmd["past"])
                if "reply_frames" in cmd:
                    override = cmd["reply_frames"]
                if "silent" in cmd:
                    silent = cmd["silent"]
                    if not silent and owed:
                        # the requester has given up on it; libzmq drops this reply, and REP can receive again
                        rep.send_multipart([b""])
                        owed = False
                        poller.register(rep, zmq.POLLIN)
                if cmd.get("quit"):
                    return
                out({"ack": True})


if __name__ == "__main__":
    main()
