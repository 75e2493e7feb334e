//! The visible text of the form in each language. Later the form spec will
//! carry the offer's own text; the chrome around it stays here.

use embudo_shared::Locale;

/// Every string the form shows, for one language.
pub struct Copy {
    /// The form's heading.
    pub heading: &'static str,
    /// One line under the heading saying what the visitor gets.
    pub intro: &'static str,
    /// Label of the name field.
    pub name: &'static str,
    /// Label of the e-mail field.
    pub email: &'static str,
    /// The consent checkbox's text: exactly what the visitor agrees to.
    pub consent: &'static str,
    /// The submit button.
    pub submit: &'static str,
    /// Shown while the submission is on its way.
    pub sending: &'static str,
    /// Shown once the edge has stored the lead.
    pub success: &'static str,
    /// Announced when the form has errors to fix.
    pub fix_errors: &'static str,
}

const ES: Copy = Copy {
    heading: "Recibe el contenido gratis",
    intro: "Déjanos tu correo y te lo enviamos ahora mismo.",
    name: "Nombre",
    email: "Correo electrónico",
    consent: "Acepto que me enviéis este contenido por correo electrónico.",
    submit: "Enviar",
    sending: "Enviando…",
    success: "¡Listo! Revisa tu correo: el contenido va de camino.",
    fix_errors: "Revisa los campos marcados.",
};

const EN: Copy = Copy {
    heading: "Get the content for free",
    intro: "Leave your e-mail and we will send it right away.",
    name: "Name",
    email: "E-mail",
    consent: "I agree to receive this content by e-mail.",
    submit: "Send",
    sending: "Sending…",
    success: "Done! Check your inbox: the content is on its way.",
    fix_errors: "Please check the marked fields.",
};

/// The text for `locale`.
pub fn for_locale(locale: Locale) -> &'static Copy {
    match locale {
        Locale::Es => &ES,
        Locale::En => &EN,
    }
}
