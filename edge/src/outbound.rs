//! Requests the edge itself sends (Turnstile's siteverify, webhooks): JSON
//! posted with a deadline, so a slow service cannot hold a visitor's request
//! or a queue batch for long.

use worker::web_sys::AbortSignal as TimeoutSignal;
use worker::{AbortSignal, Fetch, Headers, Method, Request, RequestInit};

/// What came back from a service: its status and body.
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body as text.
    pub body: String,
}

/// Posts `body` as JSON to `url` with `headers`, giving up after
/// `timeout_ms`. The error is a reason to log: the service was unreachable
/// or too slow.
pub async fn post_json(
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
    timeout_ms: u32,
) -> std::result::Result<Reply, String> {
    let sent = async {
        let all = Headers::new();
        all.set("Content-Type", "application/json")?;
        for (name, value) in headers {
            all.set(name, value)?;
        }
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(all)
            .with_body(Some(body.into()));
        let request = Request::new_with_init(url, &init)?;
        let signal = AbortSignal::from(TimeoutSignal::timeout_with_u32(timeout_ms));
        let mut response = Fetch::Request(request).send_with_signal(&signal).await?;
        let status = response.status_code();
        let body = response.text().await?;
        Ok::<_, worker::Error>(Reply { status, body })
    };
    sent.await.map_err(|error| format!("{url}: {error}"))
}
