//! AVX-512 compression (AVX-512F + VL): two P permutations per group of four 512-bit registers.
//!
//! Where the gain over AVX2 comes from:
//! * `vprorq` (`_mm512_ror_epi64`): each of G's four rotations is one instruction on the ALU ports,
//!   where AVX2 needs a byte/dword shuffle (24, 16, 32) or shift+add+xor (63); the shuffles
//!   competed with the diagonal permutes for the single shuffle port.
//! * `vpmuludq` on 512-bit registers: one multiply (and three adds) per eight words instead of four,
//!   so P runs on twice the data per instruction.
//! * Fewer shuffles: the 1 KiB block is seen as an 8 × 8 matrix of 128-bit cells (row k, column
//!   pair i = words 16k + 2i, 16k + 2i + 1). A register holds a 2 × 2 tile of cells, which is
//!   exactly one operand of two row permutations (its 256-bit halves) and, after one 128-bit lane
//!   swap (`vshufi64x2`), of two column permutations. The diagonal step turns b, c, d with `vpermq`
//!   (which acts within each 256-bit half) and never turns them back: the shuffle that follows
//!   anyway (the column swap, the row write-back) becomes a `vpermq`/`vpermt2q` with indices that
//!   also undo the turn. Per block: 16 shuffles to form tiles, 16 for the column phase, 16 to write
//!   rows back and 24 diagonal turns — 72 where AVX2 needs about 250, and two fewer shuffles on each
//!   permutation's dependency chain (compression alone, L1-resident: 137 ns per block against
//!   AVX2's 271 ns on the shared 2-core development machine).
//! * `vpternlogq` merges the final `q ^ r ^ out` of later passes into one instruction.
//!
//! A block digest is now bound by memory latency: each block's reference is known only once the
//! previous block's first word is (midway through its compression), so every block waits for one
//! random 1 KiB fetch that could not start earlier. `examples/memory_floor.rs` measures that floor
//! (a chase through random whole blocks, no arithmetic); the digest runs at 1.02–1.04× it on the
//! development machine, the arithmetic hidden under the fetch. Two digests interleaved block by block
//! on one thread took twice as long as one (a block is sixteen line fetches, and a core keeps only
//! so many in flight), so batches go on separate cores.

use super::{first_word, Block};
use std::arch::x86_64::*;

/// The BlaMka multiply-add on eight words: a + b + 2 · lo32(a) · lo32(b).
#[inline(always)]
unsafe fn mla(a: __m512i, b: __m512i) -> __m512i {
    let p = _mm512_mul_epu32(a, b);
    _mm512_add_epi64(_mm512_add_epi64(a, b), _mm512_add_epi64(p, p))
}

/// G on four columns of each of two P instances (the 256-bit halves).
#[inline(always)]
unsafe fn gb(a: &mut __m512i, b: &mut __m512i, c: &mut __m512i, d: &mut __m512i) {
    *a = mla(*a, *b);
    *d = _mm512_ror_epi64::<32>(_mm512_xor_si512(*d, *a));
    *c = mla(*c, *d);
    *b = _mm512_ror_epi64::<24>(_mm512_xor_si512(*b, *c));
    *a = mla(*a, *b);
    *d = _mm512_ror_epi64::<16>(_mm512_xor_si512(*d, *a));
    *c = mla(*c, *d);
    *b = _mm512_ror_epi64::<63>(_mm512_xor_si512(*b, *c));
}

/// P on two sixteen-word inputs at once: in each 256-bit half, a = words 0..4, b = 4..8,
/// c = 8..12, d = 12..16 of one input. Returns b, c, d still turned left by 1, 2, 3 words (within
/// each half) for the diagonal step: the caller's next shuffle, which it needs anyway, turns them
/// back at no cost (see `unturn`).
#[inline(always)]
unsafe fn permute2_turned(v: &mut [__m512i; 4]) {
    let [mut a, mut b, mut c, mut d] = *v;
    gb(&mut a, &mut b, &mut c, &mut d);
    // Diagonals: turn the words of b, c, d left by 1, 2, 3 (vpermq acts within each 256-bit half).
    b = _mm512_permutex_epi64::<0b00_11_10_01>(b);
    c = _mm512_permutex_epi64::<0b01_00_11_10>(c);
    d = _mm512_permutex_epi64::<0b10_01_00_11>(d);
    gb(&mut a, &mut b, &mut c, &mut d);
    *v = [a, b, c, d];
}

