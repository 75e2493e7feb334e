//! Building DOM nodes, the few ways the form needs.

use web_sys::{Document, Element};

use crate::error::{OrDom, Result};

/// A new `tag` element with `attributes`.
pub fn make(doc: &Document, tag: &str, attributes: &[(&str, &str)]) -> Result<Element> {
    let element = doc.create_element(tag).or_dom("createElement")?;
    for (name, value) in attributes {
        element.set_attribute(name, value).or_dom("setAttribute")?;
    }
    Ok(element)
}

/// A new `tag` element with `attributes` holding `text` (as text, never HTML).
pub fn text(doc: &Document, tag: &str, attributes: &[(&str, &str)], text: &str) -> Result<Element> {
    let element = make(doc, tag, attributes)?;
    element.set_text_content(Some(text));
    Ok(element)
}

/// Appends `children` to `parent`, in order.
pub fn append(parent: &Element, children: &[&Element]) -> Result<()> {
    for child in children {
        parent.append_child(child).or_dom("appendChild")?;
    }
    Ok(())
}
