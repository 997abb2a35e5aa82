//! Per-path timings of the Argon2 compression, in thread CPU time (steadier than wall time on a shared
//! machine): `cargo run --release --offline --example bench_paths [PATH…]`.
//!
//! For each path this CPU can run (or those named): one compression with its blocks in L1 (pure
//! compute), and the whole block digest (128 MiB, 4 passes: compute plus memory latency), both as
//! the minimum and median of several runs. `BUNMARK_HUGEPAGES=0` puts the arena on small pages.

use bunmark_native::argon2::arena::Arena;
use bunmark_native::argon2::blamka::{Block, Isa};
use bunmark_native::argon2::{block_digest_on, DIGEST_MEMORY_KIB};

/// This thread's CPU time in nanoseconds (Linux CLOCK_THREAD_CPUTIME_ID).
fn thread_cpu_ns() -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut t = Timespec { sec: 0, nsec: 0 };
    // SAFETY: plain system call writing into `t`.
    unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.sec as f64 * 1e9 + t.nsec as f64
}

/// (minimum, median) of `runs` timings of `f`, in nanoseconds.
fn time(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    f(); // warm-up
    let mut v: Vec<f64> = (0..runs)
        .map(|_| {
            let start = thread_cpu_ns();
            f();
            thread_cpu_ns() - start
        })
        .collect();
    v.sort_by(f64::total_cmp);
    (v[0], v[runs / 2])
}

fn main() {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    let paths = Isa::available().into_iter().filter(|isa| wanted.is_empty() || wanted.iter().any(|w| w == isa.name()));
    let mut arena = Arena::new(DIGEST_MEMORY_KIB as usize).expect("128 MiB arena");
    let (mut prev, mut refb) = (Block::ZERO, Block::ZERO);
    for (i, (p, r)) in prev.0.iter_mut().zip(refb.0.iter_mut()).enumerate() {
        *p = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        *r = !*p;
    }
    println!("path     compression (L1, ns/block)   block digest (ms)   [thread CPU time: min / median]");
    for isa in paths {
        const BLOCKS: usize = 100_000;
        let mut out = Block::ZERO;
        let (c_min, c_med) = time(7, || {
            for i in 0..BLOCKS {
                // Each compression depends on the previous one, as in Argon2.
                prev.0[0] ^= isa.compress(&prev, &refb, &mut out, i % 2 == 1);
            }
        });
        let (d_min, d_med) = time(9, || {
            block_digest_on(isa, &[7u8; 100], &mut arena);
        });
        println!(
            "{:8} {:>8.1} / {:<8.1}             {:>6.1} / {:<6.1}",
            isa.name(),
            c_min / BLOCKS as f64,
            c_med / BLOCKS as f64,
            d_min / 1e6,
            d_med / 1e6
        );
    }
}
