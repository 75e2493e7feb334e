//! Embudo's edge: the Cloudflare Worker that takes in submissions and serves
//! the leads API. Static pages (the demo site, the widget's files) are served
//! by Workers static assets before this code runs; only `/v1/*` reaches it.
//!
//! The checks themselves live in `embudo-shared`; this crate is the adapter
//! between HTTP, D1 and that core.

pub mod access;
pub mod audit;
pub mod batch;
pub mod body;
pub mod capture;
pub mod consent_page;
pub mod digest;
pub mod error;
pub mod faults;
pub mod forms;
pub mod handoff;
pub mod leads;
pub mod ledger;
pub mod limit;
pub mod offer;
pub mod openapi;
pub mod origin;
pub mod outbound;
pub mod page;
pub mod queue;
pub mod routes;
pub mod site;
pub mod spam;
pub mod submissions;
pub mod token;
pub mod turnstile;
pub mod visitor;

use worker::{event, Context, Env, Request, Response, ScheduleContext, ScheduledEvent};

pub use error::{Error, Result};
use routes::Endpoint;

/// The name of the D1 binding in `wrangler.toml`.
pub const DB_BINDING: &str = "DB";

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> worker::Result<Response> {
    let response = match route(req, &env, &ctx).await {
        Ok(response) => response,
        Err(error) => error.into_response()?,
    };
    nosniff(response)
}

/// Marks `response` so browsers take its type as given. Every answer says
/// what it is (JSON, problem+json, CSV, an HTML page): none may be guessed
/// to be something else, say from a lead's field that looks like markup in
/// a JSON or CSV answer opened in a tab. A redirect made by
/// `Response.redirect` has immutable headers: it gets a copy to mark.
fn nosniff(mut response: Response) -> worker::Result<Response> {
    const NAME: &str = "X-Content-Type-Options";
    if response.headers_mut().set(NAME, "nosniff").is_ok() {
        return Ok(response);
    }
    let headers = worker::Headers::new();
    for (name, value) in response.headers().entries() {
        headers.set(&name, &value)?;
    }
    headers.set(NAME, "nosniff")?;
    Ok(response.with_headers(headers))
}

/// The cron triggers (`wrangler.toml`): every minute, links the consent
/// events written since the last run into their sites' chains, queues
/// handoff deliveries left unsent and gives leads without one their search
/// text ([`leads::search::fill`]); once a day
/// ([`leads::retention::PURGE_CRON`]), erases the leads past retention.
#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let db = match env.d1(DB_BINDING) {
        Ok(db) => db,
        Err(error) => {
            worker::console_error!("the scheduled run has no database: {error}");
            return;
        }
    };
    if event.cron() == leads::retention::PURGE_CRON {
        match leads::retention::purge(&db).await {
            Ok(purged) => worker::console_log!("retention purged {purged} leads"),
            Err(error) => worker::console_error!("the retention purge failed: {error}"),
        }
    } else {
        if let Err(error) = ledger::seal_all(&db).await {
            worker::console_error!("sealing the consent ledger failed: {error}");
        }
        match handoff::enqueue_stale(&env, &db).await {
            Ok(0) => {}
            Ok(queued) => worker::console_warn!("queued {queued} handoff deliveries left unsent"),
            Err(error) => {
                worker::console_error!("queueing unsent handoff deliveries failed: {error}")
            }
        }
        // Last: it may take a few seconds after a deploy.
        if let Err(error) = leads::search::fill(&db).await {
            worker::console_error!("giving leads their search text failed: {error}");
        }
    }
}

/// Sends each request to its handler by method and path (see [`routes`]).
async fn route(req: Request, env: &Env, ctx: &Context) -> Result<Response> {
    // Taken from the URL as the request came in (still percent-encoded, as
    // `Url::path` gives it), without parsing the URL a second time.
    let path = req.path();
    // The method as sent: `Request::method` reads any method it does not
    // know (QUERY, PROPFIND, …) as GET, which would answer it like one.
    let method = req.inner().method();
    let mut allowed = Vec::new();
    for endpoint in Endpoint::ALL {
        let Some(params) = routes::params(endpoint.pattern(), &path) else {
            continue;
        };
        if endpoint.method() == method {
            return dispatch(endpoint, &params, req, env, ctx).await;
        }
        allowed.push(endpoint.method());
    }
    if allowed.is_empty() {
        Err(Error::NotFound { path })
    } else {
        Err(Error::MethodNotAllowed {
            method,
            allowed: allowed.join(", "),
        })
    }
}

