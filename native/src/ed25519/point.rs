//! Points of edwards25519 (−x² + y² = 1 + d·x²·y²) in extended coordinates (X : Y : Z : T),
//! x = X/Z, y = Y/Z, x·y = T/Z. The addition law used is complete on this curve, so small-order
//! and mixed-order points need no special cases.

use super::field::Fe;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug)]
pub struct Point {
    x: Fe,
    y: Fe,
    z: Fe,
    t: Fe,
}

#[derive(Clone, Copy)]
struct Constants {
    d: Fe,
    d2: Fe,
    sqrt_m1: Fe,
}

fn constants() -> &'static Constants {
    static C: OnceLock<Constants> = OnceLock::new();
    C.get_or_init(|| {
        let d = -Fe::from_u64(121665) * Fe::from_u64(121666).invert();
        Constants { d, d2: d + d, sqrt_m1: Fe::from_u64(2).pow_p14() }
    })
}

/// [0]B, [1]B, …, [15]B for the 4-bit windows of the double scalar multiplication.
fn base_table() -> &'static [Point; 16] {
    static T: OnceLock<[Point; 16]> = OnceLock::new();
    T.get_or_init(|| {
        // The base point: y = 4/5, x even.
        let y = Fe::from_u64(4) * Fe::from_u64(5).invert();
        Point::decode(&y.to_bytes()).expect("base point decodes").window_table()
    })
}

impl Point {
    pub const IDENTITY: Point = Point { x: Fe::ZERO, y: Fe::ONE, z: Fe::ONE, t: Fe::ZERO };

    /// Decodes like ref10's `ge_frombytes` (golang.org/x/crypto 94eea52 `FromBytes`): y is taken
    /// modulo p even when its encoding is ≥ p; fails only when x² = (y² − 1)/(d·y² + 1) has no
    /// root; x = 0 with the sign bit set yields x = 0 (−0 = 0) instead of failing.
    pub fn decode(bytes: &[u8; 32]) -> Option<Point> {
        let Constants { d, sqrt_m1, .. } = *constants();
        let y = Fe::from_bytes(bytes);
        let y2 = y.square();
        let u = y2 - Fe::ONE;
        let v = d * y2 + Fe::ONE;
        // Candidate root x = u·v³·(u·v⁷)^((p−5)/8).
        let v3 = v.square() * v;
        let mut x = u * v3 * (u * v3.square() * v).pow_p58();
        let vx2 = v * x.square();
        if !(vx2 - u).is_zero() {
            if !(vx2 + u).is_zero() {
                return None;
            }
            x = x * sqrt_m1;
        }
        if x.is_negative() != (bytes[31] >> 7 == 1) {
            x = -x;
        }
        Some(Point { x, y, z: Fe::ONE, t: x * y })
    }

    /// The canonical 32-byte encoding: y fully reduced, sign of x in bit 255.
    pub fn encode(&self) -> [u8; 32] {
        let zi = self.z.invert();
        let x = self.x * zi;
        let mut out = (self.y * zi).to_bytes();
        out[31] |= u8::from(x.is_negative()) << 7;
        out
    }

    pub fn neg(&self) -> Point {
        Point { x: -self.x, y: self.y, z: self.z, t: -self.t }
    }

    /// Unified addition for a = −1 (Hisil–Wong–Carter–Dawson 2008, "add-2008-hwcd-3").
    pub fn add(&self, o: &Point) -> Point {
        let a = (self.y - self.x) * (o.y - o.x);
        let b = (self.y + self.x) * (o.y + o.x);
        let c = self.t * constants().d2 * o.t;
        let d = (self.z + self.z) * o.z;
        let (e, f, g, h) = (b - a, d - c, d + c, b + a);
        Point { x: e * f, y: g * h, z: f * g, t: e * h }
    }

    /// Doubling for a = −1 ("dbl-2008-hwcd").
    pub fn double(&self) -> Point {
        let a = self.x.square();
        let b = self.y.square();
        let c = self.z.square() + self.z.square();
        let d = -a;
        let e = (self.x + self.y).square() - a - b;
        let g = d + b;
        let f = g - c;
        let h = d - b;
        Point { x: e * f, y: g * h, z: f * g, t: e * h }
    }

    fn window_table(&self) -> [Point; 16] {
        let mut table = [Point::IDENTITY; 16];
        for i in 1..16 {
            table[i] = table[i - 1].add(self);
        }
        table
    }

    /// [s]B + [k]P for 256-bit little-endian scalars (any value; nothing is reduced), variable time.
    pub fn base_mul_add(s: &[u8; 32], k: &[u8; 32], p: &Point) -> Point {
        let base = base_table();
        let table = p.window_table();
        let nibble = |n: &[u8; 32], i: usize| usize::from(n[i / 2] >> (4 * (i % 2)) & 15);
        let mut acc = Point::IDENTITY;
        for i in (0..64).rev() {
            acc = acc.double().double().double().double();
            acc = acc.add(&base[nibble(s, i)]).add(&table[nibble(k, i)]);
        }
        acc
    }

    /// [n]P by plain double-and-add (tests only: a slow, obviously correct reference).
    #[cfg(test)]
    pub fn mul_slow(&self, n: &[u8; 32]) -> Point {
        let mut acc = Point::IDENTITY;
        for i in (0..256).rev() {
            acc = acc.add(&acc);
            if n[i / 8] >> (i % 8) & 1 == 1 {
                acc = acc.add(self);
            }
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex32(s: &str) -> [u8; 32] {
        std::array::from_fn(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
    }

    const L: &str = "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";

    #[test]
    fn base_point_encoding_order_and_doubling() {
        let b = base_table()[1];
        assert_eq!(b.encode(), hex32("5866666666666666666666666666666666666666666666666666666666666666"));
        assert_eq!(b.mul_slow(&hex32(L)).encode(), Point::IDENTITY.encode());
        let p = b.add(&b).add(&b);
        assert_eq!(p.double().encode(), p.add(&p).encode());
        let mut seven = [0u8; 32];
        seven[0] = 7;
        assert_eq!(Point::base_mul_add(&seven, &[0u8; 32], &p).encode(), b.mul_slow(&seven).encode());
        assert_eq!(Point::base_mul_add(&[0u8; 32], &seven, &p).encode(), p.mul_slow(&seven).encode());
    }

    #[test]
    fn ref10_decoding_quirks() {
        // y = 1 with the sign bit set: x = 0, accepted, encodes back without the sign bit.
        let mut one_negative = [0u8; 32];
        one_negative[0] = 1;
        one_negative[31] = 0x80;
        let p = Point::decode(&one_negative).expect("x = 0 with sign bit decodes");
        assert_eq!(p.encode(), Point::IDENTITY.encode());
        // y = p + 1 (non-canonical encoding of 1) decodes to the identity too.
        let non_canonical = hex32("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        assert_eq!(Point::decode(&non_canonical).unwrap().encode(), Point::IDENTITY.encode());
        // y = 2 is not on the curve (x² would be a non-square).
        let mut two = [0u8; 32];
        two[0] = 2;
        assert!(Point::decode(&two).is_none());
        // A small-order point (order 4: x = ±sqrt(-1), y = 0) decodes and has order 4.
        let p4 = Point::decode(&[0u8; 32]).expect("y = 0 decodes");
        assert_eq!(p4.double().double().encode(), Point::IDENTITY.encode());
        assert_ne!(p4.double().encode(), Point::IDENTITY.encode());
    }
}
