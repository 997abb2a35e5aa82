//! Where block digests run, with bounded, reused memory.
//!
//! * `digest` (the JavaScript thread's synchronous call) uses one arena kept for the process.
//! * `digest_batch` hands each header to a persistent pool of worker threads. Threads are started
//!   lazily, at most `available_parallelism` of them, and each owns one arena for its lifetime; so
//!   memory never exceeds one 128 MiB arena per thread plus the synchronous one, whatever the
//!   number of batches in flight (extra work simply queues). The worker that finishes a batch's
//!   last header reports the whole batch; no other thread ever waits for it.

use super::arena::Arena;
use super::{block_digest, DIGEST_MEMORY_KIB};
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
    catch_unwind(AssertUnwindSafe(|| block_digest(header, arena))).map_err(|_| "block digest failed")
}

/// One block digest on the calling thread, in the process-wide synchronous arena.
pub fn digest(header: &[u8]) -> Result<Digest, &'static str> {
    static ARENA: Mutex<Option<Arena>> = Mutex::new(None);
    digest_in(&mut lock(&ARENA), header)
}

/// What receives a batch's digests (or its first error, in header order), on whichever thread ends
/// the batch: a worker, or the submitting thread when nothing could be queued.
pub type BatchDone = Box<dyn FnOnce(Result<Vec<Digest>, &'static str>) + Send>;

/// One batch's results, filled in by the workers; the last one hands them to `done`.
struct Batch {
    progress: Mutex<Progress>,
}

struct Progress {
    results: Vec<Option<Result<Digest, &'static str>>>,
    remaining: usize,
    done: Option<BatchDone>,
}

impl Batch {
    fn settle(&self, i: usize, result: Result<Digest, &'static str>) {
        let finished = {
            let mut progress = lock(&self.progress);
            progress.results[i] = Some(result);
            progress.remaining -= 1;
            if progress.remaining > 0 {
                return;
            }
            let results = std::mem::take(&mut progress.results);
            progress.done.take().map(|done| (done, results))
        };
        // Outside the lock: `done` may take a while (copying, handing over to JavaScript).
        if let Some((done, results)) = finished {
            done(results.into_iter().map(|r| r.unwrap_or(Err("block digest missing"))).collect());
        }
    }
}

/// Block digests of all `headers`, computed in parallel on the worker pool and passed, in order, to
/// `done`. Returns at once: no thread waits for the batch (the caller is the JavaScript thread).
pub fn digest_batch(headers: Vec<Vec<u8>>, done: BatchDone) {
    let count = headers.len();
    if count == 0 {
        return done(Ok(Vec::new()));
    }
    let progress = Progress { results: vec![None; count], remaining: count, done: Some(done) };
    let batch = Arc::new(Batch { progress: Mutex::new(progress) });
    for (i, header) in headers.into_iter().enumerate() {
        let batch_for_job = Arc::clone(&batch);
        let job: Job = Box::new(move |arena| batch_for_job.settle(i, digest_in(arena, &header)));
        // A header that cannot be queued fails the batch; those already queued still finish first.
        if let Err(e) = submit(job) {
            batch.settle(i, Err(e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::blake2b::hex;
    use std::sync::mpsc;

    /// `digest_batch`, waited for.
    fn batch_now(headers: Vec<Vec<u8>>) -> Result<Vec<Digest>, &'static str> {
        let (tx, rx) = mpsc::channel();
        digest_batch(headers, Box::new(move |r| tx.send(r).expect("receiver alive")));
        rx.recv().expect("the batch ends")
    }

    #[test]
    fn digests_match_bitmarkd_and_batch_equals_single() {
        // blockdigest/digest_test.go TestDigest: "hello world"
        let single = digest(b"hello world").unwrap();
        assert_eq!(hex(&single), "331f5a9a5daf1f61881b664384627f038a4bde1a81092d8e843eb55cc27ba1f8");
        let batch = batch_now(vec![b"hello world".to_vec(), b"x".to_vec()]).unwrap();
        assert_eq!(batch[0], single);
        assert_eq!(batch[1], digest(b"x").unwrap());
        assert!(batch_now(vec![]).unwrap().is_empty());
        assert!(max_threads() >= 1);
    }
}
