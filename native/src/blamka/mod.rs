//! Argon2's compression function G (RFC 9106 §3.5) built on the BlaMka permutation P.
//!
//! Three implementations with identical results: AVX2 and SSE2 (x86_64, chosen at run time) and a
//! portable scalar one for every other target. Only `x86.rs` contains architecture-specific code.

#[cfg(target_arch = "x86_64")]
mod x86;

/// An Argon2 memory block: 1 KiB seen as 128 little-endian 64-bit words.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
pub struct Block(pub [u64; 128]);

impl Block {
    pub const ZERO: Block = Block([0; 128]);
}

/// `out = G(prev, refb)` when `xor_out` is false, `out ^= G(prev, refb)` when true (Argon2 v1.3
/// passes after the first).
///
/// `early` is called once, midway, with the first word of the new block: in Argon2d that word
/// picks the next block's reference, so the caller can prefetch it while the rest is computed.
///
/// # Safety
/// The three pointers must be valid and aligned; `out` may equal neither input (inputs are read
/// completely before `out` is written, so overlap would not be unsound, only meaningless).
pub type Compress =
    unsafe fn(prev: *const Block, refb: *const Block, out: *mut Block, xor_out: bool, early: &mut dyn FnMut(u64));

/// Hints the CPU to start loading `block` into cache (no effect where unsupported).
#[inline(always)]
pub fn prefetch(block: *const Block) {
    #[cfg(target_arch = "x86_64")]
    x86::prefetch(block);
    #[cfg(not(target_arch = "x86_64"))]
    let _ = block;
}

/// The compression implementations, fastest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)] // each architecture selects only its own variants (the unit tests use all)
pub enum Path {
    Avx2,
    Sse2,
    Scalar,
}

impl Path {
    #[cfg_attr(test, allow(dead_code))] // used by the exports only
    pub fn name(self) -> &'static str {
        match self {
            Path::Avx2 => "avx2",
            Path::Sse2 => "sse2",
            Path::Scalar => "scalar",
        }
    }

    /// The best path this CPU supports.
    pub fn detect() -> Path {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                return Path::Avx2;
            }
            Path::Sse2
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            Path::Scalar
        }
    }

    /// Paths usable on this CPU (unit tests compare them with each other).
    #[cfg(test)]
    pub fn available() -> Vec<Path> {
        [Path::Avx2, Path::Sse2, Path::Scalar]
            .into_iter()
            .filter(|&p| {
                p == Path::Scalar || cfg!(target_arch = "x86_64") && (p != Path::Avx2 || Path::detect() == Path::Avx2)
            })
            .collect()
    }

    pub fn compress(self) -> Compress {
        match self {
            #[cfg(target_arch = "x86_64")]
            Path::Avx2 => x86::compress_avx2,
            #[cfg(target_arch = "x86_64")]
            Path::Sse2 => x86::compress_sse2,
            _ => compress_scalar,
        }
    }
}

/// The BlaMka multiply-add: a + b + 2 · lo32(a) · lo32(b).
#[inline(always)]
fn mla(a: u64, b: u64) -> u64 {
    let product = (a & 0xffff_ffff).wrapping_mul(b & 0xffff_ffff);
    a.wrapping_add(b).wrapping_add(product.wrapping_mul(2))
}

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

/// The first word of the new block (for `early`) from word 0 of P's output and of `prev ^ refb`,
/// once the first column group is finished; every compression path computes it here.
///
/// # Safety
/// `out` must be valid and aligned (it is read only when `xor_out`).
#[inline(always)]
unsafe fn first_word(q0: u64, r0: u64, out: *const Block, xor_out: bool) -> u64 {
    q0 ^ r0 ^ if xor_out { (*out).0[0] } else { 0 }
}

unsafe fn compress_scalar(
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
        let mut v = [0u64; 16];
        for k in 0..16 {
            v[k] = q.0[index(k)];
        }
        permute(&mut v);
        for k in 0..16 {
            q.0[index(k)] = v[k];
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudo_random_block(seed: u64) -> Block {
        let mut b = Block::ZERO;
        let mut x = seed;
        for w in b.0.iter_mut() {
            // xorshift64*: any fixed sequence will do
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            *w = x.wrapping_mul(0x2545f4914f6cdd1d);
        }
        b
    }

    #[test]
    fn all_paths_agree() {
        let paths = Path::available();
        assert!(paths.contains(&Path::Scalar));
        for seed in 1..20u64 {
            let prev = pseudo_random_block(seed);
            let refb = pseudo_random_block(seed * 1000 + 7);
            let old = pseudo_random_block(seed + 99);
            let mut expected = [old, old];
            unsafe {
                compress_scalar(&prev, &refb, &mut expected[0], false, &mut |_| {});
                compress_scalar(&prev, &refb, &mut expected[1], true, &mut |_| {});
            }
            for &path in &paths {
                for (i, xor) in [false, true].into_iter().enumerate() {
                    let mut out = old;
                    let mut early = Vec::new();
                    unsafe { path.compress()(&prev, &refb, &mut out, xor, &mut |w| early.push(w)) };
                    assert!(out.0 == expected[i].0, "{path:?} xor={xor} seed={seed}");
                    assert_eq!(early, [out.0[0]], "{path:?} early word");
                }
            }
        }
    }
}
