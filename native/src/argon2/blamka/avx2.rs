//! AVX2 compression: four words per 256-bit register, one P per register group. AVX2 has no
//! 64-bit rotate, so rotations by 24 and 16 are byte shuffles and by 32 a dword shuffle.

use super::{first_word, Block};
use std::arch::x86_64::*;

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

/// # Safety
/// See [`super::Compress`]; the CPU must have AVX2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn compress(
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
    let r: [__m256i; 32] =
        std::array::from_fn(|i| _mm256_xor_si256(_mm256_load_si256(prev.add(i)), _mm256_load_si256(refb.add(i))));
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
