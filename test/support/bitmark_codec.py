"""Record encodings for the independent Python clients (python3 + hashlib only, no bunmark code), written from
docs/records.md: §2.1 varints, length-prefixed fields and §3.2 Base58 accounts with their SHA3-256 checksum."""
import hashlib

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def varint(v):
    out = bytearray()
    while v >= 0x80 and len(out) < 8:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v & 0xFF)
    return bytes(out)


def lp(b):
    """A length-prefixed field."""
    return varint(len(b)) + b


def b58(b):
    n = int.from_bytes(b, "big")
    s = ""
    while n:
        n, r = divmod(n, 58)
        s = ALPHABET[r] + s
    return "1" * (len(b) - len(b.lstrip(b"\0"))) + s


def account_text(account_bytes):
    return b58(account_bytes + hashlib.sha3_256(account_bytes).digest()[:4])


def account_bytes(text):
    """The account bytes of a Base58 account, or ValueError when its checksum is wrong."""
    n = 0
    for c in text:
        n = n * 58 + ALPHABET.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    body, check = raw[:-4], raw[-4:]
    if hashlib.sha3_256(body).digest()[:4] != check:
        raise ValueError(f"bad account checksum: {text}")
    return body
