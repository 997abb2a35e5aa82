//! The addon's JavaScript functions (the raw shape wrapped by src/crypto/native.ts into a
//! HashBackend), with argument checks matching the TypeScript twin: a non-byte argument is a
//! TypeError, a wrong length or out-of-range number a RangeError.

use super::napi::{Env, Export, JsResult, Thrown, Value};
use crate::argon2::blamka::{self, Isa};
use crate::argon2::{self, pool, Params};
use crate::hash::{blake2b, sha3};
use crate::{difficulty, ed25519};

pub const FUNCTIONS: &[Export] = &[
    (c"blake2b", blake2b),
    (c"sha3_256", sha3_256),
    (c"sha3_384", sha3_384),
    (c"sha3_512", sha3_512),
    (c"argon2d", argon2d),
    (c"blockDigest", block_digest),
    (c"blockDigestBatch", block_digest_batch),
    (c"meetsDifficulty", meets_difficulty),
    (c"proofCheck", proof_check),
    (c"ed25519Verify", ed25519_verify),
    (c"simdPath", hashing_path),
    (c"hashingPath", hashing_path),
    (c"hashingPaths", hashing_paths),
    (c"setHashingPath", set_hashing_path),
    (c"cpuFeatures", cpu_features),
    (c"digestThreads", digest_threads),
];

fn fixed<const N: usize>(env: Env, v: Value, what: &str) -> JsResult<[u8; N]> {
    let bytes = env.bytes(v, what)?;
    bytes.try_into().map_err(|_| Thrown::Range(format!("{what} must be {N} bytes, got {}", bytes.len())))
}

/// blake2b(data, outLen 1..64) → Buffer
fn blake2b(env: Env, args: &[Value]) -> JsResult<Value> {
    let data = env.bytes(args[0], "data")?;
    let out_len = env.integer(args[1], "outLen", 1, 64)?;
    env.buffer(&blake2b::blake2b(data, out_len as usize))
}

fn sha3_n(env: Env, args: &[Value], out_len: usize) -> JsResult<Value> {
    env.buffer(&sha3::sha3(out_len, &[env.bytes(args[0], "data")?]))
}

/// sha3_256(data) → Buffer
fn sha3_256(env: Env, args: &[Value]) -> JsResult<Value> {
    sha3_n(env, args, 32)
}

/// sha3_384(data) → Buffer
fn sha3_384(env: Env, args: &[Value]) -> JsResult<Value> {
    sha3_n(env, args, 48)
}

/// sha3_512(data) → Buffer
fn sha3_512(env: Env, args: &[Value]) -> JsResult<Value> {
    sha3_n(env, args, 64)
}

/// argon2d(password, salt, secret | null, ad | null, memoryKiB, passes, lanes, tagLength) → Buffer
fn argon2d(env: Env, args: &[Value]) -> JsResult<Value> {
    let params = Params {
        password: env.bytes(args[0], "password")?,
        salt: env.bytes(args[1], "salt")?,
        secret: env.optional_bytes(args[2], "secret")?.unwrap_or_default(),
        associated_data: env.optional_bytes(args[3], "associatedData")?.unwrap_or_default(),
        memory_kib: env.integer(args[4], "memoryKiB", 8, u32::MAX)?,
        passes: env.integer(args[5], "passes", 1, u32::MAX)?,
        lanes: env.integer(args[6], "lanes", 1, 0x00ff_ffff)?,
        tag_len: env.integer(args[7], "tagLength", 4, u32::MAX)?,
    };
    params.check().map_err(|m| Thrown::Range(m.into()))?;
    let tag = argon2::argon2d(&params).map_err(|m| Thrown::Error(m.into()))?;
    env.buffer(&tag)
}

/// blockDigest(header) → 32-byte Buffer (Argon2d, m = 128 MiB, t = 4, p = 1)
fn block_digest(env: Env, args: &[Value]) -> JsResult<Value> {
    let header = env.bytes(args[0], "header")?;
    env.buffer(&pool::digest(header).map_err(|m| Thrown::Error(m.into()))?)
}

