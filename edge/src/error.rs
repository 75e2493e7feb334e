//! The edge's one error type, and the one place that decides which HTTP
//! status and `application/problem+json` body (RFC 9457) each error gets.

use embudo_shared::{FieldError, Locale, SpecProblem, Text};
use serde::Serialize;
use worker::Response;

/// Everything that can stop a request, each with what the client needs to
/// know to fix it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No route has this path.
    #[error("nothing is served at {path}")]
    NotFound {
        /// The path asked for.
        path: String,
    },
    /// The path exists but not for this method.
    #[error("{method} is not allowed here; use {allowed}")]
    MethodNotAllowed {
        /// The method the client used.
        method: String,
        /// The methods the path accepts, for the `Allow` header.
        allowed: String,
    },
    /// The body is not declared as the type its route takes.
    #[error("the body must be {expected}, not {found}")]
    UnsupportedMediaType {
        /// The `Content-Type` the client sent.
        found: String,
        /// The type the route takes.
        expected: &'static str,
    },
    /// The body is larger than the edge reads.
    #[error("the body is larger than {limit} bytes")]
    PayloadTooLarge {
        /// The largest body accepted, in bytes.
        limit: usize,
    },
    /// The body is not JSON of the expected shape.
    #[error("the body is not what this route reads: {reason}")]
    MalformedJson {
        /// The parser's account of what is wrong and where.
        reason: String,
    },
    /// The body is JSON of the right shape with a value the route refuses.
    #[error("{}", reason.get(Locale::En))]
    BadBody {
        /// Which value, and what is wrong with it, in each language.
        reason: Text,
    },
    /// A query parameter has a value the route cannot use.
    #[error("the query parameter {name} is invalid: {}", reason.get(Locale::En))]
    BadQuery {
        /// The parameter's name.
        name: &'static str,
        /// What is wrong with it, in each language.
        reason: Text,
    },
    /// The submission breaks the form's rules; every field is listed.
    #[error("{} field(s) are invalid", fields.len())]
    Invalid {
        /// Each invalid field with code and localized message.
        fields: Vec<FieldError>,
    },
    /// A form spec has mistakes; the problem lists each with where it is,
    /// so an editor can show it beside the part it concerns.
    #[error("the form spec has {} mistake(s): {}", problems.len(), listed(problems))]
    InvalidSpec {
        /// Each mistake with its path in the spec.
        problems: Vec<SpecProblem>,
    },
    /// A submission id reused for a different submission.
    #[error("submission {id} was already sent with a different body")]
    IdConflict {
        /// The reused id.
        id: String,
    },
    /// The request's origin may not post to this site's forms.
    #[error("{origin} may not send submissions to this form")]
    OriginRefused {
        /// The `Origin` (or `Sec-Fetch-Site`) the request came with.
        origin: String,
    },
    /// A stage move that is not allowed.
    #[error("{}", reason.get(Locale::En))]
    StageMove {
        /// Why it is refused, in each language.
        reason: Text,
    },
    /// No form has this id.
    #[error("there is no form {form}")]
    UnknownForm {
        /// The form id from the path.
        form: String,
    },
    /// A visitor token that is forged, expired or names no lead.
    #[error("the visitor token is not valid (forged, expired, or its lead was erased)")]
    VisitorToken,
    /// The request lacks the right bearer token.
    #[error("a valid bearer token is required")]
    Unauthorized,
    /// Signed in, but the caller's role on the site does not allow this.
    #[error("your role does not allow {} on {}", need.get(Locale::En), site.get(Locale::En))]
    Forbidden {
        /// What the route needs, in words in each language.
        need: Text,
        /// The site it was asked for (`every site` for cross-site routes).
        site: Text,
    },
    /// The e-mail and password do not match an account.
    #[error("the e-mail address or the password is wrong")]
    SignInFailed,
    /// Too many failed sign-ins for this e-mail or from this address.
    #[error("too many failed sign-ins; try again in {retry_after} seconds")]
    TooManySignIns {
        /// Seconds until the client may try again, for `Retry-After`.
        retry_after: u32,
    },
    /// A state-changing request carried a session cookie from another site.
    #[error("{origin} may not act with a dashboard session")]
    CrossSite {
        /// The `Origin` or `Sec-Fetch-Site` the request came with.
        origin: String,
    },
    /// The request does not fit the thing's current state.
    #[error("{}", reason.get(Locale::En))]
    Conflict {
        /// What the state is, and what would fit it, in each language.
        reason: Text,
    },
    /// An account with this e-mail exists already.
    #[error("there is already an account for {email}")]
    AccountExists {
        /// The e-mail address.
        email: String,
    },
    /// A secret or binding the route needs is not configured on this Worker.
    #[error("this Worker is missing its {what} configuration")]
    NotConfigured {
        /// The missing secret or binding.
        what: &'static str,
    },
    /// Too many submissions from one address to one site in a short time.
    #[error("too many submissions; try again in {retry_after} seconds")]
    RateLimited {
        /// Seconds until the client may try again, for `Retry-After`.
        retry_after: u32,
    },
    /// The form asks for Turnstile and the token is missing or was refused.
    #[error("the anti-bot check failed ({codes}); please try again")]
    TurnstileFailed {
        /// Turnstile's error codes, comma-separated.
        codes: String,
    },
    /// Storage or a service the request needs is down for now; nothing was
    /// stored and the same request may be sent again.
    #[error("temporarily unavailable: {reason}")]
    Unavailable {
        /// What failed, logged but never sent to the client.
        reason: String,
    },
    /// D1 or the runtime failed; the client is told only that it did.
    #[error("storage failed: {reason}")]
    Storage {
        /// The runtime's message, logged but never sent to the client.
        reason: String,
    },
}

