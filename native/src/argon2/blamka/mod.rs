//! Argon2's compression function G (RFC 9106 §3.5) built on the BlaMka permutation P, in one file
//! per instruction set: `scalar` (portable, every target), `sse2` (the x86_64 baseline), `avx2`,
//! `avx512` (AVX-512F + VL) and `neon` (aarch64). All give identical results (the unit tests here
//! and `native/tests/kat.rs` compare every path this CPU can run with the scalar one).
//!
//! A path is chosen at run time through an [`Isa`] token: a value that can only be obtained for an
//! instruction set this CPU supports, so calling its compression is sound by construction.

mod scalar;

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
#[cfg(target_arch = "aarch64")]
mod neon;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod pair;
#[cfg(target_arch = "x86_64")]
mod sse2;

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

/// An Argon2 memory block: 1 KiB seen as 128 little-endian 64-bit words.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
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
/// completely before `out` is written, so overlap would not be unsound, only meaningless). The
/// function must come from an [`Isa`] (its instructions are then supported).
pub(crate) type Compress =
    unsafe fn(prev: *const Block, refb: *const Block, out: *mut Block, xor_out: bool, early: &mut dyn FnMut(u64));

/// Hints the CPU to start loading `block` into cache (no effect where unsupported).
#[inline(always)]
pub(crate) fn prefetch(block: *const Block) {
    #[cfg(target_arch = "x86_64")]
    for line in 0..16 {
        // SAFETY: prefetching is a hint and never faults, whatever the address.
        unsafe {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch::<_MM_HINT_T0>((block as *const i8).wrapping_add(64 * line))
        };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = block;
}

/// The compression implementations, fastest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Avx512,
    Avx2,
    Sse2,
    Neon,
    Scalar,
}

const KINDS: [Kind; 5] = [Kind::Avx512, Kind::Avx2, Kind::Sse2, Kind::Neon, Kind::Scalar];

/// A BlaMka implementation this CPU can run (the token: only [`Isa::detect`], [`Isa::available`]
/// and [`Isa::by_name`] make one, after checking the CPU's features).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Isa(Kind);

/// The path forced by [`Isa::force`] (index into KINDS + 1), 0 for none, `UNSET` before the
/// environment has been read.
static FORCED: AtomicU8 = AtomicU8::new(UNSET);
const UNSET: u8 = u8::MAX;

/// Environment variable forcing a path at start-up (`scalar`, `sse2`, `avx2`, `avx512`, `neon`);
/// a name this CPU cannot run is ignored (the best path is used).
pub const FORCE_ENV: &str = "BUNMARK_HASHING_PATH";

impl Isa {
    /// The portable implementation, available everywhere.
    pub const SCALAR: Isa = Isa(Kind::Scalar);

