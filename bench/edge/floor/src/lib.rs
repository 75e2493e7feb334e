//! The storage floor of `make bench-edge`: a Worker that stores each posted
//! submission as one D1 row and does nothing else. D1 has a single writer,
//! so no Worker that stores a submission can beat this one; the edge is
//! measured against it.

use serde::Serialize;
use worker::{event, query, Context, Env, Method, Request, Response};

/// The name of the D1 binding in `wrangler.toml`.
pub const DB_BINDING: &str = "DB";

/// What a stored submission is told, shaped like the edge's answer.
#[derive(Serialize)]
struct Stored<'a> {
    submission_id: &'a str,
}

/// What a refused request is told.
#[derive(Serialize)]
struct Refused<'a> {
    error: &'a str,
}

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    if req.method() != Method::Post {
        return refuse(405, "POST a submission");
    }
    let bytes = req.bytes().await?;
    let Some(id) = submission_id(&bytes) else {
        return refuse(400, "the body must be a JSON object with a string id");
    };
    // The body parsed as JSON, so it is UTF-8; stored whole, as the edge
    // stores the checked submission.
    let Ok(data) = std::str::from_utf8(&bytes) else {
        return refuse(400, "the body is not UTF-8");
    };
    let db = env.d1(DB_BINDING)?;
    let inserted = query!(
        &db,
        "INSERT INTO submissions (id, data) VALUES (?1, ?2)",
        &id,
        data
    )?
    .run()
    .await;
    match inserted {
        Ok(_) => Ok(Response::from_json(&Stored { submission_id: &id })?.with_status(201)),
        // Shown to the load generator, which reports the first few errors.
        Err(error) => refuse(500, &error.to_string()),
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
