//! The JavaScript side of the addon: `napi` binds Node-API by hand, `exports` defines the functions.

mod exports;
mod napi;
