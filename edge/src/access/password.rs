//! Account passwords, kept only as argon2id hashes in PHC strings
//! (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), so the parameters travel with
//! each hash and can be raised later without breaking old ones.
//!
//! Work factors: OWASP's first argon2id choice, 19 MiB of memory, 2 passes,
//! 1 lane. Memory-hard enough that a stolen table is costly to guess from,
//! and one sign-in stays a fraction of a second of a Worker's CPU time (the
//! paid plan's limit is 30 s per request; the free plan's 10 ms is not
//! enough for any memory-hard hash).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use embudo_shared::Text;

use crate::error::{Error, Result};

/// Memory in KiB, passes and lanes (see the module's documentation).
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

/// The shortest and longest password accepted.
pub const MIN_LENGTH: usize = 12;
/// Longer inputs only cost CPU; 256 is beyond any passphrase.
pub const MAX_LENGTH: usize = 256;

fn hasher() -> Result<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).map_err(|error| Error::Storage {
        reason: format!("argon2 parameters: {error}"),
    })?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Whether `password` may be set: long enough, not absurdly long.
pub fn acceptable(password: &str) -> std::result::Result<(), Text> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        Err(Text::said(
            format!("a password needs at least {MIN_LENGTH} characters"),
            format!("una contraseña necesita al menos {MIN_LENGTH} caracteres"),
        ))
    } else if password.len() > MAX_LENGTH {
        Err(Text::said(
            format!("a password has at most {MAX_LENGTH} bytes"),
            format!("una contraseña tiene como mucho {MAX_LENGTH} bytes"),
        ))
    } else {
        Ok(())
    }
}

/// The PHC string for `password`, salted with the 16 random bytes `salt`.
pub fn hash(password: &str, salt: &[u8; 16]) -> Result<String> {
    let salt = SaltString::encode_b64(salt).map_err(|error| Error::Storage {
        reason: format!("salt: {error}"),
    })?;
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| Error::Storage {
            reason: format!("hashing a password: {error}"),
        })
}

/// Whether `password` is the one `stored` (a PHC string) was made from. A
/// stored string that does not parse matches nothing.
pub fn verify(password: &str, stored: &str) -> bool {
    if password.len() > MAX_LENGTH {
        return false;
    }
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    // The parameters come from the stored string; the hasher's own only
    // matter for new hashes.
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// Spends the time of one verification and matches nothing: for a sign-in
/// naming no account, so its answer comes as late as a wrong password's.
pub fn spend(password: &str) -> bool {
    let _ = hash(password, &[0; 16]);
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery", &[7; 16]).expect("hashes");
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterY", &stored));
        assert!(!verify("correct horse battery", "not a phc string"));
    }

    #[test]
    fn the_same_password_with_another_salt_hashes_otherwise() {
        let one = hash("correct horse battery", &[1; 16]).expect("hashes");
        let two = hash("correct horse battery", &[2; 16]).expect("hashes");
        assert_ne!(one, two);
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(acceptable("short").is_err());
        assert!(acceptable(&"x".repeat(MAX_LENGTH + 1)).is_err());
        assert!(acceptable("twelve chars").is_ok());
    }
}
