//! aarch64 NEON compression: two words per 128-bit register, laid out like the SSE2 path.
//!
//! NEON has no 64-bit rotate: rotation by 32 is `rev64` on 32-bit elements, the others are a left
//! shift plus a shift-right-and-insert (`shl` + `sri`). `umull` multiplies the low 32-bit halves
//! once `xtn` has narrowed them.

use super::{first_word, Block};
use std::arch::aarch64::*;

/// The BlaMka multiply-add on two words: a + b + 2 · lo32(a) · lo32(b).
#[inline(always)]
unsafe fn mla(a: uint64x2_t, b: uint64x2_t) -> uint64x2_t {
    let p = vmull_u32(vmovn_u64(a), vmovn_u64(b));
    vaddq_u64(vaddq_u64(a, b), vaddq_u64(p, p))
}

#[inline(always)]
unsafe fn ror32(x: uint64x2_t) -> uint64x2_t {
    vreinterpretq_u64_u32(vrev64q_u32(vreinterpretq_u32_u64(x)))
}

/// Rotation right by `N` (`L` = 64 − N: const generics cannot compute it).
#[inline(always)]
unsafe fn ror<const N: i32, const L: i32>(x: uint64x2_t) -> uint64x2_t {
    vsriq_n_u64::<N>(vshlq_n_u64::<L>(x), x)
}

/// G over two columns at once.
#[inline(always)]
unsafe fn gb(a: &mut uint64x2_t, b: &mut uint64x2_t, c: &mut uint64x2_t, d: &mut uint64x2_t) {
    *a = mla(*a, *b);
    *d = ror32(veorq_u64(*d, *a));
    *c = mla(*c, *d);
    *b = ror::<24, 40>(veorq_u64(*b, *c));
    *a = mla(*a, *b);
    *d = ror::<16, 48>(veorq_u64(*d, *a));
    *c = mla(*c, *d);
    *b = ror::<63, 1>(veorq_u64(*b, *c));
}

/// (x[1], y[0]): the word pair straddling two registers.
#[inline(always)]
unsafe fn straddle(x: uint64x2_t, y: uint64x2_t) -> uint64x2_t {
    vextq_u64::<1>(x, y)
}

/// P on sixteen words held in eight registers of two words each: v[i] = words 2i, 2i + 1.
#[inline(always)]
unsafe fn permute(v: [*mut uint64x2_t; 8]) {
    let [mut a0, mut a1, mut b0, mut b1, mut c0, mut c1, mut d0, mut d1] = v.map(|p| *p);
    gb(&mut a0, &mut b0, &mut c0, &mut d0);
    gb(&mut a1, &mut b1, &mut c1, &mut d1);
    // Diagonals: b → (5,6),(7,4); c → (10,11),(8,9); d → (15,12),(13,14).
    let (mut e0, mut e1) = (straddle(b0, b1), straddle(b1, b0));
    let (mut f0, mut f1) = (straddle(d1, d0), straddle(d0, d1));
    gb(&mut a0, &mut e0, &mut c1, &mut f0);
    gb(&mut a1, &mut e1, &mut c0, &mut f1);
    let result = [a0, a1, straddle(e1, e0), straddle(e0, e1), c0, c1, straddle(f0, f1), straddle(f1, f0)];
    for (p, value) in v.into_iter().zip(result) {
        *p = value;
    }
}

/// # Safety
/// See [`super::Compress`]; the CPU must have NEON (every aarch64 Linux CPU does).
#[target_feature(enable = "neon")]
pub(super) unsafe fn compress(
    prev: *const Block,
    refb: *const Block,
    out: *mut Block,
    xor_out: bool,
    early: &mut dyn FnMut(u64),
) {
    let out_block = out as *const Block;
    let prev = prev as *const u64;
    let refb = refb as *const u64;
    let out = out as *mut u64;
    // q[8k + i] = words 16k + 2i, 16k + 2i + 1 (row k, column pair i)
    let r: [uint64x2_t; 64] =
        std::array::from_fn(|i| veorq_u64(vld1q_u64(prev.add(2 * i)), vld1q_u64(refb.add(2 * i))));
    let mut q = r;
    let base = q.as_mut_ptr();
    for k in 0..8 {
        permute(std::array::from_fn(|i| base.add(8 * k + i)));
    }
    for i in 0..8 {
        permute(std::array::from_fn(|k| base.add(8 * k + i)));
        if i == 0 {
            early(first_word(vgetq_lane_u64::<0>(*base), vgetq_lane_u64::<0>(r[0]), out_block, xor_out));
        }
    }
    for i in 0..64 {
        let mut g = veorq_u64(q[i], r[i]);
        if xor_out {
            g = veorq_u64(g, vld1q_u64(out.add(2 * i)));
        }
        vst1q_u64(out.add(2 * i), g);
    }
}
