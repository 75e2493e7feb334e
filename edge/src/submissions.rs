//! `POST /v1/forms/{form}/submissions`: the path every lead takes in.

use embudo_shared::unicode::Tables;
use embudo_shared::{qualify, History, Stage, Submission};
use serde::Serialize;
use worker::{Env, Request, Response};

use crate::error::Result;
use crate::{body, forms, leads, DB_BINDING};

/// What a visitor's widget gets back once the lead is stored.
#[derive(Serialize)]
struct Stored {
    lead_id: i64,
}

/// Checks the request and the submission against the form's spec, qualifies
/// the lead with the form's rules, stores it and answers 201. Every check runs
/// before the single write, so a refused post stores nothing.
pub async fn create(mut req: Request, env: &Env, form: &str) -> Result<Response> {
    body::check_headers(&req)?;
    let db = env.d1(DB_BINDING)?;
    let spec = forms::load(&db, form).await?;
    let submission: Submission = body::read_json(&mut req).await?;
    let valid = submission.validate(&spec, &Tables)?;
    let history = History {
        submissions: vec![valid],
        visits: 1,
    };
    let outcome = qualify(&spec.qualification, &history);
    let stage = Stage::Lead.advance(outcome.stage);
    let lead_id = leads::insert(&db, &history.submissions[0], &outcome, stage).await?;
    Ok(Response::from_json(&Stored { lead_id })?.with_status(201))
}
