//! How close the block digest runs to this machine's memory latency:
//! `cargo run --release --offline --example memory_floor [ROUNDS] [--json]` (`make bench` runs it beside the
//! digest benchmark and checks the digest against it).
//!
//! Argon2d with one lane cannot overlap its memory reads: block i's reference is picked by block
//! i − 1's first word, so each block waits for one random 1 KiB read from DRAM that could not start
//! earlier. The floor is measured here with the same access pattern and no arithmetic: a chase
//! through random whole blocks of a 128 MiB arena, where the next block's index depends on all
//! sixteen cache lines of the current one. Chase and digest are timed alone and on two threads at
//! once (each with its own arena), interleaved round by round so that the guest's speed drifting
//! between runs affects both alike; medians of the rounds, wall-clock time.

use bunmark_native::argon2::arena::Arena;
use bunmark_native::argon2::blamka::Isa;
use bunmark_native::argon2::{block_digest_on, DIGEST_MEMORY_KIB};
use std::time::Instant;

const BLOCKS: usize = DIGEST_MEMORY_KIB as usize;
/// Blocks a digest computes (4 passes, the first two blocks of pass 0 come from H').
const DIGEST_BLOCKS: f64 = (4 * BLOCKS - 2) as f64;
const CHASE_STEPS: usize = 1 << 20;

/// An arena whose blocks form one random cycle: word 0 holds the next block's index, and words
/// 8, 16 … 120 (the first word of each of the other fifteen cache lines) hold zero, which the chase adds in, so
/// the next address depends on every line of the block.
fn chase_arena(seed: u64) -> Arena {
    let mut arena = Arena::new(BLOCKS).expect("128 MiB arena");
    let blocks = arena.blocks(BLOCKS);
    let mut order: Vec<u32> = (0..BLOCKS as u32).collect();
    let mut x = seed | 1;
    // Sattolo's shuffle: a single cycle through every block.
    for i in (1..BLOCKS).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        order.swap(i, (x % i as u64) as usize);
    }
    // Block order[k] points to order[k + 1]; the other words stay zero (a fresh arena).
    for k in 0..BLOCKS {
        blocks[order[k] as usize].0[0] = u64::from(order[(k + 1) % BLOCKS]);
    }
    arena
}

/// Nanoseconds per step of the chase (`black_box` keeps every step).
fn chase(arena: &mut Arena) -> f64 {
    let blocks = arena.blocks(BLOCKS);
    let mut at = 0u64;
    let start = Instant::now();
    for _ in 0..CHASE_STEPS {
        let block = &blocks[at as usize].0;
        let zeros: u64 = (1..16).map(|line| block[8 * line]).fold(0, u64::wrapping_add);
        at = std::hint::black_box(block[0].wrapping_add(zeros));
    }
    start.elapsed().as_nanos() as f64 / CHASE_STEPS as f64
}

/// Milliseconds per block digest.
fn digest(isa: Isa, arena: &mut Arena, seed: u8) -> f64 {
    let start = Instant::now();
    std::hint::black_box(block_digest_on(isa, &[seed; 100], arena));
    start.elapsed().as_secs_f64() * 1e3
}

/// Runs `job` once on each of two threads at the same time, one arena each; the mean of their times.
fn both<F: Fn(&mut Arena) -> f64 + Sync>(arenas: &mut [Arena; 2], job: F) -> f64 {
    let [a, b] = arenas;
    let (x, y) = std::thread::scope(|s| {
        let other = s.spawn(|| job(b));
        (job(a), other.join().expect("benchmark thread"))
    });
    (x + y) / 2.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(7).max(1);
    let json = args.iter().any(|a| a == "--json");
    let isa = Isa::current();
    let mut chases = [chase_arena(1), chase_arena(2)];
    let mut digests = [Arena::new(BLOCKS).expect("arena"), Arena::new(BLOCKS).expect("arena")];
    // Warm-up: fault every page in and let the kernel assemble huge pages.
    chase(&mut chases[0]);
    digest(isa, &mut digests[0], 1);
    both(&mut digests, |a| digest(isa, a, 2));

    let mut rows: [Vec<f64>; 4] = Default::default();
    for _ in 0..rounds {
        rows[0].push(chase(&mut chases[0]));
        rows[1].push(both(&mut chases, chase));
        rows[2].push(digest(isa, &mut digests[0], 3) * 1e6 / DIGEST_BLOCKS);
        rows[3].push(both(&mut digests, |a| digest(isa, a, 4)) * 1e6 / DIGEST_BLOCKS);
    }
    let [chase1, chase2, digest1, digest2] = rows.map(median);
    let pages = if std::env::var("BUNMARK_HUGEPAGES").is_ok_and(|v| v == "0") { "small" } else { "huge" };
    let ms = |ns: f64| ns * DIGEST_BLOCKS / 1e6;
    if json {
        println!(
            "{{\"path\":\"{}\",\"pages\":\"{pages}\",\"rounds\":{rounds},\"chase_ms\":{:.2},\"chase2_ms\":{:.2},\"digest_ms\":{:.2},\"digest2_ms\":{:.2}}}",
            isa.name(),
            ms(chase1),
            ms(chase2),
            ms(digest1),
            ms(digest2)
        );
        return;
    }
    println!("memory floor: {} path, {pages} pages, {rounds} rounds (medians, wall time)", isa.name());
    println!("                                   ns/block   ms per digest   2 threads / 1");
    println!("chase of whole blocks, 1 thread  {chase1:>9.1}   {:>13.1}", ms(chase1));
    println!("chase of whole blocks, 2 threads {chase2:>9.1}   {:>13.1}   {:>12.2}×", ms(chase2), chase2 / chase1);
    println!("block digest, 1 thread           {digest1:>9.1}   {:>13.1}", ms(digest1));
    println!("block digest, 2 threads          {digest2:>9.1}   {:>13.1}   {:>12.2}×", ms(digest2), digest2 / digest1);
    println!("digest / chase: {:.2}× alone, {:.2}× on 2 threads", digest1 / chase1, digest2 / chase2);
}
