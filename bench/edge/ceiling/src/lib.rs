//! The ceiling of `make bench-edge`: a Worker that reads and parses each
//! posted submission like the storage floor does, then answers without
//! storing anything. The gap between it and the floor is what one D1 insert
//! costs under wrangler dev.

use worker::{event, Context, Env, Method, Request, Response};

#[path = "../../reference.rs"]
mod reference;
use reference::{accept, refuse, submission_id};

#[event(fetch)]
async fn fetch(mut req: Request, _env: Env, _ctx: Context) -> worker::Result<Response> {
    if req.method() != Method::Post {
        return refuse(405, "POST a submission");
    }
    let bytes = req.bytes().await?;
    match submission_id(&bytes) {
        Some(id) => accept(&id),
        None => refuse(400, "the body must be a JSON object with a string id"),
    }
}
