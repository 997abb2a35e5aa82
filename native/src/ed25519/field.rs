//! Arithmetic modulo p = 2^255 − 19 in five 51-bit limbs (products in u128).
//!
//! Invariant: every value returned by an operation has limbs below 2^52, which keeps all
//! intermediate products of `mul` inside u128.

use std::ops::{Add, Mul, Neg, Sub};

const MASK: u64 = (1 << 51) - 1;

/// The full 128-bit product of two limbs.
#[inline(always)]
fn wide(a: u64, b: u64) -> u128 {
    u128::from(a) * u128::from(b)
}

#[derive(Clone, Copy, Debug)]
pub struct Fe(pub [u64; 5]);

impl Fe {
    pub const ZERO: Fe = Fe([0; 5]);
    pub const ONE: Fe = Fe([1, 0, 0, 0, 0]);

    pub fn from_u64(v: u64) -> Fe {
        Fe([v & MASK, v >> 51, 0, 0, 0])
    }

    /// Loads 255 bits little-endian, ignoring bit 255. Values in [p, 2^255) are kept as their
    /// residue, exactly like ref10's `fe_frombytes` (a non-canonical y is accepted as y − p).
    pub fn from_bytes(b: &[u8; 32]) -> Fe {
        let w = |i: usize| u64::from_le_bytes(b[8 * i..8 * i + 8].try_into().unwrap());
        Fe([
            w(0) & MASK,
            (w(0) >> 51 | w(1) << 13) & MASK,
            (w(1) >> 38 | w(2) << 26) & MASK,
            (w(2) >> 25 | w(3) << 39) & MASK,
            (w(3) >> 12) & MASK,
        ])
    }

    /// Propagates carries so every limb is below 2^51 (plus a small multiple of 19 in limb 0).
    fn carry(mut l: [u64; 5]) -> Fe {
        for i in 0..4 {
            l[i + 1] += l[i] >> 51;
            l[i] &= MASK;
        }
        l[0] += 19 * (l[4] >> 51);
        l[4] &= MASK;
        l[1] += l[0] >> 51;
        l[0] &= MASK;
        Fe(l)
    }

    /// The canonical 32-byte little-endian encoding (fully reduced below p).
    pub fn to_bytes(self) -> [u8; 32] {
        let mut l = Fe::carry(self.0).0;
        // l < 2^255 + small; subtract p once if l >= p, i.e. if l + 19 >= 2^255.
        let mut q = (l[0] + 19) >> 51;
        for limb in &l[1..] {
            q = (limb + q) >> 51;
        }
        l[0] += 19 * q;
        for i in 0..4 {
            l[i + 1] += l[i] >> 51;
            l[i] &= MASK;
        }
        l[4] &= MASK;
        let words = [l[0] | l[1] << 51, l[1] >> 13 | l[2] << 38, l[2] >> 26 | l[3] << 25, l[3] >> 39 | l[4] << 12];
        let mut out = [0u8; 32];
        for (chunk, w) in out.chunks_exact_mut(8).zip(words) {
            chunk.copy_from_slice(&w.to_le_bytes());
        }
        out
    }

    pub fn is_zero(&self) -> bool {
        self.to_bytes() == [0u8; 32]
    }

    /// "Negative" in the RFC 8032 sense: the canonical value is odd.
    pub fn is_negative(&self) -> bool {
        self.to_bytes()[0] & 1 == 1
    }

    /// Like `self * self` with the symmetric cross products computed once.
    pub fn square(&self) -> Fe {
        let a = self.0;
        let (a0_2, a1_2, a2_2, a3_2) = (2 * a[0], 2 * a[1], 2 * a[2], 2 * a[3]);
        let (a3_19, a4_19) = (19 * a[3], 19 * a[4]);
        let c0 = wide(a[0], a[0]) + wide(a1_2, a4_19) + wide(a2_2, a3_19);
        let c1 = wide(a0_2, a[1]) + wide(a2_2, a4_19) + wide(a[3], a3_19);
        let c2 = wide(a0_2, a[2]) + wide(a[1], a[1]) + wide(a3_2, a4_19);
        let c3 = wide(a0_2, a[3]) + wide(a1_2, a[2]) + wide(a[4], a4_19);
        let c4 = wide(a0_2, a[4]) + wide(a1_2, a[3]) + wide(a[2], a[2]);
        Fe::reduce_wide([c0, c1, c2, c3, c4])
    }

    fn square_n(&self, n: u32) -> Fe {
        let mut x = *self;
        for _ in 0..n {
            x = x.square();
        }
        x
    }