/// `Result` with the edge's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Seconds a client is asked to wait before sending again after a 503.
pub const RETRY_AFTER_UNAVAILABLE: u32 = 5;

/// What D1 says when a query failed for reasons that pass: the same query
/// may work when tried again (Cloudflare's D1 documentation lists these).
const TRANSIENT_D1: [&str; 7] = [
    "Network connection lost",
    // "…storage caused object to be reset", "…exceeded timeout which
    // caused object to be reset"
    "caused object to be reset",
    "reset because its code was updated",
    "transient issue",
    "D1 DB is overloaded",
    "Internal error while starting up D1",
    "Please retry",
];

impl From<worker::Error> for Error {
    fn from(error: worker::Error) -> Self {
        let reason = error.to_string();
        if TRANSIENT_D1.iter().any(|mark| reason.contains(mark)) {
            Self::Unavailable { reason }
        } else {
            Self::Storage { reason }
        }
    }
}

impl Error {
    /// A value in the body the route refuses, said in English and Spanish.
    pub fn bad_body(en: impl Into<String>, es: impl Into<String>) -> Self {
        Self::BadBody {
            reason: Text::said(en, es),
        }
    }

    /// A request that does not fit the current state, said in English and
    /// Spanish.
    pub fn conflict(en: impl Into<String>, es: impl Into<String>) -> Self {
        Self::Conflict {
            reason: Text::said(en, es),
        }
    }

    /// Whether trying the same thing again may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}

impl From<embudo_shared::Error> for Error {
    fn from(error: embudo_shared::Error) -> Self {
        match error {
            embudo_shared::Error::Invalid { fields } => Self::Invalid { fields },
            embudo_shared::Error::Spec { problems } => Self::InvalidSpec { problems },
            moving @ embudo_shared::Error::Move { from, to, why } => Self::StageMove {
                reason: Text::said(
                    moving.to_string(),
                    format!(
                        "no se puede mover un lead de {from} a {to}: {}",
                        why.text(Locale::Es)
                    ),
                ),
            },
        }
    }
}

/// The body of an `application/problem+json` answer.
#[derive(Debug, Serialize)]
pub struct Problem<'a> {
    /// A stable URI naming the kind of problem; clients may switch on it.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: &'static str,
    /// The HTTP status, repeated for clients that only see the body.
    pub status: u16,
    /// What went wrong with this request, in English.
    pub detail: String,
    /// The same in each language the dashboard speaks (`es`, `en`), so a
    /// person reads a refusal in the language they work in.
    pub text: Text,
    /// The invalid fields, for a 422.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub errors: &'a [FieldError],
    /// A form spec's mistakes, each with its path, for a 422.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub problems: &'a [SpecProblem],
}

