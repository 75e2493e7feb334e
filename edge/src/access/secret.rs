//! Secrets made here: session and API tokens, password salts. They come
//! from the runtime's `crypto.getRandomValues` (a CSPRNG), never from
//! `Math.random`, and only their SHA-256 is stored.

use worker::js_sys::{self, Function, Reflect, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};

use crate::digest::{hex, sha256_hex};
use crate::error::{Error, Result};

/// `N` bytes from `crypto.getRandomValues`.
pub fn random<const N: usize>() -> Result<[u8; N]> {
    let unavailable = |_: JsValue| Error::Storage {
        reason: "crypto.getRandomValues is not available".into(),
    };
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).map_err(unavailable)?;
    let fill: Function = Reflect::get(&crypto, &"getRandomValues".into())
        .map_err(unavailable)?
        .dyn_into()
        .map_err(unavailable)?;
    let array = Uint8Array::new_with_length(N as u32);
    fill.call1(&crypto, &array).map_err(unavailable)?;
    let mut bytes = [0; N];
    array.copy_to(&mut bytes);
    Ok(bytes)
}

/// A new token: `prefix` then 32 random bytes in hex. The prefix tells a
/// leaked token's kind at a glance (and to secret scanners).
pub fn token(prefix: &str) -> Result<String> {
    Ok(format!("{prefix}{}", hex(&random::<32>()?)))
}

/// What is stored of a token: its SHA-256 (the token itself has 256 random
/// bits, so no salt or slow hash is needed).
pub fn stored(token: &str) -> String {
    sha256_hex(token.as_bytes())
}
