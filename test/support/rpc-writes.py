#!/usr/bin/env python3
"""Independent wallet for the client RPC writes: python3 ssl + json + hashlib + nacl, no bunmark code.

Packs and signs records itself (records.md §2.1 varint, §3.2 accounts, §5.2/§5.3 layouts, §5.6 ids), speaks the
jsonrpc stream over TLS (rpc.md §4) and solves issue proofs (records.md §10.4) the way bitmark-cli does.

argv[1]: JSON {"host", "port", "steps": [...]}; prints one JSON array with one record per step.
steps:
  ["keys", name, seed_text]            Ed25519 key from sha3-256(seed_text) (the generated ownership chain's rule);
                                       record {"account": base58}
  ["create", {"asset": {name, fingerprint, metadata, registrant}, "issues": [{owner, nonce}]}]
                                       Bitmarks.Create; record {"reply", "assetId", "txIds"}; the issue's key signs
  ["proof", payId, payNonce, difficulty]  nonce search + Bitmarks.Proof; record {"reply", "nonce"}
  ["transfer", link_hex, from, to]     Bitmark.Transfer (unratified, signed by `from`); record {"reply", "txId"}
  ["call", method, params0]            any call; record {"reply"}
  ["asset", key, name, fingerprint, metadata]  no call: the signed AssetData argument as compact JSON text
                                       (keys in 8.2's order); record {"json", "registrant", "signature"}
"""
import hashlib
import json
import socket
import ssl
import sys

import nacl.signing

from bitmark_codec import account_text, lp, varint

class Key:
    def __init__(self, seed_text):
        self.sk = nacl.signing.SigningKey(hashlib.sha3_256(seed_text.encode()).digest())
        self.account_bytes = b"\x13" + bytes(self.sk.verify_key)  # Ed25519, public, test network

    @property
    def account(self):
        return account_text(self.account_bytes)

    def sign(self, signed_part):
        return self.sk.sign(signed_part).signature


class Conn:
    def __init__(self, host, port):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.s = ctx.wrap_socket(socket.create_connection((host, port), timeout=30))
        self.buf = b""
        self.next_id = 0

    def call(self, method, param):
        self.next_id += 1
        self.s.sendall(json.dumps({"method": method, "params": [param], "id": self.next_id}).encode())
        while b"\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("closed")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        reply = json.loads(line)
        assert reply["id"] == self.next_id, reply
        return reply


def main():
    script = json.loads(sys.argv[1])
    conn = None
    if any(step[0] not in ("keys", "asset") for step in script["steps"]):
        conn = Conn(script["host"], script["port"])
    keys, out = {}, []
    for step in script["steps"]:
        op = step[0]
        if op == "keys":
            keys[step[1]] = Key(step[2])
            out.append({"account": keys[step[1]].account})
        elif op == "asset":
            reg, name, fp, meta = keys[step[1]], step[2], step[3], step[4]
            sig = reg.sign(varint(2) + lp(name.encode()) + lp(fp.encode()) + lp(meta.encode()) + lp(reg.account_bytes)).hex()
            obj = {"name": name, "fingerprint": fp, "metadata": meta, "registrant": reg.account, "signature": sig}
            out.append({"json": json.dumps(obj, separators=(",", ":")), "registrant": reg.account, "signature": sig})
        elif op == "create":
            spec = step[1]
            arg = {"assets": None, "issues": None}
            rec = {}
            a = spec.get("asset")
            if a:
                reg = keys[a["registrant"]]
                signed = varint(2) + lp(a["name"].encode()) + lp(a["fingerprint"].encode()) + lp(a["metadata"].encode()) + lp(reg.account_bytes)
                arg["assets"] = [{"name": a["name"], "fingerprint": a["fingerprint"], "metadata": a["metadata"], "registrant": reg.account, "signature": reg.sign(signed).hex()}]
            asset_id = hashlib.sha3_512(spec["fingerprint"].encode()).digest()
            rec["assetId"] = asset_id.hex()
            if spec.get("issues"):
                arg["issues"], rec["txIds"], packed_all = [], [], b""
                for i in spec["issues"]:
                    owner = keys[i["owner"]]
                    signed = varint(3) + lp(asset_id) + lp(owner.account_bytes) + varint(i["nonce"])
                    sig = owner.sign(signed)
                    packed = signed + lp(sig)
                    packed_all += packed
                    rec["txIds"].append(hashlib.sha3_256(packed).hexdigest())
                    arg["issues"].append({"assetId": asset_id.hex(), "owner": owner.account, "nonce": i["nonce"], "signature": sig.hex()})
                rec["payId"] = hashlib.sha3_384(packed_all).hexdigest()
            rec["reply"] = conn.call("Bitmarks.Create", arg)
            out.append(rec)
        elif op == "proof":
            pay_id, pay_nonce, target = bytes.fromhex(step[1]), bytes.fromhex(step[2]), int(step[3], 16)
            n = 0
            while True:
                nonce = n.to_bytes(8, "big")
                if int.from_bytes(hashlib.sha3_256(pay_id + pay_nonce + nonce).digest(), "big") <= target:
                    break
                n += 1
            out.append({"nonce": nonce.hex(), "reply": conn.call("Bitmarks.Proof", {"payId": step[1], "nonce": nonce.hex()})})
        elif op == "transfer":
            link, frm, to = bytes.fromhex(step[1]), keys[step[2]], keys[step[3]]
            signed = varint(4) + lp(link) + b"\x00" + lp(to.account_bytes)
            sig = frm.sign(signed)
            tx = hashlib.sha3_256(signed + lp(sig)).hexdigest()
            reply = conn.call("Bitmark.Transfer", {"link": step[1], "escrow": None, "owner": to.account, "signature": sig.hex()})
            out.append({"txId": tx, "reply": reply})
        elif op == "call":
            out.append({"reply": conn.call(step[1], step[2])})
    json.dump(out, sys.stdout)


main()
