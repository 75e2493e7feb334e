//! The widget's conversation with the edge: fetching a form's spec and
//! sending a submission.

use embudo_shared::{FieldError, FormSpec, Submission};
use embudo_widget_json::{Object, Read};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, RequestMode, Response};

use crate::error::{Error, OrDom, Result};
use crate::outbox::{self, Fate};

/// What the edge decided about a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The lead is stored (201), with the signed link to the offer if the
    /// edge gave one.
    Stored {
        /// The offer link (a path on the edge or a full URL).
        offer: Option<String>,
        /// The visitor token for progressive profiling, if the edge gave one.
        visitor: Option<String>,
        /// The visitor's own consent page (a path on the edge), if the
        /// edge gave one.
        consent_page: Option<String>,
    },
    /// The edge refused some fields (422); shown on those fields.
    Refused(Vec<FieldError>),
    /// The edge refused the Turnstile token (403, spent or expired while
    /// the submission waited): nothing was stored, and only a new token,
    /// so a new submission, can pass.
    Challenged,
    /// Refused for good with another status (a 4xx): sending the same again
    /// cannot help.
    Rejected {
        /// The status.
        status: u16,
    },
    /// Not taken now (offline, 429, 5xx): to be sent again.
    Later {
        /// The status, if the edge answered at all.
        status: Option<u16>,
        /// The edge's `Retry-After`, in seconds.
        retry_after: Option<u32>,
    },
}

/// The problem type of a refused Turnstile token.
const TURNSTILE_FAILED: &str = "urn:embudo:problem:turnstile-failed";

/// The part of an `application/problem+json` answer the widget reads: its
/// type and the field errors, if any.
struct Problem {
    kind: Option<String>,
    errors: Vec<FieldError>,
}

impl Read for Problem {
    fn read(value: JsValue) -> embudo_widget_json::Result<Self> {
        let problem = Object::read(value)?;
        Ok(Self {
            kind: problem.get("type")?,
            errors: problem.or_default("errors")?,
        })
    }
}

/// The part of a 201 answer the widget reads.
#[derive(Default)]
struct Stored {
    offer: Option<String>,
    visitor: Option<String>,
    consent_page: Option<String>,
}

impl Read for Stored {
    fn read(value: JsValue) -> embudo_widget_json::Result<Self> {
        let stored = Object::read(value)?;
        let offer: Option<Object> = stored.get("offer")?;
        Ok(Self {
            offer: offer.map(|offer| offer.need("url")).transpose()?,
            visitor: stored.get("visitor")?,
            consent_page: stored.get("consent_page")?,
        })
    }
}

/// `GET {api}/v1/forms/{form}`: the form's public spec.
pub async fn fetch_spec(api: &str, form: &str) -> Result<Box<FormSpec>> {
    let response = call(
        &format!("{}/v1/forms/{}", base(api), encode_segment(form)),
        None,
    )
    .await?;
    if !response.ok() {
        return Err(Error::Server {
            status: response.status(),
        });
    }
    Ok(Box::new(FormSpec::read(json(&response).await?)?))
}

/// `GET {api}/v1/forms/{form}/known?visitor=…`: the fields the edge already
/// knows for the visitor holding `token`.
pub async fn fetch_known(api: &str, form: &str, token: &str) -> Result<Vec<String>> {
    let token: String = js_sys::encode_uri_component(token).into();
    let url = format!(
        "{}/v1/forms/{}/known?visitor={token}",
        base(api),
        encode_segment(form)
    );
    let response = call(&url, None).await?;
    if !response.ok() {
        return Err(Error::Server {
            status: response.status(),
        });
    }
    Ok(Object::read(json(&response).await?)?.need("known")?)
}

/// The JSON body for `submission`, as the outbox keeps and resends it.
pub fn encode(submission: &Submission) -> Result<String> {
    Ok(embudo_widget_json::to_json(submission)?)
}

/// Posts the submission `body` to `{api}/v1/forms/{form}/submissions`. It
/// never fails: no answer at all is [`Verdict::Later`].
pub async fn send(api: &str, form: &str, body: &str) -> Verdict {
    let url = format!(
        "{}/v1/forms/{}/submissions",
        base(api),
        encode_segment(form)
    );
    let Ok(response) = call(&url, Some(JsValue::from_str(body))).await else {
        return Verdict::Later {
            status: None,
            retry_after: None,
        };
    };
    let status = response.status();
    match status {
        200..=299 => stored(json(&response).await.unwrap_or(JsValue::UNDEFINED)),
        422 => match json(&response).await.map(refused) {
            Ok(Ok(verdict)) => verdict,
            _ => Verdict::Rejected { status },
        },
        403 => match json(&response).await.map(Problem::read) {
            Ok(Ok(problem)) if problem.kind.as_deref() == Some(TURNSTILE_FAILED) => {
                Verdict::Challenged
            }
            _ => Verdict::Rejected { status },
        },
        status => match outbox::fate(Some(status), None) {
            Fate::Settled => Verdict::Rejected { status },
            Fate::Later(_) => Verdict::Later {
                status: Some(status),
                retry_after: response
                    .headers()
                    .get("Retry-After")
                    .ok()
                    .flatten()
                    .and_then(|seconds| seconds.trim().parse().ok()),
            },
        },
    }
}

/// What a 2xx `answer` says: stored, with the offer link, visitor token and
/// consent page it carries. Stored even if it does not read: those are
/// extras.
pub fn stored(answer: JsValue) -> Verdict {
    let stored = Stored::read(answer).unwrap_or_default();
    Verdict::Stored {
        offer: stored.offer,
        visitor: stored.visitor,
        consent_page: stored.consent_page,
    }
}

/// Reads the field errors from a 422 problem document. One that names no
/// field cannot be shown on the form, so it counts as an unreadable answer.
pub fn refused(problem: JsValue) -> Result<Verdict> {
    let problem = Problem::read(problem)?;
    if problem.errors.is_empty() {
        return Err(Error::Answer);
    }
    Ok(Verdict::Refused(problem.errors))
}

async fn call(url: &str, body: Option<JsValue>) -> Result<Response> {
    let init = RequestInit::new();
    init.set_mode(RequestMode::Cors);
    if let Some(body) = &body {
        init.set_method("POST");
        init.set_body(body);
    }
    let request = Request::new_with_str_and_init(url, &init).or_dom("Request")?;
    if body.is_some() {
        request
            .headers()
            .set("Content-Type", "application/json")
            .or_dom("Headers.set")?;
    }
    let window = web_sys::window().or_dom("window")?;
    JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| Error::Network)?
        .dyn_into()
        .map_err(|_| Error::Network)
}

async fn json(response: &Response) -> Result<JsValue> {
    JsFuture::from(response.json().map_err(|_| Error::Answer)?)
        .await
        .map_err(|_| Error::Answer)
}

fn base(api: &str) -> &str {
    api.trim_end_matches('/')
}

/// Percent-encodes a form id for a URL path segment.
fn encode_segment(segment: &str) -> String {
    let encoded: JsValue = js_sys::encode_uri_component(segment).into();
    encoded.as_string().unwrap_or_default()
}
