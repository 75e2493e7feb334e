//! The funnel's stages and how a lead may move between them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, MoveRefusal, Result};

/// Where a lead stands in the funnel (see DOMAIN.md). The order of the
/// variants is the funnel's order; `Disqualified` stands outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Left their data for an offer.
    Lead,
    /// Information qualified: consented to further information.
    Iql,
    /// Marketing qualified: meets marketing's conditions for sales.
    Mql,
    /// Sales qualified: sales confirmed a real need.
    Sql,
    /// Confirmed fit; sales is working to close.
    Opportunity,
    /// Bought.
    Customer,
    /// Spam, a competitor, or someone the company cannot help; kept for audit.
    Disqualified,
}

impl Stage {
    /// Every stage, in funnel order, `Disqualified` last.
    pub const ALL: [Stage; 7] = [
        Self::Lead,
        Self::Iql,
        Self::Mql,
        Self::Sql,
        Self::Opportunity,
        Self::Customer,
        Self::Disqualified,
    ];

    /// The stage's stable name (`mql`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Lead => "lead",
            Self::Iql => "iql",
            Self::Mql => "mql",
            Self::Sql => "sql",
            Self::Opportunity => "opportunity",
            Self::Customer => "customer",
            Self::Disqualified => "disqualified",
        }
    }

    /// Whether marketing's rules still decide this stage; from SQL on, sales
    /// owns the lead and rules no longer move it.
    pub fn is_marketing_owned(self) -> bool {
        matches!(self, Self::Lead | Self::Iql | Self::Mql)
    }

    /// The stage after an automatic (re-)qualification that computed
    /// `computed` for a lead now at `self`. Automatic moves only go forward:
    /// a lower score never demotes a lead, nothing automatic brings back a
    /// disqualified one, and a disqualifying rule only applies while
    /// marketing still owns the lead.
    pub fn advance(self, computed: Stage) -> Stage {
        match (self, computed) {
            (Self::Disqualified, _) => Self::Disqualified,
            (current, Self::Disqualified) if current.is_marketing_owned() => Self::Disqualified,
            (current, Self::Disqualified) => current,
            (current, computed) => current.max(computed),
        }
    }

    /// Checks a move made by a person (sales or marketing): any direction,
    /// but never to the same stage, and disqualifying needs a reason.
    pub fn manual_move(self, to: Stage, reason: Option<&str>) -> Result<Stage> {
        let refuse = |why: MoveRefusal| {
            Err(Error::Move {
                from: self,
                to,
                why,
            })
        };
        if self == to {
            return refuse(MoveRefusal::AlreadyThere);
        }
        if to == Self::Disqualified && reason.is_none_or(|r| r.trim().is_empty()) {
            return refuse(MoveRefusal::ReasonNeeded);
        }
        Ok(to)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Stage::*;

    #[test]
    fn automatic_moves_only_go_forward() {
        assert_eq!(Lead.advance(Mql), Mql);
        assert_eq!(Mql.advance(Lead), Mql, "a lower score never demotes");
        assert_eq!(Sql.advance(Mql), Sql);
    }

    #[test]
    fn rules_disqualify_only_while_marketing_owns_the_lead() {
        assert_eq!(Iql.advance(Disqualified), Disqualified);
        assert_eq!(Mql.advance(Disqualified), Disqualified);
        assert_eq!(Sql.advance(Disqualified), Sql);
        assert_eq!(Disqualified.advance(Customer), Disqualified);
    }

    #[test]
    fn people_move_leads_either_way_but_disqualify_with_a_reason() {
        assert_eq!(Mql.manual_move(Lead, None).ok(), Some(Lead));
        assert_eq!(Disqualified.manual_move(Mql, None).ok(), Some(Mql));
        assert!(Mql.manual_move(Disqualified, Some("  ")).is_err());
        assert_eq!(
            Mql.manual_move(Disqualified, Some("competitor")).ok(),
            Some(Disqualified)
        );
        assert!(Sql.manual_move(Sql, Some("again")).is_err());
    }
}
