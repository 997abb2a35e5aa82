//! Hand-written Node-API bindings: declarations of the few `napi_*` functions used (the host, Bun or
//! node, provides them when it loads the addon), a small safe layer over them, promises settled from
//! the addon's own threads, and the module entry point `napi_register_module_v1`.

use std::ffi::{c_char, c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::{null, null_mut};

type Status = i32;
type RawEnv = *mut c_void;
/// A JavaScript value handle, valid during the current call.
pub type Value = *mut c_void;
type CallbackInfo = *mut c_void;
type Deferred = *mut c_void;
type ThreadsafeFunction = *mut c_void;
type Callback = unsafe extern "C" fn(RawEnv, CallbackInfo) -> Value;
type CallJs = unsafe extern "C" fn(RawEnv, Value, *mut c_void, *mut c_void);
type Finalize = unsafe extern "C" fn(RawEnv, *mut c_void, *mut c_void);

const OK: Status = 0;
const TYPEOF_UNDEFINED: i32 = 0;
const TYPEOF_NULL: i32 = 1;
const TYPEOF_NUMBER: i32 = 3;
const TYPEOF_STRING: i32 = 4;
const TYPED_ARRAY_UINT8: i32 = 1;
const TSFN_NONBLOCKING: i32 = 0;
const TSFN_RELEASE: i32 = 0;

extern "C" {
    fn napi_create_function(
        env: RawEnv,
        name: *const c_char,
        len: usize,
        cb: Option<Callback>,
        data: *mut c_void,
        result: *mut Value,
    ) -> Status;
    fn napi_set_named_property(env: RawEnv, object: Value, name: *const c_char, value: Value) -> Status;
    fn napi_get_cb_info(
        env: RawEnv,
        info: CallbackInfo,
        argc: *mut usize,
        argv: *mut Value,
        this: *mut Value,
        data: *mut *mut c_void,
    ) -> Status;
    fn napi_get_undefined(env: RawEnv, result: *mut Value) -> Status;
    fn napi_typeof(env: RawEnv, value: Value, result: *mut i32) -> Status;
    fn napi_is_typedarray(env: RawEnv, value: Value, result: *mut bool) -> Status;
    fn napi_get_typedarray_info(
        env: RawEnv,
        value: Value,
        kind: *mut i32,
        length: *mut usize,
        data: *mut *mut c_void,
        arraybuffer: *mut Value,
        offset: *mut usize,
    ) -> Status;
    fn napi_is_array(env: RawEnv, value: Value, result: *mut bool) -> Status;
    fn napi_get_array_length(env: RawEnv, value: Value, result: *mut u32) -> Status;
    fn napi_get_element(env: RawEnv, object: Value, index: u32, result: *mut Value) -> Status;
    fn napi_get_value_double(env: RawEnv, value: Value, result: *mut f64) -> Status;
    fn napi_get_value_string_utf8(
        env: RawEnv,
        value: Value,
        buf: *mut c_char,
        size: usize,
        result: *mut usize,
    ) -> Status;
    fn napi_create_buffer_copy(
        env: RawEnv,
        len: usize,
        data: *const c_void,
        result_data: *mut *mut c_void,
        result: *mut Value,
    ) -> Status;
    fn napi_create_array_with_length(env: RawEnv, len: usize, result: *mut Value) -> Status;
    fn napi_set_element(env: RawEnv, object: Value, index: u32, value: Value) -> Status;
    fn napi_get_boolean(env: RawEnv, value: bool, result: *mut Value) -> Status;
    fn napi_create_int32(env: RawEnv, value: i32, result: *mut Value) -> Status;
    fn napi_create_string_utf8(env: RawEnv, s: *const c_char, len: usize, result: *mut Value) -> Status;
    fn napi_create_error(env: RawEnv, code: Value, msg: Value, result: *mut Value) -> Status;
    fn napi_throw_error(env: RawEnv, code: *const c_char, msg: *const c_char) -> Status;
    fn napi_throw_type_error(env: RawEnv, code: *const c_char, msg: *const c_char) -> Status;
    fn napi_throw_range_error(env: RawEnv, code: *const c_char, msg: *const c_char) -> Status;
    fn napi_is_exception_pending(env: RawEnv, result: *mut bool) -> Status;
    fn napi_create_promise(env: RawEnv, deferred: *mut Deferred, promise: *mut Value) -> Status;
    fn napi_resolve_deferred(env: RawEnv, deferred: Deferred, value: Value) -> Status;
    fn napi_reject_deferred(env: RawEnv, deferred: Deferred, value: Value) -> Status;
    fn napi_create_threadsafe_function(
        env: RawEnv,
        func: Value,
        async_resource: Value,
        async_resource_name: Value,
        max_queue_size: usize,
        initial_thread_count: usize,
        thread_finalize_data: *mut c_void,
        thread_finalize_cb: Option<Finalize>,
        context: *mut c_void,
        call_js_cb: Option<CallJs>,
        result: *mut ThreadsafeFunction,
    ) -> Status;
    fn napi_call_threadsafe_function(func: ThreadsafeFunction, data: *mut c_void, mode: i32) -> Status;
    fn napi_release_threadsafe_function(func: ThreadsafeFunction, mode: i32) -> Status;
}

/// What a JavaScript function ends with instead of a value.
pub enum Thrown {
    Type(String),
    Range(String),
    Error(String),
    /// A JavaScript exception is already pending (e.g. thrown by a getter); leave it alone.
    Pending,
}

pub type JsResult<T> = Result<T, Thrown>;

/// A JavaScript function implemented in Rust: arguments (missing ones are `undefined`) → result.
pub type Handler = fn(Env, &[Value]) -> JsResult<Value>;

/// Name and implementation of one exported function.
pub type Export = (&'static CStr, Handler);

const MAX_ARGS: usize = 8;

#[derive(Clone, Copy)]
pub struct Env(RawEnv);

impl Env {
    fn check(self, status: Status) -> JsResult<()> {
        if status == OK {
            return Ok(());
        }
        let mut pending = false;
        // SAFETY: valid env; `pending` is a valid out-pointer.
        unsafe { napi_is_exception_pending(self.0, &mut pending) };
        Err(if pending { Thrown::Pending } else { Thrown::Error(format!("Node-API call failed with status {status}")) })
    }

    /// Calls a `napi_*` function that writes one result through its last argument.
    fn out<T>(self, init: T, f: impl FnOnce(*mut T) -> Status) -> JsResult<T> {
        let mut value = init;
        self.check(f(&mut value))?;
        Ok(value)
    }

    fn type_of(self, v: Value) -> JsResult<i32> {
        self.out(0, |r| unsafe { napi_typeof(self.0, v, r) })
    }

    /// The bytes of a Buffer or Uint8Array, valid until JavaScript runs again.
    pub fn bytes<'a>(self, v: Value, what: &str) -> JsResult<&'a [u8]> {
        let is_typed = self.out(false, |r| unsafe { napi_is_typedarray(self.0, v, r) })?;
        let not_bytes = || Thrown::Type(format!("{what} must be a Buffer or Uint8Array"));
        if !is_typed {
            return Err(not_bytes());
        }
        let (mut kind, mut len, mut data) = (0, 0usize, null_mut());
        let (mut buffer, mut offset) = (null_mut(), 0usize);
        // SAFETY: valid env and value; all out-pointers are valid.
        let status =
            unsafe { napi_get_typedarray_info(self.0, v, &mut kind, &mut len, &mut data, &mut buffer, &mut offset) };
        self.check(status)?;
        if kind != TYPED_ARRAY_UINT8 {
            return Err(not_bytes());
        }
        if len == 0 || data.is_null() {
            return Ok(&[]);
        }
        // SAFETY: Node-API gives the view's first element and its length; the memory stays valid
        // while no JavaScript runs (callers read every argument handle before borrowing bytes).
        Ok(unsafe { std::slice::from_raw_parts(data as *const u8, len) })
    }

    /// Like `bytes`, but `null`/`undefined` give None.
    pub fn optional_bytes<'a>(self, v: Value, what: &str) -> JsResult<Option<&'a [u8]>> {
        match self.type_of(v)? {
            TYPEOF_NULL | TYPEOF_UNDEFINED => Ok(None),
            _ => self.bytes(v, what).map(Some),
        }
    }

    /// A string argument; `null`/`undefined` give None.
    pub fn optional_string(self, v: Value, what: &str) -> JsResult<Option<String>> {
        match self.type_of(v)? {
            TYPEOF_NULL | TYPEOF_UNDEFINED => return Ok(None),
            TYPEOF_STRING => {}
            _ => return Err(Thrown::Type(format!("{what} must be a string or null"))),
        }
        // SAFETY: valid env and string value; a null buffer asks for the length in bytes.
        let len = self.out(0usize, |r| unsafe { napi_get_value_string_utf8(self.0, v, null_mut(), 0, r) })?;
        let mut buf = vec![0u8; len + 1];
        // SAFETY: `buf` has room for the string and its terminating NUL.
        let written = self.out(0usize, |r| unsafe {
            napi_get_value_string_utf8(self.0, v, buf.as_mut_ptr() as *mut c_char, buf.len(), r)
        })?;
        buf.truncate(written);
        Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
    }

    /// An integer number in `min..=max`.
    pub fn integer(self, v: Value, what: &str, min: u32, max: u32) -> JsResult<u32> {
        if self.type_of(v)? != TYPEOF_NUMBER {
            return Err(Thrown::Type(format!("{what} must be a number")));
        }
        let n = self.out(0.0, |r| unsafe { napi_get_value_double(self.0, v, r) })?;
        if n.fract() != 0.0 || n < f64::from(min) || n > f64::from(max) {
            return Err(Thrown::Range(format!("{what} must be an integer in {min}..{max}, got {n}")));
        }
        Ok(n as u32)
    }

    /// The elements of a JavaScript array.
    pub fn elements(self, v: Value, what: &str) -> JsResult<Vec<Value>> {
        if !self.out(false, |r| unsafe { napi_is_array(self.0, v, r) })? {
            return Err(Thrown::Type(format!("{what} must be an array")));
        }
        let len = self.out(0u32, |r| unsafe { napi_get_array_length(self.0, v, r) })?;
        (0..len).map(|i| self.out(null_mut(), |r| unsafe { napi_get_element(self.0, v, i, r) })).collect()
    }

    /// A new Buffer holding a copy of `bytes`.
    pub fn buffer(self, bytes: &[u8]) -> JsResult<Value> {
        let mut data = null_mut();
        self.out(null_mut(), |r| unsafe {
            napi_create_buffer_copy(self.0, bytes.len(), bytes.as_ptr() as *const c_void, &mut data, r)
        })
    }

    pub fn boolean(self, b: bool) -> JsResult<Value> {
        self.out(null_mut(), |r| unsafe { napi_get_boolean(self.0, b, r) })
    }

    pub fn int32(self, n: i32) -> JsResult<Value> {
        self.out(null_mut(), |r| unsafe { napi_create_int32(self.0, n, r) })
    }

    pub fn string(self, s: &str) -> JsResult<Value> {
        self.out(null_mut(), |r| unsafe { napi_create_string_utf8(self.0, s.as_ptr() as *const c_char, s.len(), r) })
    }

    /// A JavaScript array of `items` made into values by `make`.
    fn array<T>(self, items: &[T], make: impl Fn(&T) -> JsResult<Value>) -> JsResult<Value> {
        let array = self.out(null_mut(), |r| unsafe { napi_create_array_with_length(self.0, items.len(), r) })?;
        for (i, item) in items.iter().enumerate() {
            let value = make(item)?;
            self.check(unsafe { napi_set_element(self.0, array, i as u32, value) })?;
        }
        Ok(array)
    }

    fn array_of_buffers(self, items: &[Vec<u8>]) -> JsResult<Value> {
        self.array(items, |item| self.buffer(item))
    }

    pub fn array_of_strings(self, items: &[&str]) -> JsResult<Value> {
        self.array(items, |item| self.string(item))
    }

    fn error(self, message: &str) -> JsResult<Value> {
        let msg = self.string(message)?;
        self.out(null_mut(), |r| unsafe { napi_create_error(self.0, null_mut(), msg, r) })
    }

    fn throw(self, thrown: Thrown) {
        let (throw_fn, message): (unsafe extern "C" fn(RawEnv, *const c_char, *const c_char) -> Status, String) =
            match thrown {
                Thrown::Pending => return,
                Thrown::Type(m) => (napi_throw_type_error, m),
                Thrown::Range(m) => (napi_throw_range_error, m),
                Thrown::Error(m) => (napi_throw_error, m),
            };
        let message = CString::new(message.replace('\0', " ")).unwrap_or_default();
        // SAFETY: valid env, NUL-terminated message, null code.
        unsafe { throw_fn(self.0, null(), message.as_ptr()) };
    }

    /// A promise and the `Settle` that resolves it to an array of Buffers (or rejects it with an
    /// error message) from any thread. `start` receives the `Settle` and must return at once: the
    /// work runs on the caller's own threads, so no host worker thread waits for it (in Bun those
    /// threads also serve async fs operations). Until settled, the pending promise keeps the event
    /// loop alive; afterwards nothing does.
    pub fn promise_of_buffers(self, name: &str, start: impl FnOnce(Settle)) -> JsResult<Value> {
        let mut deferred = null_mut();
        let promise = self.out(null_mut(), |r| unsafe { napi_create_promise(self.0, &mut deferred, r) })?;
        let created = self.string(name).and_then(|name| {
            // SAFETY: valid env and name; no JavaScript function (`settle_on_js_thread` does the work);
            // unbounded queue; one user thread (the Settle), which releases it.
            self.out(null_mut(), |r| unsafe {
                napi_create_threadsafe_function(
                    self.0,
                    null_mut(),
                    null_mut(),
                    name,
                    0,
                    1,
                    null_mut(),
                    None,
                    deferred,
                    Some(settle_on_js_thread),
                    r,
                )
            })
        });
        match created {
            Ok(tsfn) => start(Settle(Some(tsfn))),
            Err(thrown) => {
                let message = match thrown {
                    Thrown::Type(m) | Thrown::Range(m) | Thrown::Error(m) => m,
                    Thrown::Pending => return Err(Thrown::Pending),
                };
                let error = self.error(&message)?;
                self.check(unsafe { napi_reject_deferred(self.0, deferred, error) })?;
            }
        }
        Ok(promise)
    }
}

pub type Outcome = Result<Vec<Vec<u8>>, String>;

/// Settles one promise of `promise_of_buffers`, from any thread, exactly once: dropped unused, it
/// rejects the promise rather than leave it pending (and the event loop alive) forever.
pub struct Settle(Option<ThreadsafeFunction>);

// SAFETY: thread-safe functions exist to be called and released from any thread.
unsafe impl Send for Settle {}

impl Settle {
    pub fn done(mut self, outcome: Outcome) {
        self.send(outcome);
    }

    fn send(&mut self, outcome: Outcome) {
        let Some(tsfn) = self.0.take() else { return };
        let data = Box::into_raw(Box::new(outcome)) as *mut c_void;
        // SAFETY: `tsfn` is live until this Settle, its only user, releases it below. The call fails
        // only while the environment shuts down; the outcome is then still ours to drop.
        unsafe {
            if napi_call_threadsafe_function(tsfn, data, TSFN_NONBLOCKING) != OK {
                drop(Box::from_raw(data as *mut Outcome));
            }
            napi_release_threadsafe_function(tsfn, TSFN_RELEASE);
        }
    }
}

impl Drop for Settle {
    fn drop(&mut self) {
        self.send(Err("internal error in the bunmark native addon".into()));
    }
}

/// Runs on the JavaScript thread for a `Settle::done`: `context` is the promise's deferred, `data`
/// the boxed Outcome. Without an env (the host is tearing down) the outcome is only freed.
unsafe extern "C" fn settle_on_js_thread(raw_env: RawEnv, _js: Value, context: *mut c_void, data: *mut c_void) {
    // SAFETY: `data` is the Box leaked by `Settle::send`; we own it from here on.
    let outcome = Box::from_raw(data as *mut Outcome);
    if raw_env.is_null() {
        return;
    }
    let env = Env(raw_env);
    let deferred = context as Deferred;
    // Nobody can catch an error here: settle the promise whatever happens.
    let _ = catch_unwind(AssertUnwindSafe(|| -> JsResult<()> {
        let settled = match *outcome {
            Ok(items) => match env.array_of_buffers(&items) {
                Ok(array) => napi_resolve_deferred(raw_env, deferred, array),
                Err(_) => napi_reject_deferred(raw_env, deferred, env.error("cannot build the result")?),
            },
            Err(message) => napi_reject_deferred(raw_env, deferred, env.error(&message)?),
        };
        env.check(settled)
    }));
}

/// Runs `f` for a call from JavaScript: its error is thrown, and a panic (which must not unwind into the host)
/// becomes an Error saying `on_panic`. Returns null whenever something was thrown.
fn js_guard(env: Env, on_panic: &str, f: impl FnOnce() -> JsResult<Value>) -> Value {
    let thrown = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(value)) => return value,
        Ok(Err(thrown)) => thrown,
        Err(_) => Thrown::Error(on_panic.into()),
    };
    env.throw(thrown);
    null_mut()
}

