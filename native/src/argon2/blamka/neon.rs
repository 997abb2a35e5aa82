//! aarch64 NEON compression: two words per 128-bit register, the shared body in `pair.rs`.
//!
//! NEON has no 64-bit rotate: rotation by 32 is `rev64` on 32-bit elements, the others are a left
//! shift plus a shift-right-and-insert (`shl` + `sri`). `umull` multiplies the low 32-bit halves
//! once `xtn` has narrowed them.

use super::pair::{self, Pair};
use super::Block;
use std::arch::aarch64::*;

#[derive(Clone, Copy)]
struct Neon(uint64x2_t);

/// Rotation right by `N` (`L` = 64 − N: const generics cannot compute it).
#[inline(always)]
unsafe fn ror<const N: i32, const L: i32>(x: uint64x2_t) -> Neon {
    Neon(vsriq_n_u64::<N>(vshlq_n_u64::<L>(x), x))
}

impl Pair for Neon {
    #[inline(always)]
    unsafe fn load(block: *const Block, i: usize) -> Self {
        Neon(vld1q_u64((block as *const u64).add(2 * i)))
    }
    #[inline(always)]
    unsafe fn store(self, block: *mut Block, i: usize) {
        vst1q_u64((block as *mut u64).add(2 * i), self.0)
    }
    #[inline(always)]
    unsafe fn xor(self, other: Self) -> Self {
        Neon(veorq_u64(self.0, other.0))
    }
    #[inline(always)]
    unsafe fn mla(self, other: Self) -> Self {
        let p = vmull_u32(vmovn_u64(self.0), vmovn_u64(other.0));
        Neon(vaddq_u64(vaddq_u64(self.0, other.0), vaddq_u64(p, p)))
    }
    #[inline(always)]
    unsafe fn ror32(self) -> Self {
        Neon(vreinterpretq_u64_u32(vrev64q_u32(vreinterpretq_u32_u64(self.0))))
    }
    #[inline(always)]
    unsafe fn ror24(self) -> Self {
        ror::<24, 40>(self.0)
    }
    #[inline(always)]
    unsafe fn ror16(self) -> Self {
        ror::<16, 48>(self.0)
    }
    #[inline(always)]
    unsafe fn ror63(self) -> Self {
        ror::<63, 1>(self.0)
    }
    #[inline(always)]
    unsafe fn straddle(self, next: Self) -> Self {
        Neon(vextq_u64::<1>(self.0, next.0))
    }
    #[inline(always)]
    unsafe fn low_word(self) -> u64 {
        vgetq_lane_u64::<0>(self.0)
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
    pair::compress::<Neon>(prev, refb, out, xor_out, early)
}
