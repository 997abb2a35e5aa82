//! SSE2 compression (the x86_64 baseline): two words per 128-bit register.

use super::{first_word, Block};
use std::arch::x86_64::*;

#[inline(always)]
unsafe fn mla128(a: __m128i, b: __m128i) -> __m128i {
    let p = _mm_mul_epu32(a, b);
    _mm_add_epi64(_mm_add_epi64(a, b), _mm_add_epi64(p, p))
}

#[inline(always)]
unsafe fn rotr24_128(x: __m128i) -> __m128i {
    _mm_or_si128(_mm_srli_epi64(x, 24), _mm_slli_epi64(x, 40))
}

#[inline(always)]
unsafe fn rotr16_128(x: __m128i) -> __m128i {
    _mm_shufflehi_epi16(_mm_shufflelo_epi16(x, 0b00_11_10_01), 0b00_11_10_01)
}

#[inline(always)]
unsafe fn rotr63_128(x: __m128i) -> __m128i {
    _mm_xor_si128(_mm_srli_epi64(x, 63), _mm_add_epi64(x, x))
}

/// Quarter-round over two columns at once.
#[inline(always)]
unsafe fn sse2_gb(a: &mut __m128i, b: &mut __m128i, c: &mut __m128i, d: &mut __m128i) {
    *a = mla128(*a, *b);
    *d = _mm_shuffle_epi32(_mm_xor_si128(*d, *a), 0b10_11_00_01);
    *c = mla128(*c, *d);
    *b = rotr24_128(_mm_xor_si128(*b, *c));
    *a = mla128(*a, *b);
    *d = rotr16_128(_mm_xor_si128(*d, *a));
    *c = mla128(*c, *d);
    *b = rotr63_128(_mm_xor_si128(*b, *c));
}

/// (x[1], y[0]): the word pair straddling two registers.
#[inline(always)]
unsafe fn straddle(x: __m128i, y: __m128i) -> __m128i {
    _mm_castpd_si128(_mm_shuffle_pd(_mm_castsi128_pd(x), _mm_castsi128_pd(y), 0b01))
}

/// P on sixteen words held in eight registers of two words each: v[i] = words 2i, 2i + 1.
#[inline(always)]
unsafe fn sse2_permute(v: [*mut __m128i; 8]) {
    let [mut a0, mut a1, mut b0, mut b1, mut c0, mut c1, mut d0, mut d1] = v.map(|p| *p);
    sse2_gb(&mut a0, &mut b0, &mut c0, &mut d0);
    sse2_gb(&mut a1, &mut b1, &mut c1, &mut d1);
    // Diagonals: b → (5,6),(7,4); c → (10,11),(8,9); d → (15,12),(13,14).
    let (mut e0, mut e1) = (straddle(b0, b1), straddle(b1, b0));
    let (mut f0, mut f1) = (straddle(d1, d0), straddle(d0, d1));
    sse2_gb(&mut a0, &mut e0, &mut c1, &mut f0);
    sse2_gb(&mut a1, &mut e1, &mut c0, &mut f1);
    let result = [a0, a1, straddle(e1, e0), straddle(e0, e1), c0, c1, straddle(f0, f1), straddle(f1, f0)];
    for (p, value) in v.into_iter().zip(result) {
        *p = value;
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
    let out_block = out as *const Block;
    let prev = prev as *const __m128i;
    let refb = refb as *const __m128i;
    let out = out as *mut __m128i;
    // q[8k + i] = words 16k + 2i, 16k + 2i + 1 (row k, column pair i)
    let r: [__m128i; 64] =
        std::array::from_fn(|i| _mm_xor_si128(_mm_load_si128(prev.add(i)), _mm_load_si128(refb.add(i))));
    let mut q = r;
    let base = q.as_mut_ptr();
    for k in 0..8 {
        sse2_permute(std::array::from_fn(|i| base.add(8 * k + i)));
    }
    for i in 0..8 {
        sse2_permute(std::array::from_fn(|k| base.add(8 * k + i)));
        if i == 0 {
            early(first_word(_mm_cvtsi128_si64(*base) as u64, _mm_cvtsi128_si64(r[0]) as u64, out_block, xor_out));
        }
    }
    for i in 0..64 {
        let mut g = _mm_xor_si128(q[i], r[i]);
        if xor_out {
            g = _mm_xor_si128(g, _mm_load_si128(out.add(i)));
        }
        _mm_store_si128(out.add(i), g);
    }
}
