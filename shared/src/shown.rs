//! Which consent text a visitor agreed to. The widget sends back the
//! version of each text it showed, which is older than the form's current
//! one when the form changed while the page was open, or while the
//! submission waited in the widget's outbox. The ledger must record the
//! words the visitor read, so the edge finds that version among the texts
//! the form's consent items have had.

use crate::error::{Error, FieldError, FieldErrorCode, Result};
use crate::spec::consent::Consent;
use crate::submission::{ById, ValidSubmission};

impl ValidSubmission {
    /// The ids of the consents given whose version in `shown` is not the
    /// form's current text: those the earlier texts must tell about.
    pub fn shown_earlier(&self, shown: &ById<String>) -> Vec<String> {
        self.consents
            .iter()
            .filter(|choice| shown.get(&choice.id).is_some_and(|v| *v != choice.version))
            .map(|choice| choice.id.clone())
            .collect()
    }

    /// Records each consent given at the version the visitor was shown
    /// (`shown`, by consent id), with the purpose the item had when its
    /// text was that one, found among `earlier` (the texts the form's
    /// consent items have had). A consent sent without a version keeps the
    /// current text's. A version none of the item's texts ever had is
    /// refused with [`FieldErrorCode::ConsentChanged`]: nothing could prove
    /// what the visitor read.
    pub fn as_shown(&mut self, shown: &ById<String>, earlier: &[Consent]) -> Result<()> {
        let mut errors = Vec::new();
        for choice in &mut self.consents {
            let Some(version) = shown.get(&choice.id).filter(|v| **v != choice.version) else {
                continue;
            };
            let then = earlier
                .iter()
                .find(|item| item.id == choice.id && item.had(version));
            match then {
                Some(item) => {
                    choice.version.clone_from(version);
                    choice.purpose = item.purpose;
                }
                None => errors.push(FieldError::new(
                    &choice.id,
                    FieldErrorCode::ConsentChanged,
                    self.locale,
                )),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid { fields: errors })
        }
    }
}
