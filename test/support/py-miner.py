#!/usr/bin/env python3
"""Independent Bitmark miner for the tests (proof.md §6.4), built on pyzmq (system libzmq + libsodium) and
argon2-cffi's low-level Argon2d; nothing from bunmark.

stdin: one JSON object
  publish, submit   "host:port" of the proofer's PUB and REP sockets
  server_key        64 hex: the proofer's CURVE public key
  blocks            stop after this many ok:true replies
  any_digest        true on `local`: submit the first nonce tried (the node does not compare digests there)
  timeout_s         give up after this long
stdout: the first job's keys in order {"job_keys", "header_keys"}, one JSON line per submission {"job","nonce","tries","reply"} and a final {"done", "jobs", "found", "hashes"}

Header (proof.md §4): version LE16, count LE16, number LE64, previousBlock, merkleRoot, timestamp LE64,
difficulty and nonce as the bytes of their hex. Digest: Argon2d v0x13, t=4, m=131072 KiB, p=1, 32 bytes,
password = salt = header. Success: digest read as a little-endian number <= target(bits) (records.md §7.4).
"""
import base64
import json
import struct
import sys
import time

import zmq
from zmq.utils import z85
from argon2.low_level import Type, hash_secret_raw


def header_of(h):
    return (struct.pack("<HHQ", h["version"], h["transactionCount"], int(h["number"]))
            + bytes.fromhex(h["previousBlock"]) + bytes.fromhex(h["merkleRoot"])
            + struct.pack("<Q", int(h["timestamp"]))
            + bytes.fromhex(h["difficulty"]) + bytes.fromhex(h["nonce"]))


def target_of(bits_le):
    bits = int.from_bytes(bits_le, "little")
    exponent = bits >> 56
    fraction = bits & ((1 << 56) - 1)
    return ((1 << 56) | fraction) << (191 - exponent)


def digest(header):
    return hash_secret_raw(secret=header, salt=header, time_cost=4, memory_cost=131072, parallelism=1,
                           hash_len=32, type=Type.D, version=0x13)


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    cfg = json.load(sys.stdin)
    ctx = zmq.Context()
    public, secret = zmq.curve_keypair()
    server = z85.encode(bytes.fromhex(cfg["server_key"]))

    def curve(sock):
        sock.curve_publickey = public
        sock.curve_secretkey = secret
        sock.curve_serverkey = server
        sock.setsockopt(zmq.LINGER, 0)

    sub = ctx.socket(zmq.SUB)
    curve(sub)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect("tcp://" + cfg["publish"])
    req = ctx.socket(zmq.REQ)
    curve(req)
    req.connect("tcp://" + cfg["submit"])

    deadline = time.time() + cfg.get("timeout_s", 300)
    wanted = cfg.get("blocks", 1)
    any_digest = cfg.get("any_digest", False)
    found = 0
    jobs = 0
    hashes = 0
    job = None
    while found < wanted and time.time() < deadline:
        # take the newest job waiting; block briefly when there is none yet
        if job is None and not sub.poll(200):
            continue
        while sub.poll(0):
            job = json.loads(sub.recv())
            jobs += 1
            if jobs == 1:
                emit({"job_keys": list(job), "header_keys": list(job["Header"])})
            header = bytearray(header_of(job["Header"]))
            target = target_of(bytes(header[84:92]))
            nonce = struct.unpack("<Q", bytes(header[92:100]))[0]
            tries = 0
        nonce = (nonce + 1) & 0xFFFFFFFFFFFFFFFF
        header[92:100] = struct.pack("<Q", nonce)
        tries += 1
        hashes += 1
        if not any_digest and int.from_bytes(digest(bytes(header)), "little") > target:
            continue
        packed = base64.b64encode(struct.pack("<Q", nonce)).decode()
        req.send(json.dumps({"Request": "block.nonce", "Job": job["Job"], "Packed": packed}).encode())
        if not req.poll(60000):
            emit({"error": "no reply"})
            break
        reply = json.loads(req.recv())
        emit({"job": job["Job"], "nonce": nonce, "tries": tries, "reply": reply})
        if reply.get("ok"):
            found += 1
        job = None  # wait for the next job: this one is cleared (or refused)
    emit({"done": found >= wanted, "jobs": jobs, "found": found, "hashes": hashes})
    ctx.destroy(linger=0)


if __name__ == "__main__":
    main()