/// Spec problems as one line of text.
fn listed(problems: &[SpecProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::MalformedJson { .. } | Self::BadQuery { .. } | Self::BadBody { .. } => 400,
            Self::Unauthorized | Self::SignInFailed => 401,
            Self::NotFound { .. } | Self::UnknownForm { .. } => 404,
            Self::MethodNotAllowed { .. } => 405,
            Self::PayloadTooLarge { .. } => 413,
            Self::UnsupportedMediaType { .. } => 415,
            Self::OriginRefused { .. }
            | Self::TurnstileFailed { .. }
            | Self::VisitorToken
            | Self::Forbidden { .. }
            | Self::CrossSite { .. } => 403,
            Self::RateLimited { .. } | Self::TooManySignIns { .. } => 429,
            Self::StageMove { .. }
            | Self::IdConflict { .. }
            | Self::AccountExists { .. }
            | Self::Conflict { .. } => 409,
            Self::Invalid { .. } | Self::InvalidSpec { .. } => 422,
            Self::Storage { .. } => 500,
            Self::NotConfigured { .. } | Self::Unavailable { .. } => 503,
        }
    }

    /// The stable slug and title of this kind of problem.
    fn kind(&self) -> (&'static str, &'static str) {
        match self {
            Self::NotFound { .. } => ("not-found", "Not found"),
            Self::MethodNotAllowed { .. } => ("method-not-allowed", "Method not allowed"),
            Self::UnsupportedMediaType { .. } => {
                ("unsupported-media-type", "Unsupported media type")
            }
            Self::PayloadTooLarge { .. } => ("payload-too-large", "Payload too large"),
            Self::MalformedJson { .. } => ("malformed-json", "Malformed JSON"),
            Self::BadQuery { .. } => ("bad-query", "Invalid query parameter"),
            Self::BadBody { .. } => ("bad-body", "Invalid value in the body"),
            Self::Invalid { .. } => ("invalid-fields", "Some fields are invalid"),
            Self::UnknownForm { .. } => ("unknown-form", "Unknown form"),
            Self::InvalidSpec { .. } => ("invalid-spec", "The form spec has mistakes"),
            Self::StageMove { .. } => ("stage-move", "Stage move not allowed"),
            Self::IdConflict { .. } => ("submission-id-conflict", "Submission id reused"),
            Self::OriginRefused { .. } => ("origin-refused", "Origin not allowed"),
            Self::Unauthorized => ("unauthorized", "Unauthorized"),
            Self::VisitorToken => ("visitor-token", "Visitor token not valid"),
            Self::Forbidden { .. } => ("forbidden", "Not allowed for your role"),
            Self::SignInFailed => ("sign-in-failed", "Sign-in failed"),
            Self::TooManySignIns { .. } => ("too-many-sign-ins", "Too many failed sign-ins"),
            Self::CrossSite { .. } => ("cross-site", "Cross-site request refused"),
            Self::AccountExists { .. } => ("account-exists", "Account exists"),
            Self::Conflict { .. } => ("conflict", "Conflicts with the current state"),
            Self::NotConfigured { .. } => ("not-configured", "Not configured"),
            Self::RateLimited { .. } => ("rate-limited", "Too many requests"),
            Self::TurnstileFailed { .. } => ("turnstile-failed", "Anti-bot check failed"),
            Self::Unavailable { .. } => ("unavailable", "Temporarily unavailable"),
            Self::Storage { .. } => ("storage", "Internal error"),
        }
    }

    /// What went wrong, in English (as the error displays itself) and in
    /// Spanish. Storage and availability failures say what to do, never
    /// their cause.
    pub fn text(&self) -> Text {
        let es = match self {
            Self::NotFound { path } => format!("no hay nada en {path}"),
            Self::MethodNotAllowed { method, allowed } => {
                format!("{method} no se admite aquí; usa {allowed}")
            }
            Self::UnsupportedMediaType { found, expected } => {
                format!("el cuerpo debe ser {expected}, no {found}")
            }
            Self::PayloadTooLarge { limit } => format!("el cuerpo pasa de {limit} bytes"),
            Self::MalformedJson { reason } => {
                format!("el cuerpo no es lo que esta ruta lee: {reason}")
            }
            Self::BadBody { reason } | Self::StageMove { reason } | Self::Conflict { reason } => {
                return reason.clone()
            }
            Self::BadQuery { name, reason } => format!(
                "el parámetro {name} no es válido: {}",
                reason.get(Locale::Es)
            ),
            Self::Invalid { fields } => format!("{} campo(s) no son válidos", fields.len()),
            Self::InvalidSpec { problems } => format!(
                "la especificación del formulario tiene {} error(es): {}",
                problems.len(),
                problems
                    .iter()
                    .map(|p| match p.text.get(Locale::Es) {
                        "" => p.to_string(),
                        said => format!("{}: {said}", p.path),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Self::IdConflict { id } => {
                format!("el envío {id} ya se mandó con otro contenido")
            }
            Self::OriginRefused { origin } => {
                format!("{origin} no puede enviar datos a este formulario")
            }
            Self::UnknownForm { form } => format!("no hay ningún formulario {form}"),
            Self::VisitorToken => {
                "el token del visitante no es válido (falso, caducado o su lead fue borrado)"
                    .to_owned()
            }
            Self::Unauthorized => "hace falta un token de portador válido".to_owned(),
            Self::Forbidden { need, site } => format!(
                "tu rol no permite {} en {}",
                need.get(Locale::Es),
                site.get(Locale::Es)
            ),
            Self::SignInFailed => "el correo o la contraseña no son correctos".to_owned(),
            Self::TooManySignIns { retry_after } => format!(
                "demasiados intentos fallidos; vuelve a intentarlo en {retry_after} segundos"
            ),
            Self::CrossSite { origin } => {
                format!("{origin} no puede actuar con una sesión del panel")
            }
            Self::AccountExists { email } => format!("ya hay una cuenta para {email}"),
            Self::NotConfigured { what } => {
                format!("a este Worker le falta la configuración de {what}")
            }
            Self::RateLimited { retry_after } => format!(
                "demasiados envíos; vuelve a intentarlo en {retry_after} segundos"
            ),
            Self::TurnstileFailed { codes } => {
                format!("la comprobación anti-bots falló ({codes}); inténtalo de nuevo")
            }
            Self::Unavailable { .. } => {
                return Text::said(
                    format!("Nothing was stored. Send the same request again in {RETRY_AFTER_UNAVAILABLE} seconds."),
                    format!("No se guardó nada. Envía la misma petición de nuevo dentro de {RETRY_AFTER_UNAVAILABLE} segundos."),
                )
            }
            Self::Storage { .. } => {
                return Text::said(
                    "The request failed on our side. Please try again.",
                    "La petición falló por nuestra parte. Inténtalo de nuevo.",
                )
            }
        };
        Text::said(self.to_string(), es)
    }

    /// The problem document for this error. Internal details stay out of it.
    pub fn problem(&self) -> Problem<'_> {
        let (slug, title) = self.kind();
        let text = self.text();
        let errors = match self {
            Self::Invalid { fields } => fields.as_slice(),
            _ => &[],
        };
        let problems = match self {
            Self::InvalidSpec { problems } => problems.as_slice(),
            _ => &[],
        };
        Problem {
            kind: format!("urn:embudo:problem:{slug}"),
            title,
            status: self.status(),
            detail: text.get(Locale::En).to_owned(),
            text,
            errors,
            problems,
        }
    }

    /// The full HTTP answer: status, problem body and the headers it needs.
    pub fn into_response(self) -> worker::Result<Response> {
        match &self {
            Self::Storage { reason } => worker::console_error!("storage failed: {reason}"),
            Self::Unavailable { reason } => worker::console_warn!("unavailable: {reason}"),
            _ => {}
        }
        let body = serde_json::to_string(&self.problem())?;
        let mut response = Response::ok(body)?.with_status(self.status());
        let headers = response.headers_mut();
        headers.set("Content-Type", "application/problem+json")?;
        match &self {
            Self::MethodNotAllowed { allowed, .. } => headers.set("Allow", allowed)?,
            Self::Unauthorized => headers.set("WWW-Authenticate", "Bearer")?,
            Self::RateLimited { retry_after } | Self::TooManySignIns { retry_after } => {
                headers.set("Retry-After", &retry_after.to_string())?;
            }
            Self::Unavailable { .. } => {
                headers.set("Retry-After", &RETRY_AFTER_UNAVAILABLE.to_string())?;
            }
            _ => {}
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embudo_shared::{FieldErrorCode, Locale};

    #[test]
    fn each_client_mistake_gets_its_own_4xx() {
        let cases = [
            (Error::MalformedJson { reason: "x".into() }, 400),
            (Error::Unauthorized, 401),
            (Error::UnknownForm { form: "f".into() }, 404),
            (Error::PayloadTooLarge { limit: 1 }, 413),
            (
                Error::UnsupportedMediaType {
                    found: "text/plain".into(),
                    expected: "application/json",
                },
                415,
            ),
            (Error::Invalid { fields: vec![] }, 422),
            (Error::RateLimited { retry_after: 60 }, 429),
            (
                Error::TurnstileFailed {
                    codes: "invalid-input-response".into(),
                },
                403,
            ),
        ];
        for (error, status) in cases {
            assert_eq!(error.status(), status, "{error}");
            assert_eq!(error.problem().status, status);
        }
    }

    #[test]
    fn passing_d1_failures_ask_for_a_retry_and_others_do_not() {
        let overloaded = Error::from(worker::Error::RustError(
            "D1_ERROR: D1 DB is overloaded. Requests queued for too long.".into(),
        ));
        assert!(overloaded.is_transient());
        assert_eq!(overloaded.status(), 503);
        let problem = serde_json::to_string(&overloaded.problem()).expect("serializes");
        assert!(!problem.contains("queued"), "{problem}");
        let broken = Error::from(worker::Error::RustError(
            "D1_ERROR: no such table: leads".into(),
        ));
        assert!(!broken.is_transient());
        assert_eq!(broken.status(), 500);
        let stalled = Error::from(worker::Error::RustError(
            "D1_ERROR: D1 DB storage operation exceeded timeout which caused object to be reset."
                .into(),
        ));
        assert!(stalled.is_transient(), "a storage stall passes");
    }

    #[test]
    fn every_problem_is_said_in_english_and_in_spanish() {
        let words = |en: &str, es: &str| Text::said(en, es);
        let every = [
            Error::NotFound { path: "/x".into() },
            Error::MethodNotAllowed {
                method: "PUT".into(),
                allowed: "GET".into(),
            },
            Error::UnsupportedMediaType {
                found: "text/plain".into(),
                expected: "application/json",
            },
            Error::PayloadTooLarge { limit: 16_384 },
            Error::MalformedJson {
                reason: "EOF at line 1".into(),
            },
            Error::BadBody {
                reason: words("name: 1 to 200 characters", "name: de 1 a 200 caracteres"),
            },
            Error::BadQuery {
                name: "limit",
                reason: words("too big", "demasiado grande"),
            },
            Error::Invalid { fields: vec![] },
            Error::InvalidSpec {
                problems: vec![
                    SpecProblem::said("fields[0]", "no id".into(), "sin id".into()),
                    SpecProblem::new("rules", "expected a list"),
                ],
            },
            Error::IdConflict { id: "abc".into() },
            Error::OriginRefused {
                origin: "https://evil.example".into(),
            },
            Error::from(embudo_shared::Error::Move {
                from: embudo_shared::Stage::Mql,
                to: embudo_shared::Stage::Mql,
                why: embudo_shared::MoveRefusal::AlreadyThere,
            }),
            Error::UnknownForm { form: "f".into() },
            Error::VisitorToken,
            Error::Unauthorized,
            Error::Forbidden {
                need: words("reading leads", "leer leads"),
                site: words("acme", "acme"),
            },
            Error::SignInFailed,
            Error::TooManySignIns { retry_after: 60 },
            Error::CrossSite {
                origin: "https://evil.example".into(),
            },
            Error::Conflict {
                reason: words("saved meanwhile", "guardado mientras tanto"),
            },
            Error::AccountExists {
                email: "ana@example.com".into(),
            },
            Error::NotConfigured { what: "DB" },
            Error::RateLimited { retry_after: 30 },
            Error::TurnstileFailed {
                codes: "timeout-or-duplicate".into(),
            },
            Error::Unavailable {
                reason: "D1 DB is overloaded".into(),
            },
            Error::Storage {
                reason: "no such table".into(),
            },
        ];
        for error in every {
            let problem = error.problem();
            let (en, es) = (problem.text.get(Locale::En), problem.text.get(Locale::Es));
            assert_eq!(problem.detail, en, "the detail is the English text");
            assert!(!es.is_empty() && es != en, "{error:?}: {es:?}");
        }
    }

    #[test]
    fn a_spec_mistake_is_listed_in_spanish_where_it_was_written_so() {
        let error = Error::InvalidSpec {
            problems: vec![
                SpecProblem::said("fields[0].id", "no id".into(), "falta el id".into()),
                SpecProblem::new("rules", "expected a list"),
            ],
        };
        assert_eq!(
            error.text().get(Locale::Es),
            "la especificación del formulario tiene 2 error(es): fields[0].id: falta el id; rules: expected a list"
        );
    }

    #[test]
    fn storage_failures_do_not_leak_their_cause() {
        let error = Error::Storage {
            reason: "SQLITE_CONSTRAINT on leads.secret_column".into(),
        };
        let problem = serde_json::to_string(&error.problem()).expect("serializes");
        assert!(!problem.contains("secret_column"), "{problem}");
        assert!(problem.contains("urn:embudo:problem:storage"));
    }

    #[test]
    fn invalid_fields_are_listed_in_the_problem() {
        let error = Error::from(embudo_shared::Error::Invalid {
            fields: vec![
                FieldError::new("email", FieldErrorCode::InvalidEmail, Locale::En),
                FieldError::new("content", FieldErrorCode::ConsentRequired, Locale::En),
            ],
        });
        let problem = serde_json::to_value(error.problem()).expect("serializes");
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .expect("errors listed")
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(fields, ["email", "content"]);
        assert_eq!(problem["errors"][0]["code"], "invalid_email");
    }
}