/// blockDigestBatch(headers[]) → Promise<Buffer[]>, computed on the worker pool
fn block_digest_batch(env: Env, args: &[Value]) -> JsResult<Value> {
    let items = env.elements(args[0], "headers")?;
    let headers = items
        .iter()
        .enumerate()
        .map(|(i, &v)| env.bytes(v, &format!("headers[{i}]")).map(<[u8]>::to_vec))
        .collect::<JsResult<Vec<_>>>()?;
    env.promise_of_buffers("bunmark.blockDigestBatch", |settle| {
        let done = move |r: Result<Vec<pool::Digest>, &str>| {
            settle.done(r.map(|ds| ds.iter().map(|d| d.to_vec()).collect()).map_err(String::from))
        };
        pool::digest_batch(headers, Box::new(done))
    })
}

/// meetsDifficulty(digest 32, target 32) → boolean
fn meets_difficulty(env: Env, args: &[Value]) -> JsResult<Value> {
    let digest = fixed::<32>(env, args[0], "digest")?;
    let target = fixed::<32>(env, args[1], "target")?;
    env.boolean(difficulty::meets_difficulty(&digest, &target))
}

/// proofCheck(payId, crcs: 8-byte[], nonce, target 32) → index of the first qualifying CRC or -1
fn proof_check(env: Env, args: &[Value]) -> JsResult<Value> {
    // Collect the array's element handles before borrowing any bytes (element access may run
    // JavaScript getters).
    let items = env.elements(args[1], "crcs")?;
    let pay_id = env.bytes(args[0], "payId")?;
    let nonce = env.bytes(args[2], "nonce")?;
    let target = fixed::<32>(env, args[3], "target")?;
    let crcs = items
        .iter()
        .enumerate()
        .map(|(i, &v)| fixed::<8>(env, v, &format!("crcs[{i}]")))
        .collect::<JsResult<Vec<_>>>()?;
    env.int32(difficulty::proof_check(pay_id, &crcs, nonce, &target))
}

/// ed25519Verify(publicKey, message, signature) → boolean (bitmarkd 8.2 rules; a public key that
/// is not 32 bytes or a signature that is not 64 bytes simply fails to verify)
fn ed25519_verify(env: Env, args: &[Value]) -> JsResult<Value> {
    let public_key = env.bytes(args[0], "publicKey")?;
    let message = env.bytes(args[1], "message")?;
    let signature = env.bytes(args[2], "signature")?;
    let valid = <&[u8; 32]>::try_from(public_key).is_ok_and(|key| ed25519::verify(key, message, signature));
    env.boolean(valid)
}

/// hashingPath() (also simdPath()) → "avx512" | "avx2" | "sse2" | "neon" | "scalar": the Argon2 compression
/// block digests use now
fn hashing_path(env: Env, _args: &[Value]) -> JsResult<Value> {
    env.string(Isa::current().name())
}

/// hashingPaths() → the compression paths this CPU can run, fastest first (always ending in "scalar")
fn hashing_paths(env: Env, _args: &[Value]) -> JsResult<Value> {
    env.array_of_strings(&Isa::available().iter().map(|isa| isa.name()).collect::<Vec<_>>())
}

/// setHashingPath(name | null) → the path in use afterwards: forces one path for every later digest (tests,
/// benchmarks; null goes back to the fastest). A name this CPU cannot run is a RangeError.
fn set_hashing_path(env: Env, args: &[Value]) -> JsResult<Value> {
    let isa = match env.optional_string(args[0], "name")? {
        None => None,
        Some(name) => Some(Isa::by_name(&name).ok_or_else(|| {
            let available: Vec<_> = Isa::available().iter().map(|isa| isa.name()).collect();
            Thrown::Range(format!("hashing path {name:?} is not available here (available: {})", available.join(", ")))
        })?),
    };
    Isa::force(isa);
    env.string(Isa::current().name())
}

/// cpuFeatures() → the CPU features the compression paths depend on that this CPU has
fn cpu_features(env: Env, _args: &[Value]) -> JsResult<Value> {
    env.array_of_strings(&blamka::cpu_features())
}

/// digestThreads() → the most worker threads blockDigestBatch uses
fn digest_threads(env: Env, _args: &[Value]) -> JsResult<Value> {
    env.int32(pool::max_threads() as i32)
}
