#!/usr/bin/env python3
"""Independent check of a Bitmarks.Create argument (python3 + nacl, no bunmark code): packs each asset and issue
as records.md §5 describes, verifies its Ed25519 signature with the key inside the Base58 account, and prints
{"assetIds": [...], "txIds": [...]} (asset id = SHA3-512(fingerprint), txId = SHA3-256(packed record)).
argv[1]: the argument JSON text. Exit 1 with the reason on any mismatch."""
import hashlib
import json
import sys

import nacl.signing

from bitmark_codec import account_bytes, lp, varint

def test_account(text):
    try:
        body = account_bytes(text)
    except ValueError as e:
        sys.exit(str(e))
    if body[0] != 0x13:  # Ed25519, public key, test network
        sys.exit(f"unexpected account variant {body[0]:#x}")
    return body


def verify(owner, signed, signature_hex):
    acct = test_account(owner)
    nacl.signing.VerifyKey(acct[1:]).verify(signed, bytes.fromhex(signature_hex))  # raises on a bad signature
    return signed + lp(bytes.fromhex(signature_hex))


arg = json.loads(sys.argv[1])
out = {"assetIds": [], "txIds": []}
for a in arg["assets"] or []:
    signed = varint(2) + lp(a["name"].encode()) + lp(a["fingerprint"].encode()) + lp(a["metadata"].encode()) + lp(test_account(a["registrant"]))
    verify(a["registrant"], signed, a["signature"])
    out["assetIds"].append(hashlib.sha3_512(a["fingerprint"].encode()).hexdigest())
for i in arg["issues"] or []:
    signed = varint(3) + lp(bytes.fromhex(i["assetId"])) + lp(test_account(i["owner"])) + varint(i["nonce"])
    out["txIds"].append(hashlib.sha3_256(verify(i["owner"], signed, i["signature"])).hexdigest())
json.dump(out, sys.stdout)