    /// (z^(2^250 − 1), z^11), the shared prefix of the exponentiation chains below.
    fn pow_2_250_minus_1(&self) -> (Fe, Fe) {
        let z = *self;
        let z2 = z.square();
        let z9 = z2.square_n(2) * z;
        let z11 = z9 * z2;
        let z_5 = z11.square() * z9; // 2^5 − 1
        let z_10 = z_5.square_n(5) * z_5;
        let z_20 = z_10.square_n(10) * z_10;
        let z_40 = z_20.square_n(20) * z_20;
        let z_50 = z_40.square_n(10) * z_10;
        let z_100 = z_50.square_n(50) * z_50;
        let z_200 = z_100.square_n(100) * z_100;
        (z_200.square_n(50) * z_50, z11)
    }

    /// z^(p − 2) = 1/z (0 for 0).
    pub fn invert(&self) -> Fe {
        let (t, z11) = self.pow_2_250_minus_1();
        t.square_n(5) * z11
    }

    /// z^((p − 5) / 8) = z^(2^252 − 3), the square-root helper.
    pub fn pow_p58(&self) -> Fe {
        self.pow_2_250_minus_1().0.square_n(2) * *self
    }

    /// z^((p − 1) / 4) = z^(2^253 − 5); for z = 2 this is a square root of −1.
    pub fn pow_p14(&self) -> Fe {
        let z3 = self.square() * *self;
        self.pow_2_250_minus_1().0.square_n(3) * z3
    }

    #[cfg(test)]
    pub fn equals(&self, other: &Fe) -> bool {
        self.to_bytes() == other.to_bytes()
    }
}

impl Add for Fe {
    type Output = Fe;
    fn add(self, o: Fe) -> Fe {
        Fe::carry(std::array::from_fn(|i| self.0[i] + o.0[i]))
    }
}

impl Sub for Fe {
    type Output = Fe;
    fn sub(self, o: Fe) -> Fe {
        // Add 4p (limbs 2^53 − 76, 2^53 − 4, …) so no limb underflows.
        let four_p = [(1u64 << 53) - 76, (1 << 53) - 4, (1 << 53) - 4, (1 << 53) - 4, (1 << 53) - 4];
        Fe::carry(std::array::from_fn(|i| self.0[i] + four_p[i] - o.0[i]))
    }
}

impl Neg for Fe {
    type Output = Fe;
    fn neg(self) -> Fe {
        Fe::ZERO - self
    }
}

impl Mul for Fe {
    type Output = Fe;
    fn mul(self, o: Fe) -> Fe {
        let (a, b) = (self.0, o.0);
        // Limb products above 2^255 wrap around multiplied by 19 (limbs < 2^52, so 19·b < 2^57).
        let b19 = b.map(|x| 19 * x);
        let c0 = wide(a[0], b[0]) + wide(a[1], b19[4]) + wide(a[2], b19[3]) + wide(a[3], b19[2]) + wide(a[4], b19[1]);
        let c1 = wide(a[0], b[1]) + wide(a[1], b[0]) + wide(a[2], b19[4]) + wide(a[3], b19[3]) + wide(a[4], b19[2]);
        let c2 = wide(a[0], b[2]) + wide(a[1], b[1]) + wide(a[2], b[0]) + wide(a[3], b19[4]) + wide(a[4], b19[3]);
        let c3 = wide(a[0], b[3]) + wide(a[1], b[2]) + wide(a[2], b[1]) + wide(a[3], b[0]) + wide(a[4], b19[4]);
        let c4 = wide(a[0], b[4]) + wide(a[1], b[3]) + wide(a[2], b[2]) + wide(a[3], b[1]) + wide(a[4], b[0]);
        Fe::reduce_wide([c0, c1, c2, c3, c4])
    }
}

impl Fe {
    /// Carries 5 wide limbs (each below 2^116) down to limbs below 2^52.
    fn reduce_wide(mut c: [u128; 5]) -> Fe {
        let mask = u128::from(MASK);
        for i in 0..4 {
            c[i + 1] += c[i] >> 51;
            c[i] &= mask;
        }
        // The carry out of limb 4 is below 2^56, so 19 times it fits a u64 limb; one more step
        // from limb 0 leaves every limb below 2^52.
        let top = (c[4] >> 51) as u64;
        let mut l = c.map(|x| (x & mask) as u64);
        l[0] += top * 19;
        l[1] += l[0] >> 51;
        l[0] &= MASK;
        Fe(l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_roots_and_canonical_encoding() {
        let x = Fe::from_u64(123456789);
        assert!((x * x.invert()).equals(&Fe::ONE));
        let i = Fe::from_u64(2).pow_p14();
        assert!((i.square() + Fe::ONE).is_zero(), "sqrt(-1)");
        // p itself (non-canonical zero) and p + 1 load as residues 0 and 1
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        assert!(Fe::from_bytes(&p).is_zero());
        p[0] = 0xee;
        assert_eq!(Fe::from_bytes(&p).to_bytes(), Fe::ONE.to_bytes());
        // bit 255 is ignored
        let mut one = [0u8; 32];
        one[0] = 1;
        one[31] = 0x80;
        assert!(Fe::from_bytes(&one).equals(&Fe::ONE));
        assert!((-Fe::ONE + Fe::ONE).is_zero());
    }
}
