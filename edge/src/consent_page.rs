//! The visitor's own consent page: where a person sees the consents they
//! gave a site and withdraws any of them themselves, as easily as they gave
//! it, without an account or a word to anyone.
//!
//! The answer to a submission that gave consents carries the page's link,
//! signed with the Worker secret `CONSENT_LINK_KEY` over the submission's
//! id. The signature is the only key to the page, and it does not expire:
//! the consents it manages do not either. A withdrawal is the same ledger
//! event staff record on the person's behalf (`leads::withdraw`), with the
//! keyed hash of the address it came from and `visitor` in the audit log.

use embudo_shared::spec::consent::Consent;
use embudo_shared::spec::consent::Purpose;
use embudo_shared::Locale;
use serde::Deserialize;
use worker::{query, D1Database, Env, Request, Response, Url};

use crate::error::{Error, Result};
use crate::faults::Faults;
use crate::leads::withdraw::{self, Withdrawal, Withdrawer};
use crate::{body, capture, forms, ledger, page, routes, token, DB_BINDING};

/// The Worker secret that signs consent page links.
pub const KEY_SECRET: &str = "CONSENT_LINK_KEY";

/// The path of the consent page of whoever sent `submission`, signed, or
/// `None` when no signing key is configured.
pub fn link(env: &Env, submission: &str) -> Option<String> {
    let key = env.secret(KEY_SECRET).ok()?.to_string();
    Some(address(submission, &sign(&key, submission), None))
}

/// What a link's signature covers: the submission's id, under a label of
/// its own.
fn signed(submission: &str) -> [&str; 2] {
    ["consents", submission]
}

/// The signature over the submission's id.
fn sign(key: &str, submission: &str) -> String {
    token::sign(key, &signed(submission))
}

/// The page's path with its signature, and the consent just withdrawn.
fn address(submission: &str, sig: &str, withdrawn: Option<&str>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("sig", sig);
    if let Some(consent) = withdrawn {
        query.append_pair("withdrawn", consent);
    }
    format!("/v1/consents/{submission}?{}", query.finish())
}

/// The person behind a submission, as the page needs them.
#[derive(Deserialize)]
struct Person {
    lead_id: i64,
    site_id: String,
    form_id: String,
    locale: Option<String>,
    erased_at: Option<String>,
}

impl Person {
    /// The language the person wrote in (Spanish when the submission no
    /// longer says).
    fn locale(&self) -> Locale {
        self.locale
            .as_deref()
            .map(Locale::from_tag)
            .unwrap_or_default()
    }
}

/// A consent's latest event for the person: whether it is given now.
#[derive(Deserialize)]
struct Latest {
    consent_id: String,
    purpose: Purpose,
    version: String,
    granted: i64,
    at: String,
}

/// What the checks before either answer found: the person and where the
/// page is, or the page refusing the link.
enum Opened {
    Person(Person, String),
    Refused(Response),
}

/// The signature's check and the person's lookup, shared by both answers.
async fn open(env: &Env, db: &D1Database, url: &Url, submission: &str) -> Result<Opened> {
    let key = token::key(env, KEY_SECRET)?;
    let sig = routes::query_param(url, "sig").unwrap_or_default();
    if !token::verify(&key, &signed(submission), &sig) {
        return Ok(Opened::Refused(refused(403)?));
    }
    let person: Option<Person> = query!(
        db,
        "SELECT s.lead_id, s.form_id, l.site_id, s.data ->> '$.locale' AS locale, l.erased_at
           FROM submissions s JOIN leads l ON l.id = s.lead_id
          WHERE s.id = ?1",
        submission
    )?
    .first(None)
    .await?;
    match person {
        Some(person) if person.erased_at.is_none() => Ok(Opened::Person(person, sig)),
        // Erased (or purged) since: nothing of the person is left to manage.
        _ => Ok(Opened::Refused(refused(410)?)),
    }
}

/// `GET /v1/consents/{submission}?sig=…`: the page, with every consent the
/// person gave or withdrew and a button for each one given now.
pub async fn show(req: &Request, env: &Env, submission: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let url = req.url()?;
    let (person, sig) = match open(env, &db, &url, submission).await? {
        Opened::Person(person, sig) => (person, sig),
        Opened::Refused(response) => return Ok(response),
    };
    let locale = person.locale();
    // Per consent, one event of the latest of each of its purposes (an item
    // whose purpose changed holds two; a withdrawal ends them all): the
    // latest grant while one is given, else the latest withdrawal.
    let latest = capture::latest_events_sql("?1", Some("e.consent_id"));
    let consents: Vec<Latest> = query!(
        &db,
        &format!(
            "SELECT e.consent_id, e.purpose, e.version, e.granted, e.at
               FROM consent_events e
              WHERE e.lead_id = ?1
                AND e.id = (SELECT l.id FROM consent_events l WHERE l.id IN ({latest})
                             ORDER BY l.granted DESC, l.id DESC LIMIT 1)
              ORDER BY e.id"
        ),
        person.lead_id
    )?
    .all()
    .await?
    .results()?;
    // The form's texts, current and earlier, to show the words a consent
    // was given to; its purpose when they are another form's.
    let mut texts = match forms::load(env, &db, &person.form_id).await {
        Ok(form) => form.spec.consents.clone(),
        Err(_) => Vec::new(),
    };
    let ids: Vec<String> = consents.iter().map(|c| c.consent_id.clone()).collect();
    match forms::texts::earlier(&db, &person.form_id, &ids).await {
        Ok(earlier) => texts.extend(earlier),
        Err(error) => worker::console_error!("consent page: earlier texts not read: {error}"),
    }
    let shown: Vec<Shown> = consents
        .iter()
        .map(|latest| Shown::of(latest, &texts, locale))
        .collect();
    let withdrawn = routes::query_param(&url, "withdrawn")
        .filter(|id| shown.iter().any(|item| &item.id == id && !item.given));
    let action = address(submission, &sig, None);
    let words = Words::of(locale);
    page::html(
        200,
        locale.tag(),
        words.title,
        &render(&words, &shown, withdrawn.as_deref(), &action),
    )
}

