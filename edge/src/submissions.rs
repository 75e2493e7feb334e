//! `POST /v1/forms/{form}/submissions`: the path every lead takes in.

use embudo_shared::spec::Delivery;
use embudo_shared::unicode::Tables;
use embudo_shared::Submission;
use futures_util::future::join;
use serde::Serialize;
use worker::{Context, D1Database, Env, Request, Response};

use crate::capture::{self, Intake, Seen};
use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::faults::Faults;
use crate::forms::{self, Form};
use crate::origin::{self, Caller};
use crate::{
    body, consent_page, handoff, ledger, limit, offer, spam, turnstile, visitor, DB_BINDING,
};

/// Checks where the post comes from, then takes the submission in; the
/// answer, success or problem, carries CORS headers for an allowed page so
/// the widget can read it. Handoffs to sales are queued after the answer
/// (`ctx`), so the visitor does not wait on them.
pub async fn create(req: Request, env: &Env, ctx: &Context, form: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let form = forms::load(env, &db, form).await?;
    let caller = origin::check(&req, &form.origins)?;
    origin::answer(accept(req, env, ctx, &db, &form).await, &caller)
}

/// `OPTIONS` on the same path: the CORS preflight, for allowed pages only.
pub async fn preflight(req: Request, env: &Env, form: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let form = forms::load(env, &db, form).await?;
    match origin::check(&req, &form.origins)? {
        caller @ Caller::Page(_) => Ok(origin::preflight(&caller)?),
        Caller::Server => Ok(Response::empty()?.with_status(204)),
    }
}

/// Validates against the spec and stores, once per submission id. Every
/// check runs before the single batch of writes, so a refused post stores
/// nothing. Cheap refusals come first: the rate limit (asked while the body
/// arrives) and the bot traps before D1 is asked anything.
async fn accept(
    mut req: Request,
    env: &Env,
    ctx: &Context,
    db: &D1Database,
    form: &Form,
) -> Result<Response> {
    body::check_headers(&req)?;
    let ip = req.headers().get("CF-Connecting-IP")?;
    let ip_hash = ledger::ip_hash(env, ip.as_deref());
    let admitted = limit::admit(
        env,
        form.settings.rate_limit,
        &form.site,
        ip_hash.as_deref(),
        ip.as_deref(),
    );
    let (admitted, bytes) = join(admitted, req.bytes()).await;
    admitted?;
    let bytes = bytes?;
    let submission: Submission = body::parse(&bytes)?;
    let body_hash = sha256_hex(&bytes);
    let id = match &submission.id {
        Some(id) => checked_id(id)?,
        None => server_id(&body_hash),
    };
    if let Some(reason) = spam::verdict(&submission.context) {
        spam::count(db, &form.site, reason).await?;
        return spam::decoy(&id);
    }
    if form.spec.turnstile.is_some() {
        // A submission already stored passed its challenge then: its retry
        // gets the first answer even once the token has expired (Turnstile's
        // last five minutes), as when the first answer was lost on the way.
        if let Some(first) = answered_before(env, ctx, db, form, &id, &body_hash).await? {
            return Ok(first);
        }
        // A retry of one not stored yet carries the same token; siteverify
        // accepts it again under the submission id as idempotency key.
        let token = submission.context.turnstile.as_deref();
        turnstile::verify(env, token, ip.as_deref(), &id).await?;
    }
    // Required fields may be left out here: progressive profiling does not
    // ask what the person gave before, which only their lead can tell
    // (checked with it, before the batch).
    let mut valid = match submission.validate_knowing(&form.spec, &Tables, &form.required) {
        Ok(valid) => valid,
        // Stored before and refused now (the form changed since): the
        // visitor still gets the first answer.
        Err(refused) => {
            if let Some(first) = answered_before(env, ctx, db, form, &id, &body_hash).await? {
                return Ok(first);
            }
            // Every mistake at once, the required fields too: the person
            // has to send again anyway.
            let strict = submission.validate(&form.spec, &Tables).err();
            return Err(strict.unwrap_or(refused).into());
        }
    };
    // The consent texts the visitor read, which the form may have changed
    // since they were shown. A version refused now was accepted when a
    // stored submission carried it: its retry gets the first answer.
    match forms::texts::as_shown(db, &form.spec.id, &mut valid, &submission.versions).await {
        Err(refused @ Error::Invalid { .. }) => {
            if let Some(first) = answered_before(env, ctx, db, form, &id, &body_hash).await? {
                return Ok(first);
            }
            return Err(refused);
        }
        shown => shown?,
    }
    let intake = Intake {
        site: &form.site,
        spec: &form.spec,
        id: &id,
        body_hash: &body_hash,
        ip_hash,
        submission: valid,
        faults: Faults::of(&req),
    };
    let stored = capture::store(db, &intake).await?;
    if stored.replayed {
        let mut response = replayed(env, ctx, form, stored.answer)?;
        intake.faults.mark(&mut response)?;
        return Ok(response);
    }
    if !stored.deliveries.is_empty() {
        let (env, deliveries) = (env.clone(), stored.deliveries);
        ctx.wait_until(async move {
            if let Err(error) = handoff::enqueue(&env, deliveries).await {
                worker::console_error!("handoff deliveries not queued: {error}");
            }
        });
    }
    let answer = reply(env, form, stored.answer);
    let mut response = Response::from_json(&answer)?.with_status(201);
    intake.faults.mark(&mut response)?;
    Ok(response)
}

