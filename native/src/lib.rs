//! bunmark_native: the Node-API addon behind `src/crypto/native.ts`.
//!
//! * `hash` — BLAKE2b, SHA3 and SHA-512;
//! * `argon2` — Argon2d and the Bitmark block digest, with its memory arenas, worker pool and the
//!   BlaMka compression in one file per instruction set (`argon2::blamka`);
//! * `ed25519` — signature verification with bitmarkd 8.2's rules;
//! * `difficulty` — digest/target comparisons and the issue proof check;
//! * `ffi` — the hand-written Node-API bindings and the JavaScript-facing functions.
//!
//! The crate is also an rlib so that `native/tests/` can call the algorithms directly. `ffi` is left
//! out of test builds of the crate: the `napi_*` symbols it uses only exist inside a JavaScript host.

pub mod argon2;
pub mod difficulty;
pub mod ed25519;
pub mod hash;

#[cfg(not(test))]
mod ffi;
