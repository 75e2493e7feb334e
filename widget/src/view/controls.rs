//! One control per field kind, each labelled, with its hint and its error
//! slot tied to it by `aria-describedby`.

use embudo_shared::spec::consent::Consent;
use embudo_shared::spec::field::{Field, FieldKind};
use embudo_shared::Locale;
use web_sys::{Document, Element};

use super::dom::{append, make, text};
use crate::copy;
use crate::error::Result;

/// The element id of a field's control (or of its first checkbox).
pub fn field_id(field: &str) -> String {
    format!("embudo-f-{field}")
}

/// The element id of a consent item's checkbox.
pub fn consent_id(consent: &str) -> String {
    format!("embudo-c-{consent}")
}

/// The id of the error slot of the control with element id `control`.
pub fn error_id(control: &str) -> String {
    format!("{control}-error")
}

/// Renders `field`: its wrapper, for the form to place.
pub fn field(doc: &Document, field: &Field, locale: Locale) -> Result<Element> {
    let id = field_id(&field.id);
    let wrapper = make(doc, "div", &[("class", "field"), ("part", "field")])?;
    let mut described = error_id(&id);
    let hint = match &field.hint {
        Some(hint) => {
            let hint_id = format!("{id}-hint");
            described = format!("{hint_id} {described}");
            Some(text(
                doc,
                "p",
                &[("id", &hint_id), ("class", "hint")],
                hint.get(locale),
            )?)
        }
        None => None,
    };
    let label = field.label.get(locale);

    if field.kind.is_multiple() {
        let group = make(doc, "fieldset", &[("aria-describedby", &described)])?;
        append(&group, &[&text(doc, "legend", &[], label)?])?;
        for (n, option) in field.options.iter().enumerate() {
            let box_id = if n == 0 {
                id.clone()
            } else {
                format!("{id}-{n}")
            };
            let row = make(doc, "div", &[("class", "check")])?;
            let input = make(
                doc,
                "input",
                &[
                    ("type", "checkbox"),
                    ("id", &box_id),
                    ("name", &field.id),
                    ("value", &option.value),
                ],
            )?;
            let option_label = text(doc, "label", &[("for", &box_id)], option.label.get(locale))?;
            append(&row, &[&input, &option_label])?;
            append(&group, &[&row])?;
        }
        if let Some(hint) = &hint {
            append(&group, &[hint])?;
        }
        append(&group, &[&error_slot(doc, &id)?])?;
        append(&wrapper, &[&group])?;
        return Ok(wrapper);
    }

    let control = control(doc, field, &id, locale)?;
    control.set_attribute("aria-describedby", &described).ok();
    control.set_attribute("name", &field.id).ok();
    if field.required || field.kind == FieldKind::Email {
        control.set_attribute("required", "").ok();
    }
    let label = text(doc, "label", &[("for", &id)], label)?;
    append(&wrapper, &[&label])?;
    if let Some(hint) = &hint {
        append(&wrapper, &[hint])?;
    }
    append(&wrapper, &[&control, &error_slot(doc, &id)?])?;
    Ok(wrapper)
}

fn control(doc: &Document, field: &Field, id: &str, locale: Locale) -> Result<Element> {
    let max = field
        .max_length
        .unwrap_or_else(|| field.kind.default_max_length())
        .to_string();
    let autocomplete = field.kind.autocomplete();
    if !field.options.is_empty() {
        let select = make(doc, "select", &[("id", id), ("autocomplete", autocomplete)])?;
        append(
            &select,
            &[&text(
                doc,
                "option",
                &[("value", "")],
                copy::for_locale(locale).choose,
            )?],
        )?;
        for option in &field.options {
            let entry = text(
                doc,
                "option",
                &[("value", &option.value)],
                option.label.get(locale),
            )?;
            append(&select, &[&entry])?;
        }
        return Ok(select);
    }
    let (kind, inputmode) = match field.kind {
        FieldKind::Email => ("email", "email"),
        FieldKind::Phone => ("tel", "tel"),
        FieldKind::Website => ("url", "url"),
        FieldKind::Number => ("text", "numeric"),
        _ => ("text", "text"),
    };
    if field.kind == FieldKind::LongText {
        return make(
            doc,
            "textarea",
            &[("id", id), ("rows", "4"), ("maxlength", &max)],
        );
    }
    make(
        doc,
        "input",
        &[
            ("id", id),
            ("type", kind),
            ("inputmode", inputmode),
            ("autocomplete", autocomplete),
            ("maxlength", &max),
        ],
    )
}

/// Renders the consent items as one fieldset of unticked checkboxes, each
/// with the exact text whose version is recorded.
pub fn consents(doc: &Document, form: &Element, items: &[Consent], locale: Locale) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let group = make(
        doc,
        "fieldset",
        &[("class", "consents"), ("part", "consents")],
    )?;
    append(
        &group,
        &[&text(
            doc,
            "legend",
            &[],
            copy::for_locale(locale).consents,
        )?],
    )?;
    for item in items {
        let id = consent_id(&item.id);
        let row = make(doc, "div", &[("class", "check")])?;
        let input = make(
            doc,
            "input",
            &[
                ("type", "checkbox"),
                ("id", &id),
                ("name", &item.id),
                ("aria-describedby", &error_id(&id)),
            ],
        )?;
        if item.required {
            input.set_attribute("required", "").ok();
        }
        let label = text(doc, "label", &[("for", &id)], item.text.get(locale))?;
        append(&row, &[&input, &label])?;
        append(&group, &[&row, &error_slot(doc, &id)?])?;
    }
    append(form, &[&group])
}

fn error_slot(doc: &Document, control: &str) -> Result<Element> {
    make(doc, "p", &[("id", &error_id(control)), ("class", "error")])
}

/// The element id of the honeypot input.
pub const TRAP_ID: &str = "embudo-trap";

/// The honeypot: an input off-screen, out of the tab order and hidden from
/// assistive technology, so only a bot filling every input fills it.
pub fn trap(doc: &Document, form: &Element) -> Result<()> {
    let wrapper = make(doc, "div", &[("class", "trap"), ("aria-hidden", "true")])?;
    let label = text(doc, "label", &[("for", TRAP_ID)], "Website")?;
    let input = make(
        doc,
        "input",
        &[
            ("id", TRAP_ID),
            ("type", "text"),
            ("name", "website_url"),
            ("tabindex", "-1"),
            ("autocomplete", "off"),
        ],
    )?;
    append(&wrapper, &[&label, &input])?;
    append(form, &[&wrapper])
}