/// The first answer to a submission id stored before, for a check that
/// would refuse its retry now; a conflict when the id came with another
/// body or to another form; `None` for an id never stored.
async fn answered_before(
    env: &Env,
    ctx: &Context,
    db: &D1Database,
    form: &Form,
    id: &str,
    body_hash: &str,
) -> Result<Option<Response>> {
    let post = capture::Post {
        id,
        form: &form.spec.id,
        body_hash,
    };
    match capture::seen(db, post).await? {
        Seen::Replay(answer) => replayed(env, ctx, form, answer).map(Some),
        Seen::Conflict => Err(Error::IdConflict { id: id.to_owned() }),
        Seen::New => Ok(None),
    }
}

/// The visitor's answer: the stored one, with a fresh signed offer link.
#[derive(Serialize)]
struct Reply {
    #[serde(flatten)]
    answer: capture::Answer,
    #[serde(skip_serializing_if = "Option::is_none")]
    offer: Option<offer::Link>,
    /// The visitor token for progressive profiling, when a lead was stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    visitor: Option<String>,
    /// The visitor's own consent page, when they gave consents.
    #[serde(skip_serializing_if = "Option::is_none")]
    consent_page: Option<String>,
}

fn reply(env: &Env, form: &Form, answer: capture::Answer) -> Reply {
    let now = (worker::js_sys::Date::now() / 1000.0) as u64;
    // Only an offer there is something to fetch for gets a link: one sent
    // by e-mail would lead to a page saying the link has expired.
    let offer = match form.spec.offer.delivery {
        Delivery::Email => None,
        Delivery::Download { .. } | Delivery::Redirect { .. } => {
            offer::link(env, &form.spec.id, &answer.submission_id, now)
        }
    };
    let visitor = answer
        .lead
        .and_then(|lead| visitor::issue(env, &form.site, lead, now));
    let consent_page = match answer.consents.is_empty() {
        true => None,
        false => consent_page::link(env, &answer.submission_id),
    };
    Reply {
        answer,
        offer,
        visitor,
        consent_page,
    }
}

/// The answer to a submission stored before. Its first answer may have been
/// lost after its batch committed and before its handoff was queued, so
/// what it recorded for sales and never sent is queued now, after answering.
fn replayed(env: &Env, ctx: &Context, form: &Form, answer: capture::Answer) -> Result<Response> {
    let (queue_env, site, id) = (env.clone(), form.site.clone(), answer.submission_id.clone());
    ctx.wait_until(async move {
        if let Err(error) = handoff::enqueue_unsent(&queue_env, &site, &id).await {
            worker::console_error!("handoff deliveries of {id} not queued: {error}");
        }
    });
    let mut response = Response::from_json(&reply(env, form, answer))?.with_status(201);
    response.headers_mut().set("Idempotent-Replayed", "true")?;
    Ok(response)
}

/// A client's submission id: 8 to 64 letters, digits, `-` or `_` (a UUID).
fn checked_id(id: &str) -> Result<String> {
    let shaped = (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if shaped {
        Ok(id.to_owned())
    } else {
        Err(Error::MalformedJson {
            reason: "id must be 8 to 64 letters, digits, - or _ (a UUID)".into(),
        })
    }
}

/// An id for a submission sent without one (API clients): unique, so such
/// posts are never deduplicated by id.
fn server_id(body_hash: &str) -> String {
    let salt = format!(
        "{body_hash}{}{}",
        worker::js_sys::Date::now(),
        worker::js_sys::Math::random()
    );
    format!("srv-{}", &sha256_hex(salt.as_bytes())[..32])
}
