//! Rate limiting: how many submissions one visitor address may send to one
//! site, counted by the Workers rate-limiting binding (no D1 write per post).
//! The key is the site and the keyed hash of the address, so the counter
//! never holds an address.

use worker::Env;

use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::site::RateLimit;

/// The bindings' period in seconds (`simple.period` in `wrangler.toml`): a
/// limited client may try again after it.
pub const PERIOD_SECONDS: u32 = 60;

/// Counts one submission from `ip_hash` (or the raw address's plain digest
/// when no hashing key is configured) to `site`; refuses it over the limit.
pub async fn admit(
    env: &Env,
    limit: RateLimit,
    site: &str,
    ip_hash: Option<&str>,
    ip: Option<&str>,
) -> Result<()> {
    let binding = limit.binding();
    let limiter = env
        .rate_limiter(binding)
        .map_err(|_| Error::NotConfigured { what: binding })?;
    let address = match (ip_hash, ip) {
        (Some(hash), _) => hash.to_owned(),
        (None, Some(ip)) => sha256_hex(ip.as_bytes()),
        (None, None) => "no-address".to_owned(),
    };
    if limiter.limit(format!("{site}:{address}")).await?.success {
        Ok(())
    } else {
        Err(Error::RateLimited {
            retry_after: PERIOD_SECONDS,
        })
    }
}
