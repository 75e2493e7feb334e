//! Every route the Worker serves, listed once. The router dispatches from
//! this list, a wrong method is answered from it (405 with `Allow`), and a
//! test checks it against the OpenAPI document, so the code and the
//! description cannot drift apart.

/// One route: a method on a path pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /v1/forms/{form}/submissions`: a visitor's submission.
    Submit,
    /// `OPTIONS /v1/forms/{form}/submissions`: its CORS preflight.
    SubmitPreflight,
    /// `GET /v1/forms/{form}`: the public form spec.
    FormSpec,
    /// `GET /v1/forms/{form}/known`: the fields a returning visitor gave.
    Known,
    /// `GET /v1/leads`: the leads list.
    Leads,
    /// `GET /v1/offers/{form}/{submission}`: a signed offer link.
    Offer,
    /// `GET /v1/consents/{submission}`: the visitor's own consent page.
    ConsentPage,
    /// `POST /v1/consents/{submission}`: a consent the visitor withdraws
    /// there.
    WithdrawOwnConsent,
    /// `GET /v1/sites/{site}/consents/verify`: the consent chain's check.
    VerifyConsents,
    /// `GET /v1/sites/{site}/deliveries`: webhook deliveries.
    Deliveries,
    /// `GET /v1/sites/{site}/webhooks`: webhook endpoints.
    Webhooks,
    /// `GET /v1/openapi.json`: this API's description.
    OpenApi,
    /// `POST /v1/session`: signing in.
    SignIn,
    /// `GET /v1/session`: who is signed in.
    Session,
    /// `DELETE /v1/session`: signing out.
    SignOut,
    /// `POST /v1/accounts`: a new account.
    CreateAccount,
    /// `GET /v1/accounts`: the accounts an admin sees.
    Accounts,
    /// `POST /v1/tokens`: a new API token.
    CreateToken,
    /// `GET /v1/tokens`: the caller's API tokens.
    Tokens,
    /// `DELETE /v1/tokens/{token}`: revoking one.
    RevokeToken,
    /// `GET /v1/leads/{lead}`: one lead, all about it.
    Lead,
    /// `POST /v1/leads/{lead}/stage`: a person's stage move.
    MoveStage,
    /// `POST /v1/leads/{lead}/notes`: a note on a lead.
    AddNote,
    /// `POST /v1/leads/{lead}/consents/withdrawals`: a consent the person
    /// withdrew, recorded on their behalf.
    WithdrawConsent,
    /// `GET /v1/exports/leads`: the filtered leads as CSV or JSON.
    ExportLeads,
    /// `GET /v1/sites/{site}/funnel`: counts and conversions per stage.
    Funnel,
    /// `POST /v1/sites/{site}/webhooks`: a new endpoint.
    AddWebhook,
    /// `PATCH /v1/sites/{site}/webhooks/{webhook}`: changing one.
    ChangeWebhook,
    /// `POST /v1/sites/{site}/webhooks/{webhook}/test`: a signed ping.
    TestWebhook,
    /// `POST /v1/sites/{site}/webhooks/{webhook}/secret`: a new signing secret.
    RollWebhookSecret,
    /// `POST /v1/sites/{site}/deliveries/{delivery}/retry`: a dead one again.
    RetryDelivery,
    /// `POST /v1/sites/{site}/people/export`: all about one person.
    ExportPerson,
    /// `POST /v1/sites/{site}/people/erase`: one person forgotten.
    ErasePerson,
    /// `GET /v1/sites/{site}/forms`: the site's forms.
    Forms,
    /// `GET /v1/sites/{site}/forms/{form}`: one form's whole spec.
    Form,
    /// `PUT /v1/sites/{site}/forms/{form}`: creating or saving a form.
    SaveForm,
    /// `POST /v1/sites/{site}/forms/{form}/preview`: a spec tried out.
    PreviewForm,
    /// `POST /v1/sites/{site}/forms/{form}/rescore`: its leads scored again.
    Rescore,
    /// `GET /v1/sites/{site}/rescores/{rescore}`: how far that has got.
    RescoreProgress,
    /// `GET /v1/sites`: the sites the caller works on.
    Sites,
    /// `POST /v1/sites`: a new site.
    CreateSite,
    /// `PATCH /v1/sites/{site}`: its name, allowed origins, settings.
    ChangeSite,
    /// `PUT /v1/sites/{site}/members/{account}`: a person's role there.
    SetMember,
    /// `DELETE /v1/sites/{site}/members/{account}`: taking it away.
    RemoveMember,
    /// `POST /v1/accounts/{account}/sign-in-tokens`: a one-time sign-in.
    CreateSignInToken,
}

