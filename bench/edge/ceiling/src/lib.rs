//! The ceiling of `make bench-edge`: a Worker that reads and parses each
//! posted submission like the storage floor does, then answers without
//! storing anything. The gap between it and the floor is what one D1 insert
//! costs under wrangler dev.

use serde::Serialize;
use worker::{event, Context, Env, Method, Request, Response};

/// What a submission is told, shaped like the edge's answer.
#[derive(Serialize)]
struct Accepted<'a> {
    submission_id: &'a str,
}

/// What a refused request is told.
#[derive(Serialize)]
struct Refused<'a> {
    error: &'a str,
}

#[event(fetch)]
async fn fetch(mut req: Request, _env: Env, _ctx: Context) -> worker::Result<Response> {
    if req.method() != Method::Post {
        return refuse(405, "POST a submission");
    }
    let bytes = req.bytes().await?;
    match submission_id(&bytes) {
        Some(id) => Ok(Response::from_json(&Accepted { submission_id: &id })?.with_status(201)),
        None => refuse(400, "the body must be a JSON object with a string id"),
    }
}

/// The `id` of a submission body, if it is a JSON object with a string id.
pub fn submission_id(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value.get("id")?.as_str().map(str::to_owned)
}

fn refuse(status: u16, error: &str) -> worker::Result<Response> {
    Ok(Response::from_json(&Refused { error })?.with_status(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_object_with_a_string_id_has_one() {
        assert_eq!(
            submission_id(br#"{"id": "a-1", "fields": {}}"#),
            Some("a-1".into())
        );
        assert_eq!(submission_id(br#"{"id": 7}"#), None);
        assert_eq!(submission_id(b"not json"), None);
    }
}
