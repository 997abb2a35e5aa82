//! bunmark_native: the Node-API addon behind `src/crypto/native.ts`.
//!
//! One module per algorithm; `napi` holds the hand-written Node-API bindings and `exports` the
//! JavaScript-facing functions. Both are left out of unit-test builds because the `napi_*` symbols
//! only exist inside a JavaScript host.

mod arena;
mod argon2;
mod blake2b;
mod blamka;
mod difficulty;
mod ed25519;
mod pool;
mod sha3;
mod sha512;

#[cfg(not(test))]
mod exports;
#[cfg(not(test))]
mod napi;
