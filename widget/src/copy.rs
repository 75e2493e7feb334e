//! The widget's own text in each language: the chrome around a form. The
//! form's own text (labels, consent, offer) comes from its spec.

use embudo_shared::Locale;

/// Every string the widget itself shows, for one language.
pub struct Copy {
    /// The legend of the consent checkboxes.
    pub consents: &'static str,
    /// The empty first entry of a drop-down.
    pub choose: &'static str,
    /// Shown while the submission is on its way.
    pub sending: &'static str,
    /// Shown while a kept submission waits to be sent again.
    pub saved: &'static str,
    /// Shown while a submission the browser would not keep (storage
    /// blocked or full) waits to be sent again: only this page can send it.
    pub unsaved: &'static str,
    /// Shown when the anti-bot check has not been passed yet.
    pub challenge: &'static str,
    /// Shown when the edge refused the check's token (most often expired
    /// while the submission waited): nothing was stored, and the answers
    /// are still there.
    pub challenge_again: &'static str,
    /// Announced when the form has errors to fix.
    pub fix_errors: &'static str,
    /// The link to a downloadable offer.
    pub download: &'static str,
    /// The link to the visitor's own consent page, where they can withdraw.
    pub consents_page: &'static str,
    /// Shown in place of the form when it cannot be loaded.
    pub unavailable: &'static str,
    /// Said when a preview's answers pass: the dashboard's preview sends nothing.
    pub preview: &'static str,
}

const ES: Copy = Copy {
    consents: "Consentimiento",
    choose: "Elige una opción",
    sending: "Enviando…",
    saved: "Guardado en este navegador. Lo enviaremos en cuanto podamos conectar.",
    unsaved: "Aún no se ha enviado y este navegador no permite guardarlo. Seguimos intentándolo: no cierres esta página.",
    challenge: "Completa la verificación antes de enviar.",
    challenge_again: "No se ha enviado: la verificación no es válida o caducó. Complétala de nuevo y vuelve a enviar.",
    fix_errors: "Revisa los campos marcados.",
    download: "Descargar ahora",
    consents_page: "Ver o retirar tus consentimientos",
    unavailable: "No pudimos cargar el formulario. Inténtalo de nuevo más tarde.",
    preview: "Vista previa: las respuestas son válidas; no se ha enviado nada.",
};

const EN: Copy = Copy {
    consents: "Consent",
    choose: "Choose an option",
    sending: "Sending…",
    saved: "Saved in this browser. We will send it as soon as we can connect.",
    unsaved: "Not sent yet, and this browser will not let us save it. We keep trying: please keep this page open.",
    challenge: "Please complete the check before sending.",
    challenge_again:
        "Not sent: the check failed or expired. Please complete it again and send once more.",
    fix_errors: "Please check the marked fields.",
    download: "Download now",
    consents_page: "See or withdraw your consents",
    unavailable: "We could not load the form. Please try again later.",
    preview: "Preview: the answers are valid; nothing was sent.",
};

/// The text for `locale`.
pub fn for_locale(locale: Locale) -> &'static Copy {
    match locale {
        Locale::Es => &ES,
        Locale::En => &EN,
    }
}
