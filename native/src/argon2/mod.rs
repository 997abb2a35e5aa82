//! Argon2d version 0x13 (RFC 9106) and the Bitmark block digest built on it.
//!
//! Lanes are filled one after another within each slice (the result does not depend on the
//! order: a block never references a block of another lane in the slice being filled).

pub mod arena;
pub mod blamka;
pub mod pool;

use crate::hash::blake2b::Blake2b;
use arena::Arena;
use blamka::{Block, Compress, Isa};

const VERSION: u32 = 0x13;
const TYPE_D: u32 = 0;
const SYNC_POINTS: usize = 4;

/// Block digest parameters (bitmarkd blockdigest): m = 128 MiB, t = 4, p = 1, 32-byte tag.
pub const DIGEST_MEMORY_KIB: u32 = 131072;
const DIGEST_PASSES: u32 = 4;

pub struct Params<'a> {
    pub password: &'a [u8],
    pub salt: &'a [u8],
    pub secret: &'a [u8],
    pub associated_data: &'a [u8],
    pub memory_kib: u32,
    pub passes: u32,
    pub lanes: u32,
    pub tag_len: u32,
}

impl Params<'_> {
    /// RFC 9106 §3.1 ranges (salt length is not restricted: block digests use any header).
    pub fn check(&self) -> Result<(), &'static str> {
        if !(1..=0x00ff_ffff).contains(&self.lanes) {
            return Err("lanes must be 1..16777215");
        }
        if u64::from(self.memory_kib) < 8 * u64::from(self.lanes) {
            return Err("memoryKiB must be at least 8 × lanes");
        }
        if self.passes < 1 {
            return Err("passes must be at least 1");
        }
        if self.tag_len < 4 {
            return Err("tagLength must be at least 4");
        }
        let too_long = |b: &[u8]| b.len() as u64 > u64::from(u32::MAX);
        if [self.password, self.salt, self.secret, self.associated_data].into_iter().any(too_long) {
            return Err("inputs must be shorter than 2^32 bytes");
        }
        Ok(())
    }

    /// Blocks used: m' = 4p · floor(m / 4p).
    pub fn blocks(&self) -> usize {
        let per_lane_group = SYNC_POINTS * self.lanes as usize;
        self.memory_kib as usize / per_lane_group * per_lane_group
    }
}

/// General Argon2d with its own memory (for known-answer tests and benches; the block digest
/// uses a reused arena instead).
pub fn argon2d(params: &Params) -> Result<Vec<u8>, &'static str> {
    argon2d_on(Isa::current(), params)
}

/// [`argon2d`] through a given compression path.
pub fn argon2d_on(isa: Isa, params: &Params) -> Result<Vec<u8>, &'static str> {
    params.check()?;
    let mut memory: Vec<Block> = Vec::new();
    memory.try_reserve_exact(params.blocks()).map_err(|_| "cannot allocate Argon2 memory")?;
    memory.resize(params.blocks(), Block::ZERO);
    let mut tag = Vec::new();
    tag.try_reserve_exact(params.tag_len as usize).map_err(|_| "cannot allocate the Argon2 tag")?;
    tag.resize(params.tag_len as usize, 0);
    hash_into(params, &mut memory, isa.compress_fn(), &mut tag);
    Ok(tag)
}

/// The Bitmark block digest of `header`, computed in `arena` (which must hold 131072 blocks).
pub fn block_digest(header: &[u8], arena: &mut Arena) -> [u8; 32] {
    block_digest_on(Isa::current(), header, arena)
}

/// [`block_digest`] through a given compression path.
pub fn block_digest_on(isa: Isa, header: &[u8], arena: &mut Arena) -> [u8; 32] {
    let params = Params {
        password: header,
        salt: header,
        secret: &[],
        associated_data: &[],
        memory_kib: DIGEST_MEMORY_KIB,
        passes: DIGEST_PASSES,
        lanes: 1,
        tag_len: 32,
    };
    let mut tag = [0u8; 32];
    hash_into(&params, arena.blocks(params.blocks()), isa.compress_fn(), &mut tag);
    tag
}