/// `POST /v1/consents/{submission}?sig=…` with the form field `consent`:
/// withdraws it and goes back to the page (303), which says so; a consent
/// the person never gave gets a 409 page.
pub async fn withdraw(mut req: Request, env: &Env, submission: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let url = req.url()?;
    let (person, sig) = match open(env, &db, &url, submission).await? {
        Opened::Person(person, sig) => (person, sig),
        Opened::Refused(response) => return Ok(response),
    };
    let fields = body::read_form(&mut req).await?;
    let Some((_, consent)) = fields.into_iter().find(|(name, _)| name == "consent") else {
        return Err(Error::bad_body(
            "consent: the form field naming the consent to withdraw is missing",
            "consent: falta el campo del formulario que nombra el consentimiento a retirar",
        ));
    };
    let ip = req.headers().get("CF-Connecting-IP")?;
    let by = Withdrawer {
        actor: "visitor",
        ip_hash: ledger::ip_hash(env, ip.as_deref()),
    };
    let faults = Faults::of(&req);
    match withdraw::record(
        env,
        &db,
        &person.site_id,
        person.lead_id,
        &consent,
        &by,
        &faults,
    )
    .await?
    {
        // Withdrawn twice (a double click, a second tab) is withdrawn once:
        // the page says so either way.
        Withdrawal::Recorded(_) | Withdrawal::AlreadyWithdrawn => {
            let back = url
                .join(&address(submission, &sig, Some(&consent)))
                .map_err(|error| Error::Storage {
                    reason: format!("the consent page's own address: {error}"),
                })?;
            Ok(Response::redirect_with_status(back, 303)?)
        }
        Withdrawal::NeverGiven => {
            let locale = person.locale();
            let words = Words::of(locale);
            let body = format!(
                "<h1>{}</h1><p><a href=\"{}\">{}</a></p>",
                words.not_given,
                page::attribute(&address(submission, &sig, None)),
                words.back
            );
            page::html(409, locale.tag(), words.title, &body)
        }
    }
}

/// A page for a link that does not work, in both languages: 403 for a
/// tampered one, 410 when the person's data is gone.
fn refused(status: u16) -> Result<Response> {
    let words = match status {
        410 => [
            "Ya no guardamos datos tuyos de este envío: no queda nada que retirar.",
            "We no longer keep any data of yours from this submission: there is nothing to withdraw.",
        ],
        _ => page::TAMPERED,
    };
    page::link_refused(status, words)
}

/// A consent as the page lists it.
struct Shown {
    /// The consent item's id, which a withdrawal names.
    id: String,
    /// What the person agreed to, and the language it is in.
    words: String,
    lang: Locale,
    /// Whether it is given now.
    given: bool,
    /// The day of its latest event (YYYY-MM-DD).
    day: String,
}

impl Shown {
    /// The consent's exact words when one of the form's `texts` (current or
    /// earlier) is the one it was given to, in whichever language it was
    /// read; else its purpose.
    fn of(latest: &Latest, texts: &[Consent], locale: Locale) -> Self {
        let read = texts
            .iter()
            .filter(|consent| consent.id == latest.consent_id)
            .find_map(|consent| {
                let mut locales = std::iter::once(locale).chain(Locale::ALL);
                locales
                    .find(|read| consent.version(*read) == latest.version)
                    .map(|read| (consent.text.get(read).to_owned(), read))
            });
        let (words, lang) =
            read.unwrap_or_else(|| (Words::of(locale).purpose(latest.purpose).into(), locale));
        Self {
            id: latest.consent_id.clone(),
            words,
            lang,
            given: latest.granted == 1,
            day: latest.at.chars().take(10).collect(),
        }
    }
}

