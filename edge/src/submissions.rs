//! `POST /v1/forms/{form}/submissions`: the path every lead takes in.

use embudo_shared::Submission;
use serde::Serialize;
use worker::{Env, Request, Response};

use crate::error::Result;
use crate::{body, forms, leads, DB_BINDING};

/// What a visitor's widget gets back once the lead is stored.
#[derive(Serialize)]
struct Stored {
    lead_id: i64,
}

/// Checks the request and the submission, stores the lead, answers 201.
/// Every check runs before the single write, so a refused post stores nothing.
pub async fn create(mut req: Request, env: &Env, form: &str) -> Result<Response> {
    body::check_headers(&req)?;
    let db = env.d1(DB_BINDING)?;
    forms::require(&db, form).await?;
    let submission: Submission = body::read_json(&mut req).await?;
    let valid = submission.validate()?;
    let lead_id = leads::insert(&db, form, &valid).await?;
    Ok(Response::from_json(&Stored { lead_id })?.with_status(201))
}
