//! `GET /v1/openapi.json`: the API's OpenAPI 3.1 description, written by
//! hand in `edge/api/openapi.json` and kept honest by tests: one compares
//! its paths with [`crate::routes`], the end-to-end suite checks real
//! answers against its schemas.

use worker::Response;

use crate::error::Result;

/// The document, as served.
pub const DOCUMENT: &str = include_str!("../api/openapi.json");

/// Serves the document to anyone (it describes only what is public anyway).
pub fn serve() -> Result<Response> {
    let mut response = Response::ok(DOCUMENT)?;
    let headers = response.headers_mut();
    headers.set("Content-Type", "application/json")?;
    headers.set("Cache-Control", "public, max-age=300")?;
    headers.set("Access-Control-Allow-Origin", "*")?;
    Ok(response)
}
