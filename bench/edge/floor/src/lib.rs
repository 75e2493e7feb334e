//! The storage floor of `make bench-edge`: a Worker that stores each posted
//! submission as one D1 row and does nothing else. D1 has a single writer,
//! so no Worker that stores a submission can beat this one; the edge is
//! measured against it.

use worker::{event, query, Context, Env, Method, Request, Response};

#[path = "../../reference.rs"]
mod reference;
use reference::{accept, refuse, submission_id};

/// The name of the D1 binding in `wrangler.toml`.
pub const DB_BINDING: &str = "DB";

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
        Ok(_) => accept(&id),
        // Shown to the load generator, which reports the first few errors.
        Err(error) => refuse(500, &error.to_string()),
    }
}
