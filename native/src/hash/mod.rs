//! The plain hash functions: BLAKE2b (also Argon2's H), SHA3 (pay ids, asset ids, proofs) and SHA-512
//! (Ed25519).

pub mod blake2b;
pub mod sha3;
pub mod sha512;