/// Calls `endpoint`'s handler with the path's parameters.
async fn dispatch(
    endpoint: Endpoint,
    params: &[String],
    req: Request,
    env: &Env,
    ctx: &Context,
) -> Result<Response> {
    let param = |i: usize| params.get(i).map(String::as_str).unwrap_or_default();
    match endpoint {
        Endpoint::Submit => submissions::create(req, env, ctx, param(0)).await,
        Endpoint::SubmitPreflight => submissions::preflight(req, env, param(0)).await,
        Endpoint::FormSpec => forms::public(&req, env, param(0)).await,
        Endpoint::Known => visitor::known(&req, env, param(0)).await,
        Endpoint::Leads => leads::list(&req, env).await,
        Endpoint::Offer => offer::follow(&req, env, param(0), param(1)).await,
        Endpoint::ConsentPage => consent_page::show(&req, env, param(0)).await,
        Endpoint::WithdrawOwnConsent => consent_page::withdraw(req, env, param(0)).await,
        Endpoint::VerifyConsents => ledger::verify_route(&req, env, param(0)).await,
        Endpoint::Deliveries => handoff::routes::deliveries(&req, env, param(0)).await,
        Endpoint::Webhooks => handoff::routes::webhooks(&req, env, param(0)).await,
        Endpoint::OpenApi => openapi::serve(),
        Endpoint::SignIn => access::session::sign_in(req, env).await,
        Endpoint::Session => access::session::current(&req, env).await,
        Endpoint::SignOut => access::session::sign_out(&req, env).await,
        Endpoint::CreateAccount => access::accounts::create(req, env).await,
        Endpoint::Accounts => access::accounts::list(&req, env).await,
        Endpoint::CreateToken => access::tokens::create(req, env).await,
        Endpoint::Tokens => access::tokens::list(&req, env).await,
        Endpoint::RevokeToken => access::tokens::revoke(&req, env, param(0)).await,
        Endpoint::Lead => leads::detail::show(&req, env, param(0)).await,
        Endpoint::MoveStage => leads::work::move_stage(req, env, param(0)).await,
        Endpoint::AddNote => leads::work::add_note(req, env, param(0)).await,
        Endpoint::WithdrawConsent => leads::withdraw::consent(req, env, param(0)).await,
        Endpoint::ExportLeads => leads::export::leads(&req, env).await,
        Endpoint::Funnel => leads::funnel::show(&req, env, param(0)).await,
        Endpoint::AddWebhook => handoff::endpoints::add(req, env, param(0)).await,
        Endpoint::ChangeWebhook => handoff::endpoints::change(req, env, param(0), param(1)).await,
        Endpoint::TestWebhook => handoff::endpoints::test(&req, env, param(0), param(1)).await,
        Endpoint::RollWebhookSecret => handoff::endpoints::roll(req, env, param(0), param(1)).await,
        Endpoint::RetryDelivery => handoff::endpoints::retry(&req, env, param(0), param(1)).await,
        Endpoint::ExportPerson => leads::person::export(req, env, param(0)).await,
        Endpoint::ErasePerson => leads::erase::person(req, env, param(0)).await,
        Endpoint::Forms => forms::edit::list(&req, env, param(0)).await,
        Endpoint::Form => forms::edit::show(&req, env, param(0), param(1)).await,
        Endpoint::SaveForm => forms::edit::save(req, env, param(0), param(1)).await,
        Endpoint::PreviewForm => forms::preview::preview(req, env, param(0), param(1)).await,
        Endpoint::Rescore => forms::rescore::start(&req, env, param(0), param(1)).await,
        Endpoint::RescoreProgress => forms::rescore::progress(&req, env, param(0), param(1)).await,
        Endpoint::Sites => site::admin::list(&req, env).await,
        Endpoint::CreateSite => site::admin::create(req, env).await,
        Endpoint::ChangeSite => site::admin::change(req, env, param(0)).await,
        Endpoint::SetMember => access::members::put(req, env, param(0), param(1)).await,
        Endpoint::RemoveMember => access::members::remove(&req, env, param(0), param(1)).await,
        Endpoint::CreateSignInToken => access::one_time::create(&req, env, param(0)).await,
    }
}
