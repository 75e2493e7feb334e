//! Who may read leads: for now, whoever holds the API token kept as the
//! Worker secret `ADMIN_TOKEN` (accounts and roles come later).

use subtle::ConstantTimeEq;
use worker::{Env, Request};

use crate::error::{Error, Result};

/// The name of the Worker secret holding the API token.
pub const TOKEN_SECRET: &str = "ADMIN_TOKEN";

/// Lets the request through only with `Authorization: Bearer <ADMIN_TOKEN>`.
pub fn require_token(req: &Request, env: &Env) -> Result<()> {
    let expected = env
        .secret(TOKEN_SECRET)
        .map(|secret| secret.to_string())
        .map_err(|_| Error::NotConfigured { what: TOKEN_SECRET })?;
    let header = req.headers().get("Authorization")?.unwrap_or_default();
    if token_matches(&header, &expected) {
        Ok(())
    } else {
        Err(Error::Unauthorized)
    }
}

/// Compares the bearer token in `header` with `expected` in constant time; an
/// empty expected token matches nothing.
pub fn token_matches(header: &str, expected: &str) -> bool {
    let Some(given) = header.strip_prefix("Bearer ") else {
        return false;
    };
    !expected.is_empty() && bool::from(given.trim().as_bytes().ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::token_matches;

    #[test]
    fn only_the_exact_bearer_token_matches() {
        assert!(token_matches("Bearer s3cret", "s3cret"));
        assert!(!token_matches("Bearer s3cre", "s3cret"));
        assert!(!token_matches("Bearer s3cret2", "s3cret"));
        assert!(!token_matches("s3cret", "s3cret"));
        assert!(!token_matches("Basic s3cret", "s3cret"));
        assert!(!token_matches("Bearer ", ""));
    }
}
