//! `embudo-spec`: checks form spec files and turns them into the SQL that
//! loads them into D1.
//!
//! ```text
//! embudo-spec check FILE...   every problem of each spec, with where it is
//! embudo-spec sql FILE...     SQL upserting each (checked) spec into `forms`
//! ```
//! Files are TOML (`.toml`) or JSON. Exits 1 if any spec has a problem, so a
//! broken spec never reaches the database.

use std::process::ExitCode;

use embudo_shared::{Error, FormSpec};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, files)) = args.split_first() else {
        eprintln!("usage: embudo-spec check|sql FILE...");
        return ExitCode::from(2);
    };
    if files.is_empty() || !matches!(command.as_str(), "check" | "sql") {
        eprintln!("usage: embudo-spec check|sql FILE...");
        return ExitCode::from(2);
    }
    let mut failed = false;
    for file in files {
        match load(file) {
            Ok(spec) if command == "sql" => match upsert(&spec) {
                Ok(sql) => println!("{sql}"),
                Err(error) => {
                    eprintln!("{file}: {error}");
                    failed = true;
                }
            },
            Ok(spec) => println!("{file}: form {} is sound", spec.id),
            Err(problems) => {
                for problem in problems {
                    eprintln!("{file}: {problem}");
                }
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn load(file: &str) -> Result<FormSpec, Vec<String>> {
    let text = std::fs::read_to_string(file).map_err(|error| vec![error.to_string()])?;
    let spec = if file.ends_with(".toml") {
        FormSpec::from_toml(&text)
    } else {
        FormSpec::from_json(&text)
    };
    spec.map_err(|error| match error {
        Error::Spec { problems } => problems.iter().map(ToString::to_string).collect(),
        other => vec![other.to_string()],
    })
}

/// An upsert of `spec` into `forms`. D1's file import takes no bound
/// parameters, so the values are SQL string literals, quotes doubled.
fn upsert(spec: &FormSpec) -> Result<String, serde_json::Error> {
    let json = serde_json::to_string(spec)?;
    let name = spec.offer.title.get(embudo_shared::Locale::Es);
    Ok(format!(
        "INSERT INTO forms (id, site_id, name, spec, revision) VALUES ({}, {}, {}, {}, {})\n  \
         ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, name = excluded.name, \
         spec = excluded.spec, revision = excluded.revision, \
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now');",
        literal(&spec.id),
        literal(&spec.site),
        literal(name),
        literal(&json),
        spec.revision
    ))
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
