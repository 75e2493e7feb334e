//! The texts a form's consent items have had (migration 0022 keeps every
//! one), for a submission whose visitor was shown a text the form has since
//! changed: the ledger records the words they read, not the current ones.

use embudo_shared::spec::consent::{Consent, Purpose};
use embudo_shared::{ById, Named, Text, ValidSubmission};
use serde::Deserialize;
use worker::{query, D1Database};

use crate::error::{Error, Result};

/// Records `valid`'s consents at the versions the visitor was shown
/// (`shown`, by consent id), reading the form's earlier texts only when one
/// of them is not the current text. A version no text of the item ever had
/// is refused (422, `consent_changed`).
pub async fn as_shown(
    db: &D1Database,
    form: &str,
    valid: &mut ValidSubmission,
    shown: &ById<String>,
) -> Result<()> {
    let ids = valid.shown_earlier(shown);
    if ids.is_empty() {
        return Ok(());
    }
    let earlier = earlier(db, form, &ids).await?;
    Ok(valid.as_shown(shown, &earlier)?)
}

/// Every text the items `ids` of `form` have had, each as the item was
/// when it had that text, the latest first: a text kept while the item's
/// purpose changed is read with the purpose it had last.
pub async fn earlier(db: &D1Database, form: &str, ids: &[String]) -> Result<Vec<Consent>> {
    #[derive(Deserialize)]
    struct Row {
        consent_id: String,
        purpose: String,
        text: String,
    }
    let ids = crate::capture::json(ids)?;
    let rows: Vec<Row> = query!(
        db,
        "SELECT consent_id, purpose, text FROM consent_texts
          WHERE form_id = ?1 AND consent_id IN (SELECT value FROM json_each(?2))
          ORDER BY id DESC",
        form,
        &ids
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter()
        .map(|row| {
            let unreadable = || Error::Storage {
                reason: format!(
                    "a text of consent {} of form {form} does not read",
                    row.consent_id
                ),
            };
            Ok(Consent {
                purpose: Purpose::from_name(&row.purpose).ok_or_else(unreadable)?,
                text: serde_json::from_str::<Text>(&row.text).map_err(|_| unreadable())?,
                id: row.consent_id.clone(),
                required: false,
                versions: None,
            })
        })
        .collect()
}