    pub fn name(self) -> &'static str {
        match self.0 {
            Kind::Avx512 => "avx512",
            Kind::Avx2 => "avx2",
            Kind::Sse2 => "sse2",
            Kind::Neon => "neon",
            Kind::Scalar => "scalar",
        }
    }

    /// Whether this CPU has what `kind` needs.
    fn supported(kind: Kind) -> bool {
        match kind {
            #[cfg(target_arch = "x86_64")]
            Kind::Avx512 => is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512vl"),
            #[cfg(target_arch = "x86_64")]
            Kind::Avx2 => is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Kind::Sse2 => true,
            #[cfg(target_arch = "aarch64")]
            Kind::Neon => std::arch::is_aarch64_feature_detected!("neon"),
            Kind::Scalar => true,
            #[allow(unreachable_patterns)] // the other architecture's paths
            _ => false,
        }
    }

    /// Every path this CPU can run, fastest first (scalar last).
    pub fn available() -> Vec<Isa> {
        KINDS.into_iter().filter(|&k| Isa::supported(k)).map(Isa).collect()
    }

    /// The fastest path this CPU can run.
    pub fn detect() -> Isa {
        static BEST: OnceLock<Isa> = OnceLock::new();
        *BEST.get_or_init(|| Isa::available()[0])
    }

    /// The path called `name`, if this CPU can run it.
    pub fn by_name(name: &str) -> Option<Isa> {
        Isa::available().into_iter().find(|isa| isa.name() == name)
    }

    /// The path block digests use: the one forced by [`Isa::force`] or `BUNMARK_HASHING_PATH`,
    /// else the fastest.
    pub fn current() -> Isa {
        let mut forced = FORCED.load(Ordering::Relaxed);
        if forced == UNSET {
            let from_env = std::env::var(FORCE_ENV).ok().and_then(|name| Isa::by_name(&name));
            Isa::force(from_env);
            forced = FORCED.load(Ordering::Relaxed);
        }
        match forced {
            0 => Isa::detect(),
            n => Isa(KINDS[usize::from(n) - 1]),
        }
    }

    /// Makes every later digest use `isa` (None: the fastest again), for tests and benchmarks.
    pub fn force(isa: Option<Isa>) {
        let value = isa.map_or(0, |isa| KINDS.iter().position(|&k| k == isa.0).expect("a known kind") as u8 + 1);
        FORCED.store(value, Ordering::Relaxed);
    }

    pub(crate) fn compress_fn(self) -> Compress {
        match self.0 {
            #[cfg(target_arch = "x86_64")]
            Kind::Avx512 => avx512::compress,
            #[cfg(target_arch = "x86_64")]
            Kind::Avx2 => avx2::compress,
            #[cfg(target_arch = "x86_64")]
            Kind::Sse2 => sse2::compress,
            #[cfg(target_arch = "aarch64")]
            Kind::Neon => neon::compress,
            _ => scalar::compress,
        }
    }

    /// One compression (see [`Compress`]) through this path; returns the word passed to `early`.
    pub fn compress(self, prev: &Block, refb: &Block, out: &mut Block, xor_out: bool) -> u64 {
        let mut first = None;
        // SAFETY: references are valid, aligned and `out` cannot alias the shared inputs; the token
        // guarantees the CPU supports the path.
        unsafe { self.compress_fn()(prev, refb, out, xor_out, &mut |w| first = Some(w)) };
        first.expect("every path reports the first word")
    }
}

/// The CPU features the paths depend on that this CPU has (for reports).
pub fn cpu_features() -> Vec<&'static str> {
    let mut found = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        found.push("sse2");
        let checks = [
            ("avx2", is_x86_feature_detected!("avx2")),
            ("avx512f", is_x86_feature_detected!("avx512f")),
            ("avx512vl", is_x86_feature_detected!("avx512vl")),
        ];
        found.extend(checks.into_iter().filter(|&(_, has)| has).map(|(name, _)| name));
    }
    #[cfg(target_arch = "aarch64")]
    if std::arch::is_aarch64_feature_detected!("neon") {
        found.push("neon");
    }
    found
}

/// The BlaMka multiply-add: a + b + 2 · lo32(a) · lo32(b).
#[inline(always)]
fn mla(a: u64, b: u64) -> u64 {
    let product = (a & 0xffff_ffff).wrapping_mul(b & 0xffff_ffff);
    a.wrapping_add(b).wrapping_add(product.wrapping_mul(2))
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
        let paths = Isa::available();
        assert_eq!(paths.last(), Some(&Isa::SCALAR));
        for seed in 1..20u64 {
            let prev = pseudo_random_block(seed);
            let refb = pseudo_random_block(seed * 1000 + 7);
            let old = pseudo_random_block(seed + 99);
            let mut expected = [old, old];
            Isa::SCALAR.compress(&prev, &refb, &mut expected[0], false);
            Isa::SCALAR.compress(&prev, &refb, &mut expected[1], true);
            for &path in &paths {
                for (i, xor) in [false, true].into_iter().enumerate() {
                    let mut out = old;
                    let early = path.compress(&prev, &refb, &mut out, xor);
                    assert!(out.0 == expected[i].0, "{path:?} xor={xor} seed={seed}");
                    assert_eq!(early, out.0[0], "{path:?} early word");
                }
            }
        }
    }

    #[test]
    fn names_and_forcing() {
        for isa in Isa::available() {
            assert_eq!(Isa::by_name(isa.name()), Some(isa));
        }
        assert_eq!(Isa::by_name("nonsense"), None);
        assert_eq!(Isa::detect(), Isa::available()[0]);
    }
}
