//! Block arenas: large, zero-initialised, 2 MiB-aligned memory for Argon2.
//!
//! On Linux an arena is an anonymous mapping advised with MADV_HUGEPAGE: Argon2d's random reference
//! reads then hit far fewer TLB misses (`BUNMARK_HUGEPAGES=0` advises MADV_NOHUGEPAGE instead, to
//! measure the difference). Elsewhere it comes from the global allocator. Arenas are meant to be kept
//! and reused (one per worker thread), never allocated per digest; they are zero only when fresh
//! (the kernel's zero pages) and never cleared again, since Argon2 writes every block before
//! reading it.

use super::blamka::Block;

pub struct Arena {
    blocks: *mut Block,
    len: usize,
    mapping: Mapping,
}

// The arena owns its memory exclusively; moving it to another thread is fine.
unsafe impl Send for Arena {}

impl Arena {
    /// An arena of `len` blocks, or None when the memory cannot be had.
    pub fn new(len: usize) -> Option<Arena> {
        let bytes = len.checked_mul(std::mem::size_of::<Block>())?;
        let (blocks, mapping) = Mapping::new(bytes)?;
        Some(Arena { blocks: blocks as *mut Block, len, mapping })
    }

    /// The first `len` blocks. Contents are whatever the previous user left (zero when fresh):
    /// Argon2 writes every block before reading it.
    pub fn blocks(&mut self, len: usize) -> &mut [Block] {
        assert!(len <= self.len);
        // SAFETY: the memory is owned, initialised (zeroed at creation) and `len` is in bounds.
        unsafe { std::slice::from_raw_parts_mut(self.blocks, len) }
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        self.mapping.release();
    }
}

const HUGE_PAGE: usize = 2 << 20;

#[cfg(target_os = "linux")]
mod os {
    use std::ffi::{c_int, c_void};

    extern "C" {
        pub fn mmap(addr: *mut c_void, len: usize, prot: c_int, flags: c_int, fd: c_int, off: i64) -> *mut c_void;
        pub fn munmap(addr: *mut c_void, len: usize) -> c_int;
        pub fn madvise(addr: *mut c_void, len: usize, advice: c_int) -> c_int;
    }

    pub const PROT_READ_WRITE: c_int = 0x1 | 0x2;
    pub const MAP_PRIVATE_ANONYMOUS: c_int = 0x02 | 0x20;
    pub const MADV_HUGEPAGE: c_int = 14;
    pub const MADV_NOHUGEPAGE: c_int = 15;
}

/// Environment variable: `0` keeps arenas on small pages (for comparisons); anything else or unset
/// asks for transparent huge pages.
pub const HUGEPAGES_ENV: &str = "BUNMARK_HUGEPAGES";

#[cfg(target_os = "linux")]
fn huge_pages_wanted() -> bool {
    std::env::var_os(HUGEPAGES_ENV).is_none_or(|v| v != "0")
}

/// Where an arena's memory came from, for releasing it.
#[cfg(target_os = "linux")]
struct Mapping {
    base: *mut u8,
    len: usize,
}

#[cfg(target_os = "linux")]
impl Mapping {
    fn new(bytes: usize) -> Option<(*mut u8, Mapping)> {
        // Over-map by one huge page so the arena can start on a huge-page boundary.
        let len = bytes.checked_add(HUGE_PAGE)?;
        // SAFETY: a fresh private anonymous mapping; the result is checked before use.
        unsafe {
            let base = os::mmap(std::ptr::null_mut(), len, os::PROT_READ_WRITE, os::MAP_PRIVATE_ANONYMOUS, -1, 0);
            if base as isize == -1 || base.is_null() {
                return None;
            }
            let base = base as *mut u8;
            let start = base.add((HUGE_PAGE - base as usize % HUGE_PAGE) % HUGE_PAGE);
            // Advisory only: failure (e.g. no THP support) just means small pages.
            let advice = if huge_pages_wanted() { os::MADV_HUGEPAGE } else { os::MADV_NOHUGEPAGE };
            os::madvise(start as *mut _, bytes, advice);
            Some((start, Mapping { base, len }))
        }
    }

    fn release(&mut self) {
        // SAFETY: exactly the mapping created in `new`.
        unsafe { os::munmap(self.base as *mut _, self.len) };
    }
}

#[cfg(not(target_os = "linux"))]
struct Mapping {
    ptr: *mut u8,
    layout: std::alloc::Layout,
}

#[cfg(not(target_os = "linux"))]
impl Mapping {
    fn new(bytes: usize) -> Option<(*mut u8, Mapping)> {
        let layout = std::alloc::Layout::from_size_align(bytes.max(1), HUGE_PAGE).ok()?;
        // SAFETY: non-zero size; null is checked.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        (!ptr.is_null()).then(|| (ptr, Mapping { ptr, layout }))
    }

    fn release(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { std::alloc::dealloc(self.ptr, self.layout) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_zeroed_and_reusable() {
        let mut arena = Arena::new(4096).expect("4 MiB arena");
        let blocks = arena.blocks(4096);
        assert_eq!(blocks.as_ptr() as usize % HUGE_PAGE, 0);
        assert!(blocks.iter().all(|b| b.0.iter().all(|&w| w == 0)));
        blocks[4095].0[127] = 7;
        assert_eq!(arena.blocks(4096)[4095].0[127], 7);
    }
}