/// The page's own words in one language.
struct Words {
    title: &'static str,
    intro: &'static str,
    none: &'static str,
    given: &'static str,
    withdrawn: &'static str,
    withdraw: &'static str,
    done: &'static str,
    not_given: &'static str,
    back: &'static str,
    purposes: [&'static str; 3],
}

impl Words {
    fn of(locale: Locale) -> Self {
        match locale {
            Locale::Es => Self {
                title: "Tus consentimientos",
                intro: "Esto es lo que aceptaste al dejarnos tus datos. Puedes retirar \
                        cualquier consentimiento cuando quieras: dejaremos de usar tus datos \
                        para eso desde ahora.",
                none: "No nos consta ningún consentimiento tuyo.",
                given: "Dado el",
                withdrawn: "Retirado el",
                withdraw: "Retirar este consentimiento",
                done: "Hecho: has retirado este consentimiento.",
                not_given: "No nos diste este consentimiento: no hay nada que retirar.",
                back: "Volver a tus consentimientos",
                purposes: [
                    "Recibir el contenido que pediste.",
                    "Recibir correos informativos y comerciales.",
                    "Que el equipo comercial se ponga en contacto contigo.",
                ],
            },
            Locale::En => Self {
                title: "Your consents",
                intro: "This is what you agreed to when you left us your details. You can \
                        withdraw any consent whenever you like: from now on we stop using \
                        your details for it.",
                none: "We hold no consent of yours.",
                given: "Given on",
                withdrawn: "Withdrawn on",
                withdraw: "Withdraw this consent",
                done: "Done: you have withdrawn this consent.",
                not_given: "You never gave us this consent: there is nothing to withdraw.",
                back: "Back to your consents",
                purposes: [
                    "Receiving the content you asked for.",
                    "Receiving informative and marketing e-mails.",
                    "Being contacted by the sales team.",
                ],
            },
        }
    }

    fn purpose(&self, purpose: Purpose) -> &'static str {
        match purpose {
            Purpose::ContentDelivery => self.purposes[0],
            Purpose::MarketingEmails => self.purposes[1],
            Purpose::SalesContact => self.purposes[2],
        }
    }
}

/// The page's `<main>`: every consent, a form posting to `action` for each
/// one given now, and a line for the one just withdrawn. Everything from
/// outside the page (texts, ids) is escaped.
fn render(words: &Words, shown: &[Shown], withdrawn: Option<&str>, action: &str) -> String {
    let mut html = format!("<h1>{}</h1><p>{}</p>", words.title, words.intro);
    if shown.is_empty() {
        html.push_str(&format!("<p>{}</p>", words.none));
    }
    html.push_str("<ul>");
    for (index, item) in shown.iter().enumerate() {
        let state = if item.given {
            words.given
        } else {
            words.withdrawn
        };
        html.push_str(&format!(
            "<li><p id=\"consent-{index}\" lang=\"{}\">{}</p><p>{state} {}</p>",
            item.lang.tag(),
            page::text(&item.words),
            page::text(&item.day),
        ));
        if withdrawn == Some(item.id.as_str()) {
            html.push_str(&format!("<p role=\"status\">{}</p>", words.done));
        }
        if item.given {
            html.push_str(&format!(
                "<form method=\"post\" action=\"{}\">\
                 <input type=\"hidden\" name=\"consent\" value=\"{}\">\
                 <button type=\"submit\" aria-describedby=\"consent-{index}\">{}</button></form>",
                page::attribute(action),
                page::attribute(&item.id),
                words.withdraw,
            ));
        }
        html.push_str("</li>");
    }
    html.push_str("</ul>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(id: &str, words: &str, given: bool) -> Shown {
        Shown {
            id: id.into(),
            words: words.into(),
            lang: Locale::Es,
            given,
            day: "2026-12-01".into(),
        }
    }

    #[test]
    fn a_given_consent_has_a_button_and_a_withdrawn_one_says_so() {
        let words = Words::of(Locale::Es);
        let html = render(
            &words,
            &[
                shown("sales", "Llamadme", true),
                shown("news", "Boletín", false),
            ],
            Some("news"),
            "/v1/consents/abc12345?sig=00",
        );
        assert_eq!(html.matches("<form").count(), 1, "{html}");
        assert!(html.contains("name=\"consent\" value=\"sales\""), "{html}");
        assert!(html.contains("Retirado el 2026-12-01"), "{html}");
        assert!(html.contains(words.done), "{html}");
    }

    #[test]
    fn texts_and_ids_from_a_spec_cannot_add_markup() {
        let html = render(
            &Words::of(Locale::En),
            &[shown("x\"><script>", "<img src=x onerror=alert(1)>", true)],
            None,
            "/v1/consents/abc12345?sig=00&withdrawn=\"",
        );
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("withdrawn=\""), "{html}");
    }

    #[test]
    fn the_link_is_signed_over_the_submission_alone() {
        assert_ne!(sign("k", "abc12345"), sign("k", "abc12346"));
        assert_ne!(sign("k", "abc12345"), sign("k2", "abc12345"));
        let path = address("abc12345", "ff", Some("a b&c"));
        assert_eq!(path, "/v1/consents/abc12345?sig=ff&withdrawn=a+b%26c");
    }
}
