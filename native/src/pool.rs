//! Where block digests run, with bounded, reused memory.
//!
//! * `digest` (the JavaScript thread's synchronous call) uses one arena kept for the process.
//! * `digest_batch` hands each header to a persistent pool of worker threads. Threads are started
//!   lazily, at most `available_parallelism` of them, and each owns one arena for its lifetime; so
//!   memory never exceeds one 128 MiB arena per thread plus the synchronous one, whatever the
//!   number of batches in flight (extra work simply queues).

use crate::arena::Arena;
use crate::argon2::{self, DIGEST_MEMORY_KIB};
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};

pub type Digest = [u8; 32];

type Job = Box<dyn FnOnce(&mut Option<Arena>) + Send>;

struct Pool {
    state: Mutex<State>,
    wake: Condvar,
    max_threads: usize,
}

struct State {
    jobs: VecDeque<Job>,
    threads: usize,
    idle: usize,
}

/// Locks ignoring poisoning: no code panics while holding these locks (jobs run unlocked and
/// catch their own panics), and the protected data stays consistent either way.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| Pool {
        state: Mutex::new(State { jobs: VecDeque::new(), threads: 0, idle: 0 }),
        wake: Condvar::new(),
        max_threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
    })
}

/// Number of worker threads the pool may use.
pub fn max_threads() -> usize {
    pool().max_threads
}

fn submit(job: Job) -> Result<(), &'static str> {
    let pool = pool();
    let mut state = lock(&pool.state);
    state.jobs.push_back(job);
    if state.jobs.len() > state.idle && state.threads < pool.max_threads {
        let spawned = std::thread::Builder::new().name("bunmark-digest".into()).spawn(move || worker(pool));
        match spawned {
            Ok(_) => state.threads += 1,
            Err(_) if state.threads == 0 => {
                state.jobs.pop_back();
                return Err("cannot start a digest worker thread");
            }
            Err(_) => {} // the existing threads will get to it
        }
    }
    pool.wake.notify_one();
    Ok(())
}

/// Digest workers yield to the JavaScript thread (nice +5 on Linux, where nice values are
/// per thread): a node's event loop must stay responsive while block digests run.
#[cfg(target_os = "linux")]
fn lower_priority() {
    extern "C" {
        fn setpriority(which: std::ffi::c_int, who: std::ffi::c_uint, prio: std::ffi::c_int) -> std::ffi::c_int;
    }
    const PRIO_PROCESS: std::ffi::c_int = 0;
    // SAFETY: plain system call on the calling thread (who = 0); failure leaves the priority as is.
    unsafe { setpriority(PRIO_PROCESS, 0, WORKER_NICE) };
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

const WORKER_NICE: std::ffi::c_int = 5;

fn worker(pool: &Pool) {
    lower_priority();
    let mut arena = None;
    loop {
        let job = {
            let mut state = lock(&pool.state);
            loop {
                if let Some(job) = state.jobs.pop_front() {
                    break job;
                }
                state.idle += 1;
                state = pool.wake.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
                state.idle -= 1;
            }
        };
        job(&mut arena);
    }
}

/// The block digest of `header` in `arena`, creating the arena on first use.
fn digest_in(arena: &mut Option<Arena>, header: &[u8]) -> Result<Digest, &'static str> {
    if arena.is_none() {
        *arena = Some(Arena::new(DIGEST_MEMORY_KIB as usize).ok_or("cannot allocate the 128 MiB Argon2 arena")?);
    }
    let arena = arena.as_mut().expect("arena created above");
    catch_unwind(AssertUnwindSafe(|| argon2::block_digest(header, arena))).map_err(|_| "block digest failed")
}

/// One block digest on the calling thread, in the process-wide synchronous arena.
pub fn digest(header: &[u8]) -> Result<Digest, &'static str> {
    static ARENA: Mutex<Option<Arena>> = Mutex::new(None);
    digest_in(&mut lock(&ARENA), header)
}

/// One batch's results, filled in by the workers.
struct Batch {
    progress: Mutex<Progress>,
    done: Condvar,
}

struct Progress {
    results: Vec<Option<Result<Digest, &'static str>>>,
    remaining: usize,
}

/// Block digests of all `headers`, in order, computed in parallel on the worker pool; blocks the
/// calling thread (an N-API async-work thread, never the JavaScript thread) until all are done.
pub fn digest_batch(headers: Vec<Vec<u8>>) -> Result<Vec<Digest>, &'static str> {
    let count = headers.len();
    let progress = Progress { results: vec![None; count], remaining: count };
    let batch = Arc::new(Batch { progress: Mutex::new(progress), done: Condvar::new() });
    for (i, header) in headers.into_iter().enumerate() {
        let batch_for_job = Arc::clone(&batch);
        let job: Job = Box::new(move |arena| {
            let result = digest_in(arena, &header);
            let mut progress = lock(&batch_for_job.progress);
            progress.results[i] = Some(result);
            progress.remaining -= 1;
            if progress.remaining == 0 {
                batch_for_job.done.notify_all();
            }
        });
        // On failure, jobs already queued still finish and write into `batch`, which they keep alive.
        submit(job)?;
    }
    let mut progress = lock(&batch.progress);
    while progress.remaining > 0 {
        progress = batch.done.wait(progress).unwrap_or_else(|poisoned| poisoned.into_inner());
    }
    progress.results.iter_mut().map(|r| r.take().unwrap_or(Err("block digest missing"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blake2b::hex;

    #[test]
    fn digests_match_bitmarkd_and_batch_equals_single() {
        // blockdigest/digest_test.go TestDigest: "hello world"
        let single = digest(b"hello world").unwrap();
        assert_eq!(hex(&single), "331f5a9a5daf1f61881b664384627f038a4bde1a81092d8e843eb55cc27ba1f8");
        let batch = digest_batch(vec![b"hello world".to_vec(), b"x".to_vec()]).unwrap();
        assert_eq!(batch[0], single);
        assert_eq!(batch[1], digest(b"x").unwrap());
        assert!(digest_batch(vec![]).unwrap().is_empty());
        assert!(max_threads() >= 1);
    }
}
