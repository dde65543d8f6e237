//! A case changes through one door: only `src/cases/` holds SQL that writes
//! the `cases` table or the timeline, and within it only the stores hold
//! that SQL and only the command executor (and the stores' own callers in
//! `src/cases/command/`) call the stores' writers. A handler that wrote a
//! case itself would skip the audit, the clocks or the terms.

use std::path::{Path, PathBuf};

use regex::Regex;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Each file of `src/` (relative path) with its text before any unit tests.
fn files() -> Vec<(String, String)> {
    let mut paths = Vec::new();
    sources(&src(), &mut paths);
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable");
            let text = match text.find("#[cfg(test)]") {
                Some(at) => text[..at].to_owned(),
                None => text,
            };
            let rel = path.strip_prefix(src()).expect("under src");
            (rel.to_string_lossy().replace('\\', "/"), text)
        })
        .collect()
}

fn writes_cases() -> Regex {
    Regex::new(r"(?i)(update\s+cases\b|insert\s+into\s+(cases|case_events)\b|delete\s+from\s+(cases|case_events)\b)")
        .expect("pattern")
}

fn writers_outside_the_stores(files: &[(String, String)]) -> Vec<String> {
    let sql = writes_cases();
    files
        .iter()
        .filter(|(path, text)| sql.is_match(text) && !path.starts_with("cases/store/"))
        .map(|(path, _)| path.clone())
        .collect()
}

#[test]
fn only_the_case_stores_hold_sql_that_writes_cases_or_their_timeline() {
    let found = writers_outside_the_stores(&files());
    assert!(
        found.is_empty(),
        "SQL writing cases outside src/cases/store/: {found:?}"
    );
}

#[test]
fn case_handlers_change_cases_only_through_commands() {
    let writer = Regex::new(
        r"\bstore::(set_[a-z_]+|add_event|add_user_event|touch|resolve|cancel|reactivate|forward|insert|update|add_activity|lock_and_write)\(",
    )
    .expect("pattern");
    let found: Vec<String> = files()
        .into_iter()
        .filter(|(path, text)| path.starts_with("cases/handlers/") && writer.is_match(text))
        .map(|(path, _)| path)
        .collect();
    assert!(
        found.is_empty(),
        "handlers writing cases by hand: {found:?}"
    );
}

#[test]
fn a_script_writing_cases_elsewhere_is_found() {
    let files = vec![
        (
            "sla/due.rs".to_owned(),
            "sqlx::query(\"UPDATE cases SET escalated = true\")".to_owned(),
        ),
        (
            "cases/store/mod.rs".to_owned(),
            "sqlx::query(\"update cases set x = 1\")".to_owned(),
        ),
        (
            "entitlements/terms.rs".to_owned(),
            "\"insert into case_events (id) values ($1)\"".to_owned(),
        ),
    ];
    assert_eq!(
        writers_outside_the_stores(&files),
        ["sla/due.rs", "entitlements/terms.rs"]
    );
}
