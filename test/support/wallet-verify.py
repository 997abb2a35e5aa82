#!/usr/bin/env python3
"""Independent check of a Bitmarks.Create argument (python3 + nacl, no bunmark code): packs each asset and issue
as records.md §5 describes, verifies its Ed25519 signature with the key inside the Base58 account, and prints
{"assetIds": [...], "txIds": [...]} (asset id = SHA3-512(fingerprint), txId = SHA3-256(packed record)).
argv[1]: the argument JSON text. Exit 1 with the reason on any mismatch."""
import hashlib
import json
import sys

import nacl.signing

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def varint(v):
    out = bytearray()
    while v >= 0x80 and len(out) < 8:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v & 0xFF)
    return bytes(out)


def lp(b):
    return varint(len(b)) + b


def account_bytes(text):
    n = 0
    for c in text:
        n = n * 58 + ALPHABET.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    body, check = raw[:-4], raw[-4:]
    if hashlib.sha3_256(body).digest()[:4] != check:
        sys.exit(f"bad account checksum: {text}")
    if body[0] != 0x13:  # Ed25519, public key, test network
        sys.exit(f"unexpected account variant {body[0]:#x}")
    return body


def verify(owner, signed, signature_hex):
    acct = account_bytes(owner)
    nacl.signing.VerifyKey(acct[1:]).verify(signed, bytes.fromhex(signature_hex))  # raises on a bad signature
    return signed + lp(bytes.fromhex(signature_hex))


arg = json.loads(sys.argv[1])
out = {"assetIds": [], "txIds": []}
for a in arg["assets"] or []:
    signed = varint(2) + lp(a["name"].encode()) + lp(a["fingerprint"].encode()) + lp(a["metadata"].encode()) + lp(account_bytes(a["registrant"]))
    verify(a["registrant"], signed, a["signature"])
    out["assetIds"].append(hashlib.sha3_512(a["fingerprint"].encode()).hexdigest())
for i in arg["issues"] or []:
    signed = varint(3) + lp(bytes.fromhex(i["assetId"])) + lp(account_bytes(i["owner"])) + varint(i["nonce"])
    out["txIds"].append(hashlib.sha3_256(verify(i["owner"], signed, i["signature"])).hexdigest())
json.dump(out, sys.stdout)
