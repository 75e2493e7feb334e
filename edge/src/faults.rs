//! Fault injection for tests of the write path: with the `faults` cargo
//! feature (a build only `scripts/build-edge.sh --faults` makes, never the
//! deployed one), a request may carry `Embudo-Fault: d1-write=N` to have its
//! first N D1 write batches fail as D1 fails when it is briefly unavailable
//! (`all` for every one), or `d1-write=20%` to have that share of them fail
//! at random: half before the batch commits, half after it (the write done,
//! its answer lost), the two ways a real D1 failure can land.
//! `d1-lost-answer=N` has the first N batches commit and then lose their
//! answer, for a test that needs that case every time.
//! `pause-before-write=MS` holds a consent withdrawal that long between
//! reading the consent and writing its withdrawal, a submission between
//! reading the person's lead and writing its batch, and a person's stage
//! move or note between reading the lead and writing, a one-time sign-in
//! token between reading its person's sites and writing it, and the first
//! page of a re-scoring job started with it between reading its leads and
//! writing their scores, so a test can have another change land between a
//! read and the write that relies on it. Without the feature the header is
//! ignored and this is a no-op the compiler removes.

use std::cell::Cell;

use worker::Request;

use crate::error::{Error, Result};

/// The header naming the faults a request asks for.
pub const HEADER: &str = "Embudo-Fault";
/// The answer's header counting the faults injected while serving it, so a
/// test sees that its plan took effect even when the edge's own retries hid
/// every one from the visitor.
pub const INJECTED: &str = "Embudo-Faults-Injected";

/// The faults planned for one request.
#[derive(Debug, Default)]
pub struct Faults {
    /// Write batches still to fail.
    failing_writes: Cell<u32>,
    /// Write batches still to lose their answer after committing.
    lost_answers: Cell<u32>,
    /// The share (0 to 1) of write batches that fail at random.
    failing_share: f64,
    /// Milliseconds a write that relies on a read waits after that read.
    pause_ms: u32,
    /// How many faults were injected so far.
    injected: Cell<u32>,
}

impl Faults {
    /// Reads the request's plan; always empty without the `faults` feature.
    pub fn of(req: &Request) -> Self {
        Self::from_plan(&Self::plan(req).unwrap_or_default())
    }

    /// The request's plan as written, to carry it to work done later (a
    /// re-scoring page on the queue); `None` without the `faults` feature.
    pub fn plan(req: &Request) -> Option<String> {
        if !cfg!(feature = "faults") {
            return None;
        }
        req.headers().get(HEADER).ok().flatten()
    }

    /// The faults a plan written as the header's value asks for; none
    /// without the `faults` feature.
    pub fn from_plan(plan: &str) -> Self {
        if !cfg!(feature = "faults") {
            return Self::default();
        }
        Self {
            failing_writes: Cell::new(planned(plan, "d1-write=")),
            lost_answers: Cell::new(planned(plan, "d1-lost-answer=")),
            failing_share: failing_share(plan),
            pause_ms: planned(plan, "pause-before-write="),
            injected: Cell::new(0),
        }
    }

    /// Marks `response` with the number of faults injected, if any.
    pub fn mark(&self, response: &mut worker::Response) -> Result<()> {
        let injected = self.injected.get();
        if injected > 0 {
            response
                .headers_mut()
                .set(INJECTED, &injected.to_string())?;
        }
        Ok(())
    }

    fn fail(&self, reason: &str) -> Result<()> {
        self.injected.set(self.injected.get() + 1);
        Err(Error::Unavailable {
            reason: reason.into(),
        })
    }

    /// Called before each D1 write batch: fails it while the plan says so.
    pub fn before_write(&self) -> Result<()> {
        let left = self.failing_writes.get();
        if left == 0 {
            return self.by_chance("D1_ERROR: Network connection lost (injected fault)");
        }
        self.failing_writes.set(left - 1);
        self.fail("D1_ERROR: Network connection lost (injected fault)")
    }

    /// Waits as long as the plan says, before a write that depends on
    /// what was read.
    pub async fn pause(&self) {
        if self.pause_ms > 0 {
            // Said, so a test can make its change land inside the pause.
            worker::console_warn!("fault: pausing {} ms before a write", self.pause_ms);
            let wait = std::time::Duration::from_millis(u64::from(self.pause_ms));
            worker::Delay::from(wait).await;
        }
    }

    /// Called after a D1 write batch committed: loses its answer while the
    /// plan says so, or now and then with a random share planned, so the
    /// caller retries a write that is already done.
    pub fn after_write(&self) -> Result<()> {
        const LOST: &str = "D1_ERROR: Network connection lost after commit (injected fault)";
        let left = self.lost_answers.get();
        if left == 0 {
            return self.by_chance(LOST);
        }
        self.lost_answers.set(left - 1);
        self.fail(LOST)
    }

    /// Fails with half the planned share (the other half falls on the other
    /// side of the commit).
    fn by_chance(&self, reason: &str) -> Result<()> {
        if self.failing_share > 0.0 && worker::js_sys::Math::random() < self.failing_share / 2.0 {
            return self.fail(reason);
        }
        Ok(())
    }
}

/// The number of writes `plan` gives the fault `key`: `d1-write=3` is
/// three, `d1-write=all` every one, anything else none.
fn planned(plan: &str, key: &str) -> u32 {
    plan.split(',')
        .filter_map(|part| part.trim().strip_prefix(key))
        .map(|n| match n {
            "all" => u32::MAX,
            n => n.parse().unwrap_or(0),
        })
        .next()
        .unwrap_or(0)
}

/// The share of writes `plan` fails at random: `d1-write=20%` is 0.2;
/// anything else (a count, a share outside 0 to 100) none.
fn failing_share(plan: &str) -> f64 {
    plan.split(',')
        .filter_map(|part| part.trim().strip_prefix("d1-write="))
        .filter_map(|n| n.strip_suffix('%')?.parse::<f64>().ok())
        .find(|percent| (0.0..=100.0).contains(percent))
        .map_or(0.0, |percent| percent / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_names_how_many_writes_fail() {
        assert_eq!(planned("d1-write=2", "d1-write="), 2);
        assert_eq!(planned("other, d1-write=all", "d1-write="), u32::MAX);
        assert_eq!(planned("d1-write=lots", "d1-write="), 0);
        assert_eq!(planned("", "d1-write="), 0);
        assert_eq!(planned("d1-write=2", "d1-lost-answer="), 0);
        let faults = Faults {
            failing_writes: Cell::new(1),
            lost_answers: Cell::new(1),
            failing_share: 0.0,
            pause_ms: 0,
            injected: Cell::new(0),
        };
        assert!(faults.before_write().is_err_and(|e| e.is_transient()));
        assert!(faults.before_write().is_ok());
        assert!(faults.after_write().is_err_and(|e| e.is_transient()));
        assert!(faults.after_write().is_ok());
        assert_eq!(faults.injected.get(), 2);
    }

    #[test]
    fn a_plan_may_name_a_share_of_writes_instead() {
        assert_eq!(failing_share("d1-write=20%"), 0.2);
        assert_eq!(failing_share("d1-write=100%"), 1.0);
        assert_eq!(failing_share("d1-write=20"), 0.0);
        assert_eq!(failing_share("d1-write=150%"), 0.0);
        assert_eq!(failing_share("d1-write=-5%"), 0.0);
        assert_eq!(
            planned("d1-write=20%", "d1-write="),
            0,
            "a share is no count"
        );
    }
}
