//! Fault injection for tests of the write path: with the `faults` cargo
//! feature (a build only `scripts/build-edge.sh --faults` makes, never the
//! deployed one), a request may carry `Embudo-Fault: d1-write=N` to have its
//! first N D1 write batches fail as D1 fails when it is briefly unavailable
//! (`all` for every one). Without the feature the header is ignored and
//! this is a no-op the compiler removes.

use std::cell::Cell;

use worker::Request;

use crate::error::{Error, Result};

/// The header naming the faults a request asks for.
pub const HEADER: &str = "Embudo-Fault";

/// The faults planned for one request.
#[derive(Debug, Default)]
pub struct Faults {
    /// Write batches still to fail.
    failing_writes: Cell<u32>,
}

impl Faults {
    /// Reads the request's plan; always empty without the `faults` feature.
    pub fn of(req: &Request) -> Self {
        if !cfg!(feature = "faults") {
            return Self::default();
        }
        let plan = req.headers().get(HEADER).ok().flatten().unwrap_or_default();
        Self {
            failing_writes: Cell::new(failing_writes(&plan)),
        }
    }

    /// Called before each D1 write batch: fails it while the plan says so.
    pub fn before_write(&self) -> Result<()> {
        let left = self.failing_writes.get();
        if left == 0 {
            return Ok(());
        }
        self.failing_writes.set(left - 1);
        Err(Error::Unavailable {
            reason: "D1_ERROR: Network connection lost (injected fault)".into(),
        })
    }
}

/// The number of writes `plan` fails: `d1-write=3` is three, `d1-write=all`
/// every one, anything else none.
fn failing_writes(plan: &str) -> u32 {
    plan.split(',')
        .filter_map(|part| part.trim().strip_prefix("d1-write="))
        .map(|n| match n {
            "all" => u32::MAX,
            n => n.parse().unwrap_or(0),
        })
        .next()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_names_how_many_writes_fail() {
        assert_eq!(failing_writes("d1-write=2"), 2);
        assert_eq!(failing_writes("other, d1-write=all"), u32::MAX);
        assert_eq!(failing_writes("d1-write=lots"), 0);
        assert_eq!(failing_writes(""), 0);
        let faults = Faults {
            failing_writes: Cell::new(1),
        };
        assert!(faults.before_write().is_err_and(|e| e.is_transient()));
        assert!(faults.before_write().is_ok());
    }
}