impl Endpoint {
    /// Every route, in the order they are tried.
    pub const ALL: [Self; 45] = [
        Self::Submit,
        Self::SubmitPreflight,
        Self::FormSpec,
        Self::Known,
        Self::Leads,
        Self::Offer,
        Self::ConsentPage,
        Self::WithdrawOwnConsent,
        Self::VerifyConsents,
        Self::Deliveries,
        Self::Webhooks,
        Self::OpenApi,
        Self::SignIn,
        Self::Session,
        Self::SignOut,
        Self::CreateAccount,
        Self::Accounts,
        Self::CreateToken,
        Self::Tokens,
        Self::RevokeToken,
        Self::Lead,
        Self::MoveStage,
        Self::AddNote,
        Self::WithdrawConsent,
        Self::ExportLeads,
        Self::Funnel,
        Self::AddWebhook,
        Self::ChangeWebhook,
        Self::TestWebhook,
        Self::RollWebhookSecret,
        Self::RetryDelivery,
        Self::ExportPerson,
        Self::ErasePerson,
        Self::Forms,
        Self::Form,
        Self::SaveForm,
        Self::PreviewForm,
        Self::Rescore,
        Self::RescoreProgress,
        Self::Sites,
        Self::CreateSite,
        Self::ChangeSite,
        Self::SetMember,
        Self::RemoveMember,
        Self::CreateSignInToken,
    ];

    /// The HTTP method.
    pub fn method(self) -> &'static str {
        match self {
            Self::Submit
            | Self::SignIn
            | Self::CreateAccount
            | Self::CreateToken
            | Self::MoveStage
            | Self::AddNote
            | Self::WithdrawConsent
            | Self::WithdrawOwnConsent
            | Self::AddWebhook
            | Self::TestWebhook
            | Self::RollWebhookSecret
            | Self::RetryDelivery
            | Self::ExportPerson
            | Self::ErasePerson
            | Self::PreviewForm
            | Self::Rescore
            | Self::CreateSite
            | Self::CreateSignInToken => "POST",
            Self::SaveForm | Self::SetMember => "PUT",
            Self::ChangeWebhook | Self::ChangeSite => "PATCH",
            Self::SubmitPreflight => "OPTIONS",
            Self::SignOut | Self::RevokeToken | Self::RemoveMember => "DELETE",
            _ => "GET",
        }
    }

    /// The path, with `{name}` for each parameter (OpenAPI's notation).
    pub fn pattern(self) -> &'static str {
        match self {
            Self::Submit | Self::SubmitPreflight => "/v1/forms/{form}/submissions",
            Self::FormSpec => "/v1/forms/{form}",
            Self::Known => "/v1/forms/{form}/known",
            Self::Leads => "/v1/leads",
            Self::Offer => "/v1/offers/{form}/{submission}",
            Self::ConsentPage | Self::WithdrawOwnConsent => "/v1/consents/{submission}",
            Self::VerifyConsents => "/v1/sites/{site}/consents/verify",
            Self::Deliveries => "/v1/sites/{site}/deliveries",
            Self::Webhooks => "/v1/sites/{site}/webhooks",
            Self::OpenApi => "/v1/openapi.json",
            Self::SignIn | Self::Session | Self::SignOut => "/v1/session",
            Self::CreateAccount | Self::Accounts => "/v1/accounts",
            Self::CreateToken | Self::Tokens => "/v1/tokens",
            Self::RevokeToken => "/v1/tokens/{token}",
            Self::Lead => "/v1/leads/{lead}",
            Self::MoveStage => "/v1/leads/{lead}/stage",
            Self::AddNote => "/v1/leads/{lead}/notes",
            Self::WithdrawConsent => "/v1/leads/{lead}/consents/withdrawals",
            Self::ExportLeads => "/v1/exports/leads",
            Self::Funnel => "/v1/sites/{site}/funnel",
            Self::AddWebhook => "/v1/sites/{site}/webhooks",
            Self::ChangeWebhook => "/v1/sites/{site}/webhooks/{webhook}",
            Self::TestWebhook => "/v1/sites/{site}/webhooks/{webhook}/test",
            Self::RollWebhookSecret => "/v1/sites/{site}/webhooks/{webhook}/secret",
            Self::RetryDelivery => "/v1/sites/{site}/deliveries/{delivery}/retry",
            Self::ExportPerson => "/v1/sites/{site}/people/export",
            Self::ErasePerson => "/v1/sites/{site}/people/erase",
            Self::Forms => "/v1/sites/{site}/forms",
            Self::Form | Self::SaveForm => "/v1/sites/{site}/forms/{form}",
            Self::PreviewForm => "/v1/sites/{site}/forms/{form}/preview",
            Self::Rescore => "/v1/sites/{site}/forms/{form}/rescore",
            Self::RescoreProgress => "/v1/sites/{site}/rescores/{rescore}",
            Self::Sites | Self::CreateSite => "/v1/sites",
            Self::ChangeSite => "/v1/sites/{site}",
            Self::SetMember | Self::RemoveMember => "/v1/sites/{site}/members/{account}",
            Self::CreateSignInToken => "/v1/accounts/{account}/sign-in-tokens",
        }
    }
}

