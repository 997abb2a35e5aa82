//! Ed25519 signature verification with bitmarkd 8.2's acceptance rules (records.md §3.4, quirk 18):
//! the check of golang.org/x/crypto at 94eea52 (SUPERCOP ref10), which is more permissive than
//! RFC 8032 — S is not required to be below L, only its top three bits must be clear, and the
//! public key only has to decode to a curve point (see `Point::decode`).

mod field;
mod point;

use crate::hash::sha512::sha512;
use point::Point;

/// The group order L = 2^252 + 27742317777372353535851937790883648493, as little-endian u64s.
const L: [u64; 4] = [0x5812631a5cf5d3ed, 0x14def9dea2f79cd6, 0, 0x1000000000000000];

/// A 512-bit little-endian number reduced modulo L (bit by bit: simple and fast enough here).
fn reduce_mod_l(wide: &[u8; 64]) -> [u8; 32] {
    let mut r = [0u64; 4];
    for bit in (0..512).rev() {
        // r = 2r + bit; r < L < 2^253 so 2r + 1 still fits in 256 bits.
        let mut carry = u64::from(wide[bit / 8] >> (bit % 8) & 1);
        for limb in r.iter_mut() {
            let next = *limb >> 63;
            *limb = *limb << 1 | carry;
            carry = next;
        }
        if !less_than(&r, &L) {
            let mut borrow = 0u64;
            for (limb, l) in r.iter_mut().zip(L) {
                let (d1, b1) = limb.overflowing_sub(l);
                let (d2, b2) = d1.overflowing_sub(borrow);
                *limb = d2;
                borrow = u64::from(b1 || b2);
            }
        }
    }
    let mut out = [0u8; 32];
    for (chunk, limb) in out.chunks_exact_mut(8).zip(r) {
        chunk.copy_from_slice(&limb.to_le_bytes());
    }
    out
}

fn less_than(a: &[u64; 4], b: &[u64; 4]) -> bool {
    for i in (0..4).rev() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
    }
    false
}

/// Verifies `signature` over `message` with `public_key` using the 8.2 rules.
pub fn verify(public_key: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    let Ok(signature) = <&[u8; 64]>::try_from(signature) else { return false };
    if signature[63] & 0xe0 != 0 {
        return false;
    }
    let Some(a) = Point::decode(public_key) else { return false };
    let (r, s) = signature.split_at(32);
    let h = reduce_mod_l(&sha512(&[r, public_key, message]));
    let s: &[u8; 32] = s.try_into().expect("32-byte half");
    // R' = [S]B − [h]A with S exactly as given.
    Point::base_mul_add(s, &h, &a.neg()).encode() == *r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::blake2b::hex;

    fn bytes(s: &str) -> Vec<u8> {
        (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap()).collect()
    }

    fn key(s: &str) -> [u8; 32] {
        bytes(s).try_into().unwrap()
    }

    /// (public key, message, signature) from RFC 8032 §7.1 tests 1–3.
    const RFC8032: [(&str, &str, &str); 3] = [
        (
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        ),
        (
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        ),
        (
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
        ),
    ];

    #[test]
    fn rfc8032_vectors_and_tampering() {
        for (pk, msg, sig) in RFC8032 {
            let (pk, msg, sig) = (key(pk), bytes(msg), bytes(sig));
            assert!(verify(&pk, &msg, &sig));
            let mut bad = sig.clone();
            bad[5] ^= 1;
            assert!(!verify(&pk, &msg, &bad));
            assert!(!verify(&pk, b"other", &sig));
            assert!(!verify(&pk, &msg, &sig[..63]));
        }
    }

    #[test]
    fn s_plus_l_is_accepted_and_top_bits_rejected() {
        let (pk, msg, sig) = RFC8032[0];
        let (pk, msg, sig) = (key(pk), bytes(msg), bytes(sig));
        // S + L (S is small enough here for S + L to keep the top three bits clear).
        let mut s_plus_l = sig.clone();
        let mut carry = 0u16;
        for (i, byte) in s_plus_l[32..].iter_mut().enumerate() {
            let l = (L[i / 8] >> (8 * (i % 8))) as u8;
            let sum = u16::from(*byte) + u16::from(l) + carry;
            *byte = sum as u8;
            carry = sum >> 8;
        }
        assert_eq!(s_plus_l[63] & 0xe0, 0);
        assert!(verify(&pk, &msg, &s_plus_l));
        let mut top_bit = sig.clone();
        top_bit[63] |= 0x20;
        assert!(!verify(&pk, &msg, &top_bit));
    }

    #[test]
    fn scalar_reduction() {
        let mut l_bytes = [0u8; 64];
        for (i, limb) in L.iter().enumerate() {
            l_bytes[8 * i..8 * i + 8].copy_from_slice(&limb.to_le_bytes());
        }
        assert_eq!(reduce_mod_l(&l_bytes), [0u8; 32]);
        l_bytes[0] += 5;
        assert_eq!(hex(&reduce_mod_l(&l_bytes)[..1]), "05");
        // 2^512 − 1 mod L (value checked with Python: (2**512 - 1) % L)
        assert_eq!(hex(&reduce_mod_l(&[0xff; 64])), "000f9c44e31106a447938568a71b0ed065bef517d273ecce3d9a307c1b419903");
    }
}
