//! Sends a submission to the edge and reads its verdict.

use embudo_shared::{FieldError, Submission};
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, RequestMode, Response};

use crate::error::{Error, OrDom, Result};

/// What the edge decided about a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The lead is stored (201).
    Stored,
    /// The edge refused some fields (422); shown on those fields.
    Refused(Vec<FieldError>),
}

/// The part of an `application/problem+json` answer the widget reads.
#[derive(Deserialize)]
struct Problem {
    #[serde(default)]
    errors: Vec<FieldError>,
}

/// Posts `submission` to `{api}/v1/forms/{form}/submissions`.
pub async fn send(api: &str, form: &str, submission: &Submission) -> Result<Verdict> {
    let url = format!(
        "{}/v1/forms/{}/submissions",
        api.trim_end_matches('/'),
        encode(form)
    );
    let body = serde_wasm_bindgen::to_value(submission).map_err(|_| Error::Answer)?;
    let body = js_sys::JSON::stringify(&body).map_err(|_| Error::Answer)?;

    let init = RequestInit::new();
    init.set_method("POST");
    init.set_mode(RequestMode::Cors);
    init.set_body(&body.into());
    let request = Request::new_with_str_and_init(&url, &init).or_dom("Request")?;
    request
        .headers()
        .set("Content-Type", "application/json")
        .or_dom("Headers.set")?;

    let window = web_sys::window().or_dom("window")?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| Error::Network)?
        .dyn_into()
        .map_err(|_| Error::Network)?;

    match response.status() {
        200..=299 => Ok(Verdict::Stored),
        422 => {
            let json = JsFuture::from(response.json().map_err(|_| Error::Answer)?)
                .await
                .map_err(|_| Error::Answer)?;
            refused(json)
        }
        status => Err(Error::Server { status }),
    }
}

/// Reads the field errors from a 422 problem document. One that names no
/// field cannot be shown on the form, so it counts as an unreadable answer.
pub fn refused(problem: JsValue) -> Result<Verdict> {
    let problem: Problem = serde_wasm_bindgen::from_value(problem).map_err(|_| Error::Answer)?;
    if problem.errors.is_empty() {
        return Err(Error::Answer);
    }
    Ok(Verdict::Refused(problem.errors))
}

/// Percent-encodes a form id for a URL path segment.
fn encode(segment: &str) -> String {
    let encoded: JsValue = js_sys::encode_uri_component(segment).into();
    encoded.as_string().unwrap_or_default()
}
