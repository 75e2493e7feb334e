//! Minifies the form's stylesheet (`src/form.css`) into `OUT_DIR`, so the
//! file keeps its comments and layout for whoever edits it while the wasm,
//! which every visitor downloads, carries none of them (about 0.3 KB
//! gzipped when added). rustdoc minifies its own CSS with the same crate.

use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=src/form.css");
    let css = std::fs::read_to_string("src/form.css")?;
    let minified = minifier::css::minify(&css)?.to_string();
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("form.css");
    std::fs::write(out, minified.trim())?;
    Ok(())
}
