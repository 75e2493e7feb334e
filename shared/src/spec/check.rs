//! Everything that can be wrong with a form spec, found in one pass so its
//! author sees every mistake at once, each with where it is.

use std::collections::BTreeSet;

use super::field::{Field, FieldKind};
use super::{Delivery, FormSpec, FORMAT};
use crate::error::{FieldErrorCode, SpecProblem};
use crate::locale::{Locale, Text};
use crate::qualify::{Condition, Stage};
use crate::submission;
use crate::unicode::Unicode;

/// The longest id (site, form, field, consent, rule, group, offer).
const MAX_ID_LEN: usize = 64;
/// The longest retention a form may set: ten years.
pub const MAX_RETENTION_DAYS: u32 = 3650;

/// The Unicode operations options are cleaned with, as validation cleans
/// answers: the crate's tables where it has them (the edge, native tools).
#[cfg(feature = "unicode")]
const UNICODE: &dyn Unicode = &crate::unicode::Tables;
/// Without tables (the widget's build, which never checks a spec: it gets
/// one the edge checked) text is taken as written, so an option's NFC form
/// goes unchecked there.
#[cfg(not(feature = "unicode"))]
const UNICODE: &dyn Unicode = &AsWritten;

/// Unicode that leaves text as written, for builds without tables.
#[cfg(not(feature = "unicode"))]
struct AsWritten;

#[cfg(not(feature = "unicode"))]
impl Unicode for AsWritten {
    fn nfc(&self, text: &str) -> String {
        text.to_owned()
    }

    fn domain_to_ascii(&self, domain: &str) -> Option<String> {
        Some(domain.to_owned())
    }
}

/// Every problem with `spec`; empty when it is sound.
pub fn problems(spec: &FormSpec) -> Vec<SpecProblem> {
    let mut found = Found::default();
    found.header(spec);
    found.fields(spec);
    found.consents(spec);
    found.rules(spec);
    found.0
}

#[derive(Default)]
struct Found(Vec<SpecProblem>);

/// What kind of thing an id names, in each language.
#[derive(Clone, Copy)]
struct Kind {
    en: &'static str,
    es: &'static str,
}

impl Kind {
    const FIELD: Self = Self {
        en: "field",
        es: "Campo",
    };
    const OPTION: Self = Self {
        en: "option",
        es: "Opción",
    };
    const CONSENT: Self = Self {
        en: "consent",
        es: "Consentimiento",
    };
    const GROUP: Self = Self {
        en: "group",
        es: "Grupo",
    };
    const RULE: Self = Self {
        en: "rule",
        es: "Regla",
    };
}

impl Found {
    /// A problem at `path`, said in English and in Spanish.
    fn add(&mut self, path: impl Into<String>, en: impl Into<String>, es: impl Into<String>) {
        self.0.push(SpecProblem::said(path, en.into(), es.into()));
    }

    fn id(&mut self, path: &str, id: &str) {
        let shaped = !id.is_empty()
            && id.len() <= MAX_ID_LEN
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !shaped {
            self.add(
                path,
                format!("{id:?} is not an id: use 1 to {MAX_ID_LEN} of a-z, 0-9, _ and -"),
                format!(
                    "{id:?} no es un identificador: usa de 1 a {MAX_ID_LEN} de a-z, 0-9, _ y -"
                ),
            );
        }
    }

    fn text(&mut self, path: &str, text: &Text, locales: &[Locale]) {
        for locale in text.missing(locales) {
            self.add(
                path,
                format!("no text for locale {locale}"),
                format!("falta el texto en {locale}"),
            );
        }
    }