/// The first value of the query parameter `name` in `url`, decoded.
pub fn query_param(url: &worker::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The parameters `path` gives `pattern`, percent-decoded, in order; `None`
/// when the path does not fit the pattern.
pub fn params(pattern: &str, path: &str) -> Option<Vec<String>> {
    let wanted: Vec<&str> = pattern.trim_matches('/').split('/').collect();
    let given: Vec<&str> = path.trim_matches('/').split('/').collect();
    if wanted.len() != given.len() {
        return None;
    }
    let mut params = Vec::new();
    for (want, got) in wanted.iter().zip(&given) {
        if want.starts_with('{') && want.ends_with('}') {
            let value = percent_encoding::percent_decode_str(got)
                .decode_utf8()
                .ok()?
                .into_owned();
            if value.is_empty() {
                return None;
            }
            params.push(value);
        } else if want != got {
            return None;
        }
    }
    Some(params)
}

/// The largest row id D1 takes exactly: it binds numbers as JavaScript
/// does, exactly only up to 2^53 − 1.
pub const MAX_ROW_ID: i64 = (1 << 53) - 1;

/// A row's id from a path parameter (a lead, an account): a whole number
/// from 1 to [`MAX_ROW_ID`]; `None` for anything else, which names no row.
pub fn row_id(raw: &str) -> Option<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| (1..=MAX_ROW_ID).contains(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fit_their_pattern_and_give_decoded_parameters() {
        let submit = Endpoint::Submit.pattern();
        assert_eq!(
            params(submit, "/v1/forms/demo-ebook/submissions"),
            Some(vec!["demo-ebook".to_owned()])
        );
        assert_eq!(
            params(submit, "/v1/forms/demo%2Debook/submissions/"),
            Some(vec!["demo-ebook".to_owned()])
        );
        assert_eq!(params(submit, "/v1/forms//submissions"), None);
        assert_eq!(params(submit, "/v1/forms/demo-ebook"), None);
        assert_eq!(params(submit, "/v1/forms/%FF/submissions"), None);
        assert_eq!(params("/v1/leads", "/v1/leads"), Some(vec![]));
    }

    #[test]
    fn row_ids_are_whole_numbers_d1_takes_exactly() {
        assert_eq!(row_id("1"), Some(1));
        assert_eq!(row_id("9007199254740991"), Some(MAX_ROW_ID));
        for refused in [
            "0",
            "-3",
            "9007199254740992",
            "506631433671145569",
            "1e3",
            "x",
            "",
        ] {
            assert_eq!(row_id(refused), None, "{refused}");
        }
    }

    #[test]
    fn the_openapi_document_describes_exactly_the_routes_served() {
        let document: serde_json::Value =
            serde_json::from_str(crate::openapi::DOCUMENT).expect("the document is JSON");
        assert_eq!(document["openapi"], "3.1.0");
        let paths = document["paths"].as_object().expect("paths");
        let mut documented: Vec<(String, String)> = paths
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .into_iter()
                    .flat_map(|ops| ops.keys())
                    .filter(|key| {
                        ["get", "post", "put", "patch", "delete", "options"].contains(&key.as_str())
                    })
                    .map(move |method| (method.to_uppercase(), path.clone()))
            })
            .collect();
        let mut served: Vec<(String, String)> = Endpoint::ALL
            .iter()
            .map(|e| (e.method().to_owned(), e.pattern().to_owned()))
            .collect();
        documented.sort();
        served.sort();
        assert_eq!(documented, served);
    }
}
