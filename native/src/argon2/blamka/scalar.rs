//! The portable compression: plain 64-bit arithmetic, the reference every other path is checked
//! against.

use super::{first_word, mla, Block};

#[inline(always)]
fn quarter(v: &mut [u64; 16], a: usize, b: usize, c: usize, d: usize) {
    v[a] = mla(v[a], v[b]);
    v[d] = (v[d] ^ v[a]).rotate_right(32);
    v[c] = mla(v[c], v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(24);
    v[a] = mla(v[a], v[b]);
    v[d] = (v[d] ^ v[a]).rotate_right(16);
    v[c] = mla(v[c], v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(63);
}

/// The permutation P on sixteen words (one BLAKE2b round with BlaMka and no message).
#[inline(always)]
fn permute(v: &mut [u64; 16]) {
    quarter(v, 0, 4, 8, 12);
    quarter(v, 1, 5, 9, 13);
    quarter(v, 2, 6, 10, 14);
    quarter(v, 3, 7, 11, 15);
    quarter(v, 0, 5, 10, 15);
    quarter(v, 1, 6, 11, 12);
    quarter(v, 2, 7, 8, 13);
    quarter(v, 3, 4, 9, 14);
}

/// # Safety
/// See [`super::Compress`].
pub(super) unsafe fn compress(
    prev: *const Block,
    refb: *const Block,
    out: *mut Block,
    xor_out: bool,
    early: &mut dyn FnMut(u64),
) {
    let (prev, refb) = (&*prev, &*refb);
    let mut r = Block::ZERO;
    for i in 0..128 {
        r.0[i] = prev.0[i] ^ refb.0[i];
    }
    let mut q = r;
    // P on each row of sixteen consecutive words…
    for row in q.0.chunks_exact_mut(16) {
        let mut v: [u64; 16] = row.try_into().unwrap();
        permute(&mut v);
        row.copy_from_slice(&v);
    }
    // …then on each column: word pairs (2i, 2i+1) of all eight rows.
    for col in 0..8 {
        let index = |k: usize| 16 * (k / 2) + 2 * col + k % 2;
        let mut v: [u64; 16] = std::array::from_fn(|k| q.0[index(k)]);
        permute(&mut v);
        for (k, word) in v.into_iter().enumerate() {
            q.0[index(k)] = word;
        }
        if col == 0 {
            early(first_word(q.0[0], r.0[0], out, xor_out));
        }
    }
    let out = &mut *out;
    for i in 0..128 {
        let g = q.0[i] ^ r.0[i];
        out.0[i] = if xor_out { out.0[i] ^ g } else { g };
    }
}
