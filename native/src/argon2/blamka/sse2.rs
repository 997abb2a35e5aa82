//! SSE2 compression (the x86_64 baseline): two words per 128-bit register, the shared body in
//! `pair.rs`. SSE2 has no 64-bit rotate: 32 is a dword shuffle, 16 a pair of word shuffles, 24 two
//! shifts and an or, 63 a shift and an add.

use super::pair::{self, Pair};
use super::Block;
use std::arch::x86_64::*;

#[derive(Clone, Copy)]
struct Sse2(__m128i);

impl Pair for Sse2 {
    #[inline(always)]
    unsafe fn load(block: *const Block, i: usize) -> Self {
        Sse2(_mm_load_si128((block as *const __m128i).add(i)))
    }
    #[inline(always)]
    unsafe fn store(self, block: *mut Block, i: usize) {
        _mm_store_si128((block as *mut __m128i).add(i), self.0)
    }
    #[inline(always)]
    unsafe fn xor(self, other: Self) -> Self {
        Sse2(_mm_xor_si128(self.0, other.0))
    }
    #[inline(always)]
    unsafe fn mla(self, other: Self) -> Self {
        let p = _mm_mul_epu32(self.0, other.0);
        Sse2(_mm_add_epi64(_mm_add_epi64(self.0, other.0), _mm_add_epi64(p, p)))
    }
    #[inline(always)]
    unsafe fn ror32(self) -> Self {
        Sse2(_mm_shuffle_epi32(self.0, 0b10_11_00_01))
    }
    #[inline(always)]
    unsafe fn ror24(self) -> Self {
        Sse2(_mm_or_si128(_mm_srli_epi64(self.0, 24), _mm_slli_epi64(self.0, 40)))
    }
    #[inline(always)]
    unsafe fn ror16(self) -> Self {
        Sse2(_mm_shufflehi_epi16(_mm_shufflelo_epi16(self.0, 0b00_11_10_01), 0b00_11_10_01))
    }
    #[inline(always)]
    unsafe fn ror63(self) -> Self {
        Sse2(_mm_xor_si128(_mm_srli_epi64(self.0, 63), _mm_add_epi64(self.0, self.0)))
    }
    #[inline(always)]
    unsafe fn straddle(self, next: Self) -> Self {
        Sse2(_mm_castpd_si128(_mm_shuffle_pd(_mm_castsi128_pd(self.0), _mm_castsi128_pd(next.0), 0b01)))
    }
    #[inline(always)]
    unsafe fn low_word(self) -> u64 {
        _mm_cvtsi128_si64(self.0) as u64
    }
}

/// # Safety
/// See [`super::Compress`].
#[target_feature(enable = "sse2")]
pub(super) unsafe fn compress(
    prev: *const Block,
    refb: *const Block,
    out: *mut Block,
    xor_out: bool,
    early: &mut dyn FnMut(u64),
) {
    pair::compress::<Sse2>(prev, refb, out, xor_out, early)
}
