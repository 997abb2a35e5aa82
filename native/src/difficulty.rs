//! Difficulty comparisons: block digest vs target, and the reservoir's issue proof check.

use crate::hash::sha3::sha3_256;

/// `digest` read as a little-endian 256-bit number is <= `target` read big-endian.
pub fn meets_difficulty(digest: &[u8; 32], target: &[u8; 32]) -> bool {
    // Walk both from their most significant byte.
    for (d, t) in digest.iter().rev().zip(target.iter()) {
        if d != t {
            return d < t;
        }
    }
    true
}

/// Index of the first CRC for which sha3-256(payId ‖ crc ‖ nonce), read big-endian, is <= target;
/// -1 when none is.
pub fn proof_check(pay_id: &[u8], crcs: &[[u8; 8]], nonce: &[u8], target: &[u8; 32]) -> i32 {
    crcs.iter()
        // Equal-length byte strings compare lexicographically exactly as big-endian numbers.
        .position(|crc| sha3_256(&[pay_id, crc, nonce]).as_slice() <= target.as_slice())
        .map_or(-1, |i| i as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_vs_target() {
        let mut target = [0u8; 32];
        target[1..8].fill(0xff); // difficulty 1: 00ffffffffffffff00…
        let mut digest = [0xffu8; 32];
        digest[31] = 0x00; // most significant byte of the little-endian number
        assert!(!meets_difficulty(&digest, &target));
        digest[..24].fill(0);
        assert!(meets_difficulty(&digest, &target));
        let equal: [u8; 32] = std::array::from_fn(|i| target[31 - i]);
        assert!(meets_difficulty(&equal, &target));
        let mut above = equal;
        above[0] = 1;
        assert!(!meets_difficulty(&above, &target));
    }

    #[test]
    fn proof_positions() {
        let crcs = [[1u8; 8], [2u8; 8], [3u8; 8]];
        let h: Vec<Vec<u8>> = crcs.iter().map(|c| sha3_256(&[b"pay", c, b"nonce"])).collect();
        let target_of = |v: &Vec<u8>| -> [u8; 32] { v.as_slice().try_into().unwrap() };
        // a target equal to the second hash accepts it (and the first if that one is smaller)
        let second = target_of(&h[1]);
        let expected = if h[0] <= h[1] { 0 } else { 1 };
        assert_eq!(proof_check(b"pay", &crcs, b"nonce", &second), expected);
        assert_eq!(proof_check(b"pay", &crcs, b"nonce", &[0u8; 32]), -1);
        assert_eq!(proof_check(b"pay", &crcs, b"nonce", &[0xffu8; 32]), 0);
        assert_eq!(proof_check(b"pay", &[], b"nonce", &[0xffu8; 32]), -1);
    }
}
