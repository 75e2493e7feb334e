//! The Worker's one queue consumer. Two queues feed it: `embudo-handoff`
//! (deliveries to sales, `handoff::deliver`) and `embudo-rescore` (pages of
//! re-scoring, `forms::rescore`); each has a dead-letter queue, whose
//! messages mean the consumer itself kept failing: the delivery is marked
//! dead, the re-scoring job failed.

use serde::{Deserialize, Serialize};
use worker::{event, Context, Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder};

use crate::faults::Faults;
use crate::forms::rescore;
use crate::handoff::{self, deliver::Attempt};
use crate::DB_BINDING;

/// How long a message waits after the consumer itself failed on it (D1
/// unavailable, most likely), rather than none: the handoff queue's 20
/// retries then ride out more than a minute and a half of outage before
/// the dead-letter queue, not a few seconds; a longer one is the sweep's
/// (`handoff::enqueue_stale`).
const FAILED_RETRY_SECONDS: u32 = 5;

/// A message on either queue, told apart by its one field.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Job {
    /// A delivery to attempt.
    Deliver(handoff::Job),
    /// A re-scoring job whose next page is due.
    Rescore(rescore::Job),
}

#[event(queue)]
async fn consume(batch: MessageBatch<Job>, env: Env, _ctx: Context) -> worker::Result<()> {
    let db = env.d1(DB_BINDING)?;
    let dead_letters = batch.queue().ends_with("-dead");
    for message in batch.messages()? {
        let done = match (message.body(), dead_letters) {
            (Job::Deliver(job), false) => handoff::deliver::attempt(&env, &db, &job.delivery).await,
            (Job::Deliver(job), true) => handoff::deliver::give_up(&db, &job.delivery)
                .await
                .map(|()| Attempt::Settled),
            (Job::Rescore(job), false) => {
                let faults = Faults::from_plan(job.faults.as_deref().unwrap_or_default());
                rescore::work(&env, &db, &job.rescore, &faults)
                    .await
                    .map(|()| Attempt::Settled)
            }
            (Job::Rescore(job), true) => rescore::give_up(&db, &job.rescore)
                .await
                .map(|()| Attempt::Settled),
        };
        match done {
            Ok(Attempt::Settled) => message.ack(),
            Ok(Attempt::Retry(seconds)) => message.retry_with_options(
                &QueueRetryOptionsBuilder::new()
                    .with_delay_seconds(seconds)
                    .build(),
            ),
            Err(error) => {
                worker::console_error!("queue message {:?}: {error}", message.body());
                message.retry_with_options(
                    &QueueRetryOptionsBuilder::new()
                        .with_delay_seconds(FAILED_RETRY_SECONDS)
                        .build(),
                );
            }
        }
    }
    Ok(())
}
