//! The compression shared by the two-words-per-register paths (`sse2` on x86_64, `neon` on
//! aarch64): both hold a 1 KiB block in 64 registers of two words (register 8k + i = row k,
//! column pair i) and differ only in the instructions behind each operation, which a [`Pair`]
//! implementation supplies. Everything here is `#[inline(always)]`, so each path compiles to
//! straight-line code for its own register type, as if written out by hand.

use super::{first_word, Block};

/// Two 64-bit words in one 128-bit register, and the operations BlaMka needs on them.
pub(super) trait Pair: Copy {
    /// Loads words `2i`, `2i + 1` of `block` (64-byte aligned).
    unsafe fn load(block: *const Block, i: usize) -> Self;
    unsafe fn store(self, block: *mut Block, i: usize);
    unsafe fn xor(self, other: Self) -> Self;
    /// a + b + 2 · lo32(a) · lo32(b) on each word.
    unsafe fn mla(self, other: Self) -> Self;
    unsafe fn ror32(self) -> Self;
    unsafe fn ror24(self) -> Self;
    unsafe fn ror16(self) -> Self;
    unsafe fn ror63(self) -> Self;
    /// (self[1], next[0]): the word pair straddling two registers.
    unsafe fn straddle(self, next: Self) -> Self;
    unsafe fn low_word(self) -> u64;
}

/// G over two columns at once.
#[inline(always)]
unsafe fn gb<V: Pair>(a: &mut V, b: &mut V, c: &mut V, d: &mut V) {
    *a = a.mla(*b);
    *d = d.xor(*a).ror32();
    *c = c.mla(*d);
    *b = b.xor(*c).ror24();
    *a = a.mla(*b);
    *d = d.xor(*a).ror16();
    *c = c.mla(*d);
    *b = b.xor(*c).ror63();
}

/// P on sixteen words held in eight registers: v[i] = words 2i, 2i + 1.
#[inline(always)]
unsafe fn permute<V: Pair>(v: [*mut V; 8]) {
    let [mut a0, mut a1, mut b0, mut b1, mut c0, mut c1, mut d0, mut d1] = v.map(|p| *p);
    gb(&mut a0, &mut b0, &mut c0, &mut d0);
    gb(&mut a1, &mut b1, &mut c1, &mut d1);
    // Diagonals: b → (5,6),(7,4); c → (10,11),(8,9); d → (15,12),(13,14).
    let (mut e0, mut e1) = (b0.straddle(b1), b1.straddle(b0));
    let (mut f0, mut f1) = (d1.straddle(d0), d0.straddle(d1));
    gb(&mut a0, &mut e0, &mut c1, &mut f0);
    gb(&mut a1, &mut e1, &mut c0, &mut f1);
    let result = [a0, a1, e1.straddle(e0), e0.straddle(e1), c0, c1, f0.straddle(f1), f1.straddle(f0)];
    for (p, value) in v.into_iter().zip(result) {
        *p = value;
    }
}

/// See [`super::Compress`]; the caller's `#[target_feature]` must cover `V`'s instructions.
#[inline(always)]
pub(super) unsafe fn compress<V: Pair>(
    prev: *const Block,
    refb: *const Block,
    out: *mut Block,
    xor_out: bool,
    early: &mut dyn FnMut(u64),
) {
    let r: [V; 64] = std::array::from_fn(|i| V::load(prev, i).xor(V::load(refb, i)));
    let mut q = r;
    let base = q.as_mut_ptr();
    for k in 0..8 {
        permute(std::array::from_fn(|i| base.add(8 * k + i)));
    }
    for i in 0..8 {
        permute(std::array::from_fn(|k| base.add(8 * k + i)));
        if i == 0 {
            early(first_word((*base).low_word(), r[0].low_word(), out, xor_out));
        }
    }
    for i in 0..64 {
        let mut g = q[i].xor(r[i]);
        if xor_out {
            g = g.xor(V::load(out, i));
        }
        g.store(out, i);
    }
}
