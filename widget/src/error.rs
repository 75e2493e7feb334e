//! The widget's one error type. Every failure becomes a message the visitor
//! can read in their language; nothing panics across the wasm boundary.

use embudo_shared::Locale;
use wasm_bindgen::JsValue;

/// Why the widget could not do what the visitor asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The host page's DOM refused a call (a hostile or very old page).
    #[error("the page refused the DOM call {what}")]
    Dom {
        /// The call that failed, for the console.
        what: &'static str,
    },
    /// The request never got an answer (offline, DNS, CORS).
    #[error("the network request failed")]
    Network,
    /// The edge answered with a status the widget cannot act on.
    #[error("the server answered with status {status}")]
    Server {
        /// The HTTP status the edge sent.
        status: u16,
    },
    /// The edge's answer was not the JSON the widget expects.
    #[error("the server's answer could not be read")]
    Answer,
}

/// `Result` with the widget's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// What the visitor is told.
    pub fn message(&self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Self::Network, Locale::Es) => {
                "No pudimos conectar. Revisa tu conexión e inténtalo de nuevo."
            }
            (Self::Network, Locale::En) => {
                "We could not connect. Check your connection and try again."
            }
            (_, Locale::Es) => "Algo salió mal de nuestro lado. Inténtalo de nuevo en un momento.",
            (_, Locale::En) => "Something went wrong on our side. Please try again in a moment.",
        }
    }
}

/// An answer (or a kept letter) that is not the JSON it should be.
impl From<embudo_widget_json::Error> for Error {
    fn from(_: embudo_widget_json::Error) -> Self {
        Self::Answer
    }
}

impl From<Error> for JsValue {
    fn from(error: Error) -> Self {
        JsValue::from_str(&error.to_string())
    }
}

/// Names the DOM call behind a failed `Result` (a thrown `JsValue`, a failed
/// cast) or a missing `Option`.
pub(crate) trait OrDom<T> {
    /// Turns the failure into [`Error::Dom`] naming `what`.
    fn or_dom(self, what: &'static str) -> Result<T>;
}

impl<T, E> OrDom<T> for std::result::Result<T, E> {
    fn or_dom(self, what: &'static str) -> Result<T> {
        self.map_err(|_| Error::Dom { what })
    }
}

impl<T> OrDom<T> for Option<T> {
    fn or_dom(self, what: &'static str) -> Result<T> {
        self.ok_or(Error::Dom { what })
    }
}