/// Argon2d over `memory` (exactly `params.blocks()` blocks, contents irrelevant).
fn hash_into(params: &Params, memory: &mut [Block], compress: Compress, tag: &mut [u8]) {
    assert_eq!(memory.len(), params.blocks());
    let lanes = params.lanes as usize;
    let lane_len = memory.len() / lanes;

    let mut h0 = [0u8; 64];
    let mut h = Blake2b::new(64);
    for word in [params.lanes, params.tag_len, params.memory_kib, params.passes, VERSION, TYPE_D] {
        h.update(&word.to_le_bytes());
    }
    for input in [params.password, params.salt, params.secret, params.associated_data] {
        h.update(&(input.len() as u32).to_le_bytes());
        h.update(input);
    }
    h.finalize_into(&mut h0);

    let mut bytes = [0u8; 1024];
    for lane in 0..lanes {
        for column in 0..2u32 {
            hash_long(&mut bytes, &[&h0, &column.to_le_bytes(), &(lane as u32).to_le_bytes()]);
            let block = &mut memory[lane * lane_len + column as usize];
            for (word, chunk) in block.0.iter_mut().zip(bytes.chunks_exact(8)) {
                *word = u64::from_le_bytes(chunk.try_into().unwrap());
            }
        }
    }

    fill(memory, lanes, params.passes, compress);

    let mut last = memory[lane_len - 1];
    for lane in 1..lanes {
        for (x, y) in last.0.iter_mut().zip(memory[lane * lane_len + lane_len - 1].0.iter()) {
            *x ^= y;
        }
    }
    for (chunk, word) in bytes.chunks_exact_mut(8).zip(last.0.iter()) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    hash_long(tag, &[&bytes]);
}

/// The variable-length hash H' (RFC 9106 §3.3) of the concatenated `parts` into `out`.
fn hash_long(out: &mut [u8], parts: &[&[u8]]) {
    let mut h = Blake2b::new(out.len().min(64));
    h.update(&(out.len() as u32).to_le_bytes());
    for part in parts {
        h.update(part);
    }
    if out.len() <= 64 {
        h.finalize_into(out);
        return;
    }
    // Chain of 64-byte hashes contributing their first halves; the last one fills the rest.
    let mut v = [0u8; 64];
    h.finalize_into(&mut v);
    out[..32].copy_from_slice(&v[..32]);
    let mut pos = 32;
    while out.len() - pos > 64 {
        let mut next = Blake2b::new(64);
        next.update(&v);
        next.finalize_into(&mut v);
        out[pos..pos + 32].copy_from_slice(&v[..32]);
        pos += 32;
    }
    let mut last = Blake2b::new(out.len() - pos);
    last.update(&v);
    last.finalize_into(&mut out[pos..]);
}

/// Fills every block of every pass (RFC 9106 §3.4, data-dependent indexing of Argon2d).
fn fill(memory: &mut [Block], lanes: usize, passes: u32, compress: Compress) {
    let lane_len = memory.len() / lanes;
    let segment = lane_len / SYNC_POINTS;
    let mem = memory.as_mut_ptr();
    for pass in 0..passes {
        for slice in 0..SYNC_POINTS {
            for lane in 0..lanes {
                // The block (index into memory) referenced by the block at `index` of this segment,
                // given the first word of the block before it.
                let reference = |index: usize, pseudo_random: u64| {
                    // (no division when there is one lane, as in block digests: this runs between the
                    // new block's first word and the prefetch it allows, so it delays the prefetch)
                    let ref_lane = if lanes == 1 || pass == 0 && slice == 0 {
                        lane
                    } else {
                        ((pseudo_random >> 32) % lanes as u64) as usize
                    };
                    let same_lane = ref_lane == lane;
                    let j1 = pseudo_random & 0xffff_ffff;
                    ref_lane * lane_len + reference_column(pass, slice, index, segment, lane_len, same_lane, j1)
                };
                let lane_start = lane * lane_len;
                let first = if pass == 0 && slice == 0 { 2 } else { 0 };
                for index in first..segment {
                    let column = slice * segment + index;
                    let current = lane_start + column;
                    let previous = if column == 0 { lane_start + lane_len - 1 } else { current - 1 };
                    // SAFETY: every index is below memory.len() (column < lane_len, lane < lanes);
                    // `current` is neither `previous` nor the reference (never the block being
                    // computed), and the prefetch is only a hint.
                    unsafe {
                        let refb = mem.add(reference(index, (*mem.add(previous)).0[0]));
                        let mut prefetch_next = |word: u64| {
                            if index + 1 < segment {
                                blamka::prefetch(mem.add(reference(index + 1, word)));
                            }
                        };
                        compress(mem.add(previous), refb, mem.add(current), pass > 0, &mut prefetch_next);
                    }
                }
            }
        }
    }
}

