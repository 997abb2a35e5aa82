//! x86_64 compression: AVX2 (four words per register) and SSE2 (two words per register, the
//! x86_64 baseline). Same results as the scalar path (checked by the unit tests in `mod.rs`).

use super::{first_word, Block};
use std::arch::x86_64::*;

// ---------------------------------------------------------------- AVX2

/// One vectorised quarter-round step over four independent columns.
macro_rules! avx2_gb {
    ($a:ident, $b:ident, $c:ident, $d:ident, $rot24:ident, $rot16:ident) => {
        $a = mla256($a, $b);
        $d = _mm256_shuffle_epi32(_mm256_xor_si256($d, $a), 0b10_11_00_01);
        $c = mla256($c, $d);
        $b = _mm256_shuffle_epi8(_mm256_xor_si256($b, $c), $rot24);
        $a = mla256($a, $b);
        $d = _mm256_shuffle_epi8(_mm256_xor_si256($d, $a), $rot16);
        $c = mla256($c, $d);
        let t = _mm256_xor_si256($b, $c);
        $b = _mm256_xor_si256(_mm256_srli_epi64(t, 63), _mm256_add_epi64(t, t));
    };
}

#[inline(always)]
unsafe fn mla256(a: __m256i, b: __m256i) -> __m256i {
    let p = _mm256_mul_epu32(a, b);
    _mm256_add_epi64(_mm256_add_epi64(a, b), _mm256_add_epi64(p, p))
}

/// P on sixteen words held as a = words 0..4, b = 4..8, c = 8..12, d = 12..16.
#[inline(always)]
unsafe fn avx2_permute(a: &mut __m256i, b: &mut __m256i, c: &mut __m256i, d: &mut __m256i) {
    let rot24 = _mm256_setr_epi8(
        3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10, 3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10,
    );
    let rot16 = _mm256_setr_epi8(
        2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9, 2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9,
    );
    let (mut a0, mut b0, mut c0, mut d0) = (*a, *b, *c, *d);
    avx2_gb!(a0, b0, c0, d0, rot24, rot16);
    // Diagonals: rotate the lanes of b, c, d left by 1, 2, 3 so each lane holds one diagonal.
    b0 = _mm256_permute4x64_epi64(b0, 0b00_11_10_01);
    c0 = _mm256_permute4x64_epi64(c0, 0b01_00_11_10);
    d0 = _mm256_permute4x64_epi64(d0, 0b10_01_00_11);
    avx2_gb!(a0, b0, c0, d0, rot24, rot16);
    *a = a0;
    *b = _mm256_permute4x64_epi64(b0, 0b10_01_00_11);
    *c = _mm256_permute4x64_epi64(c0, 0b01_00_11_10);
    *d = _mm256_permute4x64_epi64(d0, 0b00_11_10_01);
}

/// Starts loading all sixteen cache lines of `block`.
#[inline(always)]
pub(super) fn prefetch(block: *const Block) {
    for line in 0..16 {
        // SAFETY: prefetching is a hint and never faults, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((block as *const i8).wrapping_add(64 * line)) };
    }
}

#[target_feature(enable = "avx2")]
pub(super) unsafe fn compress_avx2(
    prev: *const Block,
    refb: *const Block,
    out: *mut Block,
    xor_out: bool,
    early: &mut dyn FnMut(u64),
) {
    let out_block = out as *const Block;
    let prev = prev as *const __m256i;
    let refb = refb as *const __m256i;
    let out = out as *mut __m256i;
    // q[4k + j] = words 16k + 4j .. 16k + 4j + 4 (row k, quarter j)
    let mut r = [_mm256_setzero_si256(); 32];
    for i in 0..32 {
        r[i] = _mm256_xor_si256(_mm256_load_si256(prev.add(i)), _mm256_load_si256(refb.add(i)));
    }
    let mut q = r;
    for k in 0..8 {
        let [a, b, c, d] = &mut *(q.as_mut_ptr().add(4 * k) as *mut [__m256i; 4]);
        avx2_permute(a, b, c, d);
    }
    // Column pair i = 2j (low halves) and 2j + 1 (high halves) of quarter j: P's words (0,1),
    // (2,3), … are rows 0, 1, …, 7 of that column pair, so pair rows (0,1), (2,3), (4,5), (6,7).
    for j in 0..4 {
        let x = |k: usize| q[4 * k + j];
        let mut lo = [_mm256_setzero_si256(); 4];
        let mut hi = [_mm256_setzero_si256(); 4];
        for m in 0..4 {
            lo[m] = _mm256_permute2x128_si256(x(2 * m), x(2 * m + 1), 0x20);
            hi[m] = _mm256_permute2x128_si256(x(2 * m), x(2 * m + 1), 0x31);
        }
        {
            let [a, b, c, d] = &mut lo;
            avx2_permute(a, b, c, d);
            let [a, b, c, d] = &mut hi;
            avx2_permute(a, b, c, d);
        }
        for m in 0..4 {
            q[4 * (2 * m) + j] = _mm256_permute2x128_si256(lo[m], hi[m], 0x20);
            q[4 * (2 * m + 1) + j] = _mm256_permute2x128_si256(lo[m], hi[m], 0x31);
        }
        if j == 0 {
            let word = |v: __m256i| _mm_cvtsi128_si64(_mm256_castsi256_si128(v)) as u64;
            early(first_word(word(q[0]), word(r[0]), out_block, xor_out));
        }
    }
    for i in 0..32 {
        let mut g = _mm256_xor_si256(q[i], r[i]);
        if xor_out {
            g = _mm256_xor_si256(g, _mm256_load_si256(out.add(i)));
        }
        _mm256_store_si256(out.add(i), g);
    }
}

// ---------------------------------------------------------------- SSE2

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

#[target_feature(enable = "sse2")]
pub(super) unsafe fn compress_sse2(
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
    let mut r = [_mm_setzero_si128(); 64];
    for i in 0..64 {
        r[i] = _mm_xor_si128(_mm_load_si128(prev.add(i)), _mm_load_si128(refb.add(i)));
    }
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