/// `vpermq`/`vpermt2q` indices picking, for output word k, word `order[k]` of a register whose
/// 256-bit halves were turned left by `turn` words (index 8 and up: the second register).
const fn unturn(order: [i64; 8], turn: i64) -> [i64; 8] {
    let mut idx = [0; 8];
    let mut k = 0;
    while k < 8 {
        let m = order[k];
        idx[k] = (m & !3) + ((m & 3) + 4 - turn) % 4;
        k += 1;
    }
    idx
}

/// Word orders (in 64-bit words) matching the `vshufi64x2` selectors below, for turned registers.
const SWAP_MIDDLE_WORDS: [i64; 8] = [0, 1, 4, 5, 2, 3, 6, 7];
const EVEN_CELL_WORDS: [i64; 8] = [0, 1, 4, 5, 8, 9, 12, 13];
const ODD_CELL_WORDS: [i64; 8] = [2, 3, 6, 7, 10, 11, 14, 15];
const SWAP_UNTURN: [[i64; 8]; 4] = [
    unturn(SWAP_MIDDLE_WORDS, 0),
    unturn(SWAP_MIDDLE_WORDS, 1),
    unturn(SWAP_MIDDLE_WORDS, 2),
    unturn(SWAP_MIDDLE_WORDS, 3),
];
const EVEN_UNTURN: [[i64; 8]; 4] =
    [unturn(EVEN_CELL_WORDS, 0), unturn(EVEN_CELL_WORDS, 1), unturn(EVEN_CELL_WORDS, 2), unturn(EVEN_CELL_WORDS, 3)];
const ODD_UNTURN: [[i64; 8]; 4] =
    [unturn(ODD_CELL_WORDS, 0), unturn(ODD_CELL_WORDS, 1), unturn(ODD_CELL_WORDS, 2), unturn(ODD_CELL_WORDS, 3)];

#[inline(always)]
unsafe fn indices(idx: &[i64; 8]) -> __m512i {
    _mm512_loadu_si512(idx.as_ptr() as *const _)
}

// `vshufi64x2` selectors (cells are 128-bit lanes): result = x[i], x[j], y[k], y[l].
/// x[0], x[1], y[0], y[1]
const LOW_PAIRS: i32 = 0b01_00_01_00;
/// x[2], x[3], y[2], y[3]
const HIGH_PAIRS: i32 = 0b11_10_11_10;
/// x[0], x[2], x[1], x[3] (with y = x: the 2 × 2 tile transposed)
const SWAP_MIDDLE: i32 = 0b11_01_10_00;
/// x[0], x[2], y[0], y[2]
const EVEN_CELLS: i32 = 0b10_00_10_00;
/// x[1], x[3], y[1], y[3]
const ODD_CELLS: i32 = 0b11_01_11_01;