/// The reference block's column (RFC 9106 §3.4.1.2) from J1 and the reference area.
#[inline(always)]
fn reference_column(
    pass: u32,
    slice: usize,
    index: usize,
    segment: usize,
    lane_len: usize,
    same_lane: bool,
    j1: u64,
) -> usize {
    // Blocks that may be referenced: finished segments, plus the current segment's blocks
    // before the previous one when in the same lane; another lane's last finished block is
    // excluded at the start of a segment (it may still be in use as the previous block there).
    let finished = if pass == 0 { slice * segment } else { lane_len - segment };
    let area = if same_lane { finished + index - 1 } else { finished - usize::from(index == 0) } as u64;
    let x = (j1 * j1) >> 32;
    let y = (area * x) >> 32;
    let relative = (area - 1 - y) as usize;
    let start = if pass > 0 && slice < SYNC_POINTS - 1 { (slice + 1) * segment } else { 0 };
    // start and relative are both below lane_len: a subtraction instead of a division.
    let column = start + relative;
    if column >= lane_len {
        column - lane_len
    } else {
        column
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::blake2b::hex;

    fn rfc9106_params<'a>(password: &'a [u8], salt: &'a [u8], secret: &'a [u8], ad: &'a [u8]) -> Params<'a> {
        Params { password, salt, secret, associated_data: ad, memory_kib: 32, passes: 3, lanes: 4, tag_len: 32 }
    }

    #[test]
    fn rfc9106_argon2d_vector() {
        let (password, salt, secret, ad) = ([1u8; 32], [2u8; 16], [3u8; 8], [4u8; 12]);
        let params = rfc9106_params(&password, &salt, &secret, &ad);
        for path in Isa::available() {
            let mut memory = vec![Block::ZERO; params.blocks()];
            let mut tag = [0u8; 32];
            hash_into(&params, &mut memory, path.compress_fn(), &mut tag);
            assert_eq!(hex(&tag), "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb", "{path:?}");
        }
    }

    #[test]
    fn long_tags_and_parameter_checks() {
        // H' boundaries: 64 (single hash), 65, 96, 97 and 1024 bytes.
        for len in [64usize, 65, 96, 97, 1024] {
            let mut out = vec![0u8; len];
            hash_long(&mut out, &[b"x"]);
            let mut again = vec![0u8; len];
            hash_long(&mut again, &[b"", b"x"]);
            assert_eq!(out, again);
            assert!(out[len - 8..].iter().any(|&b| b != 0));
        }
        let (password, salt) = ([1u8; 4], [2u8; 8]);
        let mut params = rfc9106_params(&password, &salt, &[], &[]);
        params.memory_kib = 31;
        assert!(argon2d(&params).is_err());
        params.memory_kib = 33; // rounded down to 32 blocks
        params.tag_len = 100;
        assert_eq!(argon2d(&params).unwrap().len(), 100);
        params.tag_len = 3;
        assert!(argon2d(&params).is_err());
    }
}
