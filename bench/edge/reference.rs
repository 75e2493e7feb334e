//! What the two reference Workers share, included by both (`#[path]`): each
//! is its own cdylib with its own `fetch` export, so they cannot depend on
//! each other, but they must read and answer exactly alike.

use serde::Serialize;
use worker::Response;

/// What an accepted submission is told, shaped like the edge's answer.
#[derive(Serialize)]
pub struct Accepted<'a> {
    /// The submission's id, from its body.
    pub submission_id: &'a str,
}

/// What a refused request is told.
#[derive(Serialize)]
struct Refused<'a> {
    error: &'a str,
}

/// The `id` of a submission body, if it is a JSON object with a string id.
pub fn submission_id(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value.get("id")?.as_str().map(str::to_owned)
}

/// The 201 answer for submission `id`.
pub fn accept(id: &str) -> worker::Result<Response> {
    Ok(Response::from_json(&Accepted { submission_id: id })?.with_status(201))
}

/// An error answer the load generator reports.
pub fn refuse(status: u16, error: &str) -> worker::Result<Response> {
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