/// # Safety
/// See [`super::Compress`]; the CPU must have AVX-512F and AVX-512VL.
#[target_feature(enable = "avx512f,avx512vl")]
pub(super) unsafe fn compress(
    prev: *const Block,
    refb: *const Block,
    out: *mut Block,
    xor_out: bool,
    early: &mut dyn FnMut(u64),
) {
    let out_block = out as *const Block;
    let prev = prev as *const __m512i;
    let refb = refb as *const __m512i;
    let out = out as *mut __m512i;
    // r[2k + h] = cells (k, 4h .. 4h + 4): row k's words 8h .. 8h + 8.
    let r: [__m512i; 16] =
        std::array::from_fn(|i| _mm512_xor_si512(_mm512_load_si512(prev.add(i)), _mm512_load_si512(refb.add(i))));
    // t[4p + g] = tile (rows 2p, 2p + 1) × (column pairs 2g, 2g + 1), cells in the order
    // (2p, 2g), (2p, 2g + 1), (2p + 1, 2g), (2p + 1, 2g + 1): for each row pair p, registers
    // t[4p .. 4p + 4] are a, b, c, d of the two rows' permutations.
    let mut t = [_mm512_setzero_si512(); 16];
    for p in 0..4 {
        let (upper, lower) = (4 * p, 4 * p + 2);
        t[4 * p] = _mm512_shuffle_i64x2::<LOW_PAIRS>(r[upper], r[lower]);
        t[4 * p + 1] = _mm512_shuffle_i64x2::<HIGH_PAIRS>(r[upper], r[lower]);
        t[4 * p + 2] = _mm512_shuffle_i64x2::<LOW_PAIRS>(r[upper + 1], r[lower + 1]);
        t[4 * p + 3] = _mm512_shuffle_i64x2::<HIGH_PAIRS>(r[upper + 1], r[lower + 1]);
    }
    for p in 0..4 {
        permute2_turned(&mut *(t.as_mut_ptr().add(4 * p) as *mut [__m512i; 4]));
    }
    // Column pairs 2g and 2g + 1: P's a, b, c, d are rows (0, 1), (2, 3), (4, 5), (6, 7), i.e. the
    // transposed tiles t[g], t[4 + g], t[8 + g], t[12 + g]; s[4g + p] holds them, cells in the order
    // (2p, 2g), (2p + 1, 2g), (2p, 2g + 1), (2p + 1, 2g + 1).
    let mut s = [_mm512_setzero_si512(); 16];
    for col in 0..4 {
        // (t[4p + col] is role `col` of its row permutation, so turned by `col`.)
        let mut v: [__m512i; 4] = std::array::from_fn(|p| {
            let tile = t[4 * p + col];
            match col {
                0 => _mm512_shuffle_i64x2::<SWAP_MIDDLE>(tile, tile),
                _ => _mm512_permutexvar_epi64(indices(&SWAP_UNTURN[col]), tile),
            }
        });
        permute2_turned(&mut v);
        s[4 * col..4 * col + 4].copy_from_slice(&v);
        if col == 0 {
            let word = |v: __m512i| _mm_cvtsi128_si64(_mm512_castsi512_si128(v)) as u64;
            early(first_word(word(s[0]), word(r[0]), out_block, xor_out));
        }
    }
    // Back to rows: row 2p's cells 4h .. 4h + 4 are the even cells of s[4(2h) + p], s[4(2h + 1) + p],
    // row 2p + 1's the odd ones.
    for p in 0..4 {
        for h in 0..2 {
            // (both are role p of their column permutations, so turned by p)
            let (x, y) = (s[8 * h + p], s[8 * h + 4 + p]);
            let rows = match p {
                0 => [
                    (4 * p + h, _mm512_shuffle_i64x2::<EVEN_CELLS>(x, y)),
                    (4 * p + 2 + h, _mm512_shuffle_i64x2::<ODD_CELLS>(x, y)),
                ],
                _ => [
                    (4 * p + h, _mm512_permutex2var_epi64(x, indices(&EVEN_UNTURN[p]), y)),
                    (4 * p + 2 + h, _mm512_permutex2var_epi64(x, indices(&ODD_UNTURN[p]), y)),
                ],
            };
            for (i, q) in rows {
                let g = if xor_out {
                    // q ^ r ^ out in one instruction (truth table 0x96: odd parity).
                    _mm512_ternarylogic_epi64::<0x96>(q, r[i], _mm512_load_si512(out.add(i)))
                } else {
                    _mm512_xor_si512(q, r[i])
                };
                _mm512_store_si512(out.add(i), g);
            }
        }
    }
}