unsafe extern "C" fn trampoline(raw_env: RawEnv, info: CallbackInfo) -> Value {
    let env = Env(raw_env);
    js_guard(env, "internal error in the bunmark native addon", || {
        let mut argc = MAX_ARGS;
        let mut argv = [null_mut(); MAX_ARGS];
        let mut data = null_mut();
        env.check(napi_get_cb_info(raw_env, info, &mut argc, argv.as_mut_ptr(), null_mut(), &mut data))?;
        let undefined = env.out(null_mut(), |r| napi_get_undefined(raw_env, r))?;
        for slot in argv.iter_mut().skip(argc.min(MAX_ARGS)) {
            *slot = undefined;
        }
        // SAFETY: `data` is the Handler registered with this function in `register`.
        let handler: Handler = std::mem::transmute::<*mut c_void, Handler>(data);
        handler(env, &argv)
    })
}

fn register(env: Env, exports: Value) -> JsResult<()> {
    for &(name, handler) in super::exports::FUNCTIONS {
        let f = env.out(null_mut(), |r| unsafe {
            napi_create_function(
                env.0,
                name.as_ptr(),
                name.to_bytes().len(),
                Some(trampoline),
                handler as *mut c_void,
                r,
            )
        })?;
        env.check(unsafe { napi_set_named_property(env.0, exports, name.as_ptr(), f) })?;
    }
    Ok(())
}

/// The module entry point the host looks up when it loads the addon.
#[no_mangle]
pub unsafe extern "C" fn napi_register_module_v1(raw_env: RawEnv, exports: Value) -> Value {
    let env = Env(raw_env);
    js_guard(env, "bunmark native addon failed to initialise", || register(env, exports).map(|()| exports))
}
