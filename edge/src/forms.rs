//! The forms a site has published, as D1 knows them.

use worker::{query, D1Database};

use crate::error::{Error, Result};

/// Checks that `form` exists, so submissions for unknown forms are refused
/// before their body is read.
pub async fn require(db: &D1Database, form: &str) -> Result<()> {
    let found: Option<String> = query!(db, "SELECT id FROM forms WHERE id = ?1", form)?
        .first(Some("id"))
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(Error::UnknownForm {
            form: form.to_owned(),
        }),
    }
}
