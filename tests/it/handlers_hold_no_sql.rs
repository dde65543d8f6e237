//! Handlers parse, call a store and render; the SQL of a table lives in the
//! store that owns it. This reads the source tree so a statement written
//! into a handler fails the suite instead of waiting for a review.

use std::path::{Path, PathBuf};

const SQL_CALLS: [&str; 4] = ["sqlx::query", "query_as", "query_scalar", "query!"];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

fn is_handler(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == "handlers.rs")
        || path.components().any(|part| part.as_os_str() == "handlers")
}

#[test]
fn no_handler_file_holds_sql() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let handlers: Vec<&PathBuf> = files.iter().filter(|p| is_handler(p)).collect();
    assert!(
        handlers.len() > 10,
        "the handlers were not found under {}",
        src.display()
    );
    let mut offenders = Vec::new();
    for path in handlers {
        let text = std::fs::read_to_string(path).expect("readable source");
        for (number, line) in text.lines().enumerate() {
            if let Some(call) = SQL_CALLS.iter().find(|call| line.contains(*call)) {
                let shown = path.strip_prefix(&src).unwrap_or(path).display();
                offenders.push(format!("src/{shown}:{}: {call}", number + 1));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "SQL belongs in the store that owns the table, not in a handler:\n{}",
        offenders.join("\n")
    );
}
