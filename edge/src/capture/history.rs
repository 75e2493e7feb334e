//! A lead's history as its rules read it: the submissions stored for it,
//! and the consents the person has taken back since. A withdrawal lives
//! only in the consent ledger, so without it the rules would go on counting
//! a consent the person withdrew (and hand them to sales for it).

use embudo_shared::spec::consent::Purpose;
use embudo_shared::submission::ConsentChoice;
use embudo_shared::ValidSubmission;

use crate::error::{Error, Result};

/// A SQL query for the ids of lead `lead`'s latest consent event per
/// consent id and purpose, only for consent id `consent` when one is named
/// (each a column or placeholder). An item's latest event says whether it
/// is given now; the rules, a withdrawal and the person's consent page all
/// read a consent's state from here, so they cannot disagree. An id two
/// forms use for two purposes (or an item whose purpose changed) is two
/// items.
pub(crate) fn latest_events_sql(lead: &str, consent: Option<&str>) -> String {
    let one = consent.map_or(String::new(), |consent| {
        format!(" AND consent_id = {consent}")
    });
    format!(
        "SELECT max(id) FROM consent_events WHERE lead_id = {lead}{one} GROUP BY consent_id, purpose"
    )
}

/// A SQL expression for the purposes the lead `lead` (a column or
/// placeholder) holds no consent for any more, as a JSON array: every
/// consent item of that purpose it ever gave has a withdrawal as its latest
/// event ([`latest_events_sql`]).
pub(crate) fn withdrawn_sql(lead: &str) -> String {
    let latest = latest_events_sql(lead, None);
    format!(
        "(SELECT json_group_array(purpose) FROM (
            SELECT purpose, max(granted) AS held FROM consent_events
             WHERE id IN ({latest}) GROUP BY purpose)
          WHERE held = 0)"
    )
}

/// The lead `lead`'s history from its stored submissions (`data`, oldest
/// first) and what [`withdrawn_sql`] read for it: each purpose withdrawn is
/// recorded as withdrawn after the latest submission, so a later one that
/// gives it again counts again.
pub(crate) fn read<'a>(
    lead: i64,
    data: impl Iterator<Item = &'a str>,
    withdrawn: Option<&str>,
) -> Result<Vec<ValidSubmission>> {
    let unreadable = |error: serde_json::Error| Error::Storage {
        reason: format!("lead {lead} has an unreadable submission: {error}"),
    };
    let mut history = data
        .map(serde_json::from_str)
        .collect::<Result<Vec<ValidSubmission>, _>>()
        .map_err(unreadable)?;
    let withdrawn: Vec<Purpose> = match withdrawn {
        Some(json) => serde_json::from_str(json).map_err(|error| Error::Storage {
            reason: format!("lead {lead}'s withdrawals are unreadable: {error}"),
        })?,
        None => Vec::new(),
    };
    if let Some(latest) = history.last_mut() {
        latest
            .consents
            .extend(withdrawn.into_iter().map(|purpose| ConsentChoice {
                id: String::new(),
                purpose,
                version: String::new(),
                granted: false,
            }));
    }
    Ok(history)
}