    fn unique<'a>(&mut self, what: Kind, ids: impl IntoIterator<Item = (String, &'a str)>) {
        let mut seen = BTreeSet::new();
        for (path, id) in ids {
            if !seen.insert(id) {
                self.add(
                    path,
                    format!("duplicate {} id {id:?}", what.en),
                    format!("{} con el identificador {id:?} repetido", what.es),
                );
            }
        }
    }

    fn header(&mut self, spec: &FormSpec) {
        if spec.format != FORMAT {
            self.add(
                "format",
                format!(
                    "format {} is not supported; this version reads {FORMAT}",
                    spec.format
                ),
                format!(
                    "el formato {} no se admite; esta versión lee el {FORMAT}",
                    spec.format
                ),
            );
        }
        self.id("site", &spec.site);
        self.id("id", &spec.id);
        self.id("offer.id", &spec.offer.id);
        if let Some(turnstile) = &spec.turnstile {
            let key = &turnstile.site_key;
            let shaped = (1..=MAX_ID_LEN).contains(&key.len())
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !shaped {
                self.add(
                    "turnstile.site_key",
                    format!("{key:?} is not a Turnstile site key: 1 to {MAX_ID_LEN} of A-Z, a-z, 0-9, _ and -"),
                    format!("{key:?} no es una clave de sitio de Turnstile: de 1 a {MAX_ID_LEN} de A-Z, a-z, 0-9, _ y -"),
                );
            }
        }
        if let Some(days) = spec.retention_days {
            if !(1..=MAX_RETENTION_DAYS).contains(&days) {
                self.add(
                    "retention_days",
                    format!("keep leads 1 to {MAX_RETENTION_DAYS} days, or leave it out to keep them until erased"),
                    format!("guarda los leads de 1 a {MAX_RETENTION_DAYS} días, o déjalo vacío para guardarlos hasta que se borren"),
                );
            }
        }
        for locale in Locale::ALL {
            if !spec.locales.contains(&locale) {
                self.add(
                    "locales",
                    format!("{locale} is missing: every form ships in es and en"),
                    format!("falta {locale}: todo formulario va en es y en"),
                );
            }
        }
        let locales = &spec.locales;
        self.text("heading", &spec.heading, locales);
        self.text("submit", &spec.submit, locales);
        self.text("success", &spec.success, locales);
        self.text("offer.title", &spec.offer.title, locales);
        self.text("offer.description", &spec.offer.description, locales);
        if let Delivery::Download { url } | Delivery::Redirect { url } = &spec.offer.delivery {
            if !(url.starts_with("https://") || url.starts_with('/')) {
                self.add(
                    "offer.delivery.url",
                    "use an https:// URL or a path on the site",
                    "usa una URL https:// o una ruta del sitio",
                );
            }
        }
    }

    fn fields(&mut self, spec: &FormSpec) {
        let locales = &spec.locales;
        let emails = spec
            .fields
            .iter()
            .filter(|f| f.kind == FieldKind::Email)
            .count();
        if emails != 1 {
            self.add(
                "fields",
                format!("a form has exactly one email field, not {emails}"),
                format!("un formulario tiene exactamente un campo de correo, no {emails}"),
            );
        }
        self.unique(
            Kind::FIELD,
            spec.fields
                .iter()
                .enumerate()
                .map(|(i, f)| (format!("fields[{i}].id"), f.id.as_str())),
        );
        for (i, field) in spec.fields.iter().enumerate() {
            let at = |key: &str| format!("fields[{i}].{key}");
            self.id(&at("id"), &field.id);
            if field.kind != FieldKind::Hidden {
                self.text(&at("label"), &field.label, locales);
            } else if field.required {
                // The page's address fills a hidden field: a visitor who
                // came without it could never send the form.
                self.add(
                    at("required"),
                    "a hidden field cannot be required: visitors who arrive without it could never send the form",
                    "un campo oculto no puede ser obligatorio: quien llegue sin él nunca podría enviar el formulario",
                );
            }
            if let Some(hint) = &field.hint {
                self.text(&at("hint"), hint, locales);
            }
            let lists = field.kind.has_options();
            if lists && field.options.is_empty() {
                self.add(
                    at("options"),
                    format!("a {:?} field needs options", field.kind),
                    format!("un campo {:?} necesita opciones", field.kind),
                );
            }
            if !lists && field.kind != FieldKind::Country && !field.options.is_empty() {
                self.add(
                    at("options"),
                    format!("a {:?} field takes no options", field.kind),
                    format!("un campo {:?} no lleva opciones", field.kind),
                );
            }
            self.unique(
                Kind::OPTION,
                field
                    .options
                    .iter()
                    .enumerate()
                    .map(|(j, o)| (format!("fields[{i}].options[{j}].value"), o.value.as_str())),
            );
            for (j, option) in field.options.iter().enumerate() {
                let path = format!("fields[{i}].options[{j}].value");
                if option.value.trim().is_empty() {
                    self.add(
                        path,
                        "an option needs a value",
                        "una opción necesita un valor",
                    );
                } else if lists || field.kind == FieldKind::Country {
                    self.option_value(path, field, &option.value);
                }
                self.text(
                    &format!("fields[{i}].options[{j}].label"),
                    &option.label,
                    locales,
                );
            }
            if field.kind != FieldKind::Number && (field.min.is_some() || field.max.is_some()) {
                self.add(
                    at("min"),
                    "min and max apply to number fields only",
                    "min y max solo valen para campos de número",
                );
            }
            if let (Some(min), Some(max)) = (field.min, field.max) {
                if min > max {
                    self.add(
                        at("min"),
                        format!("min {min} is above max {max}"),
                        format!("min {min} es mayor que max {max}"),
                    );
                }
            }
            if let (Some(min), Some(max)) = (field.min_length, field.max_length) {
                if min > max {
                    self.add(
                        at("min_length"),
                        format!("min_length {min} is above max_length {max}"),
                        format!("min_length {min} es mayor que max_length {max}"),
                    );
                }
            }
        }
    }

    /// Refuses an option `value` no answer can match: validation cleans an
    /// answer ([`submission::choice`]) before comparing it with the options,
    /// so an option that cleaning changes or refuses can never be chosen.
    fn option_value(&mut self, path: String, field: &Field, value: &str) {
        match submission::choice(value, field, UNICODE) {
            Ok(read) if read == value => {}
            Ok(read) => self.add(
                path,
                format!("answers are read as {read:?}, so none can match {value:?}: write {read:?}"),
                format!("las respuestas se leen como {read:?}, así que ninguna coincide con {value:?}: escribe {read:?}"),
            ),
            Err(code) => {
                let (en, es) = match code {
                    FieldErrorCode::TooLong => (
                        "it is longer than the field's max_length",
                        "es más largo que el max_length del campo",
                    ),
                    FieldErrorCode::ControlCharacters => (
                        "it holds control or invisible characters",
                        "contiene caracteres de control o invisibles",
                    ),
                    FieldErrorCode::UnknownChoice => (
                        "a country is a two-letter ISO 3166 code",
                        "un país es un código ISO 3166 de dos letras",
                    ),
                    other => (
                        Locale::En.field_message(other),
                        Locale::Es.field_message(other),
                    ),
                };
                self.add(
                    path,
                    format!("no answer can match {value:?}: {en}"),
                    format!("ninguna respuesta puede coincidir con {value:?}: {es}"),
                );
            }
        }
    }

    fn consents(&mut self, spec: &FormSpec) {
        self.unique(
            Kind::CONSENT,
            spec.consents
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("consents[{i}].id"), c.id.as_str())),
        );
        for (i, consent) in spec.consents.iter().enumerate() {
            self.id(&format!("consents[{i}].id"), &consent.id);
            self.text(&format!("consents[{i}].text"), &consent.text, &spec.locales);
            if consent.versions.is_some() {
                self.add(
                    format!("consents[{i}].versions"),
                    "the edge computes the text's versions; leave them out",
                    "el edge calcula las versiones del texto; no las escribas",
                );
            }
            if spec.field(&consent.id).is_some() {
                self.add(
                    format!("consents[{i}].id"),
                    format!(
                        "{:?} is also a field id; submissions could not tell them apart",
                        consent.id
                    ),
                    format!(
                        "{:?} es también el identificador de un campo; los envíos no podrían distinguirlos",
                        consent.id
                    ),
                );
            }
        }
    }

    fn rules(&mut self, spec: &FormSpec) {
        let rules = &spec.qualification;
        self.unique(
            Kind::GROUP,
            rules
                .groups
                .iter()
                .enumerate()
                .map(|(i, g)| (format!("qualification.groups[{i}].id"), g.id.as_str())),
        );
        self.unique(
            Kind::RULE,
            rules
                .rules
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("qualification.rules[{i}].id"), r.id.as_str())),
        );
        for (i, group) in rules.groups.iter().enumerate() {
            self.id(&format!("qualification.groups[{i}].id"), &group.id);
        }
        for (i, rule) in rules.rules.iter().enumerate() {
            let at = |key: &str| format!("qualification.rules[{i}].{key}");
            self.id(&at("id"), &rule.id);
            if let Some(group) = &rule.group {
                if !rules.groups.iter().any(|g| &g.id == group) {
                    self.add(
                        at("group"),
                        format!("no group {group:?} is defined"),
                        format!("no hay ningún grupo {group:?}"),
                    );
                }
            }
            if matches!(rule.promote_to, Some(Stage::Lead | Stage::Disqualified)) {
                self.add(
                    at("promote_to"),
                    "promote to iql, mql, sql, opportunity or customer; use disqualify = true to disqualify",
                    "sube a iql, mql, sql, opportunity o customer; para descalificar usa disqualify = true",
                );
            }
            self.condition(spec, &at("when"), &rule.when);
        }
        let t = rules.thresholds;
        if !(t.iql <= t.mql && t.mql < t.sql) {
            self.add(
                "qualification.thresholds",
                format!(
                    "thresholds must rise: iql ({}) <= mql ({}) < sql ({})",
                    t.iql, t.mql, t.sql
                ),
                format!(
                    "los umbrales deben subir: iql ({}) <= mql ({}) < sql ({})",
                    t.iql, t.mql, t.sql
                ),
            );
        }
    }

    fn condition(&mut self, spec: &FormSpec, path: &str, condition: &Condition) {
        match condition {
            Condition::All { of } | Condition::Any { of } => {
                if of.is_empty() {
                    self.add(
                        format!("{path}.of"),
                        "list at least one condition",
                        "pon al menos una condición",
                    );
                }
                for (i, inner) in of.iter().enumerate() {
                    self.condition(spec, &format!("{path}.of[{i}]"), inner);
                }
                return;
            }
            Condition::Not { of } => return self.condition(spec, &format!("{path}.of"), of),
            Condition::InRange {
                min: Some(min),
                max: Some(max),
                ..
            } if min > max => {
                self.add(
                    path,
                    format!("min {min} is above max {max}"),
                    format!("min {min} es mayor que max {max}"),
                );
            }
            _ => {}
        }
        for id in condition.fields() {
            let Some(field) = spec.field(id) else {
                self.add(
                    format!("{path}.field"),
                    format!("no field {id:?} in this form"),
                    format!("no hay ningún campo {id:?} en este formulario"),
                );
                continue;
            };
            let values: Vec<&str> = match condition {
                Condition::Equals { value, .. } => vec![value.as_str()],
                Condition::OneOf { values, .. } => values.iter().map(String::as_str).collect(),
                _ => continue,
            };
            if values.is_empty() {
                self.add(
                    format!("{path}.values"),
                    "list at least one value",
                    "pon al menos un valor",
                );
            }
            if !field.options.is_empty() {
                for value in values {
                    if !field
                        .options
                        .iter()
                        .any(|o| o.value.eq_ignore_ascii_case(value))
                    {
                        self.add(
                            format!("{path}.value"),
                            format!("{value:?} is not an option of field {id:?}"),
                            format!("{value:?} no es una opción del campo {id:?}"),
                        );
                    }
                }
            }
        }
    }
}
