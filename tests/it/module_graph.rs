//! The top-level modules of `src/` import one another without cycles: each
//! layer imports only the ones below it, so a change in a low module (`core`,
//! `web`, `auth`) never has to know the features built on it.
//!
//! The graph is read from the text, as `shared/tools/modgraph` reads it:
//! every `crate::X` path (use statements, inline paths, `$crate::` in
//! macros), and the heads of `use crate::{X::.., Y}` groups. Unit tests
//! (`#[cfg(test)]` to the end of a file) may reach anywhere. The composition
//! roots build the whole app from every module, and nothing imports them.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use regex::Regex;

use crate::support::sources::read_sources;

const ROOTS: [&str; 4] = ["main", "lib", "cli", "app"];

/// Imports allowed to close a cycle for a while, left out of the search:
/// none today. Each listed pair must still import both ways, so once one is
/// gone its line must go too, and the list only shrinks.
const STILL_POINTING_UP: &[(&str, &str)] = &[];

type Graph = BTreeMap<String, BTreeSet<String>>;

#[test]
fn no_top_level_module_imports_itself_back() {
    let problems = problems(&graph_of(&read_sources()), STILL_POINTING_UP);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The layers of docs/DESIGN: what each module may never import. The leaf
/// types import nothing of the crate; `web` imports no feature; the engines
/// and the features below the case door never import it, nor what sits on
/// it (the worker, the composed pages, the demo data).
const NEVER: &[(&str, &[&str])] = &[
    ("core", &["*"]),
    (
        "web",
        &[
            "auth",
            "cases",
            "catalog",
            "customers",
            "entitlements",
            "mail",
            "notifications",
            "pages",
            "sla",
            "tenants",
            "users",
            "worker",
        ],
    ),
    ("sla", &["cases", "worker", "pages", "seed"]),
    ("routing", &["cases", "worker", "pages", "seed"]),
    ("queues", &["cases", "routing", "worker", "pages", "seed"]),
    ("entitlements", &["cases", "worker", "pages", "seed"]),
    ("notifications", &["cases", "worker", "pages", "seed"]),
    ("customers", &["cases", "worker", "pages", "seed"]),
    ("catalog", &["cases", "worker", "pages", "seed"]),
    ("users", &["cases", "worker", "pages", "seed"]),
    ("auth", &["cases", "worker", "pages", "seed"]),
    ("cases", &["worker", "pages", "seed"]),
];

#[test]
fn lower_layers_never_import_higher_ones() {
    let graph = graph_of(&read_sources());
    let mut wrong = Vec::new();
    for (module, never) in NEVER {
        for imported in graph.get(*module).into_iter().flatten() {
            if never.contains(&"*") || never.contains(&imported.as_str()) {
                wrong.push(format!("{module} imports {imported}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_pair_that_imports_each_other_is_named_as_a_cycle() {
    let graph = graph_of(&[
        ("web/page.rs", "use crate::auth::CurrentUser;"),
        ("auth/mod.rs", "use crate::web::{form::Form, page};"),
    ]);
    assert_eq!(
        problems(&graph, &[]),
        ["cycle: auth -> web -> auth (modules auth, web)"]
    );
}

#[test]
fn a_longer_cycle_is_named_through_every_module_on_it() {
    let graph = graph_of(&[
        ("users/store.rs", "crate::catalog::store::Choice"),
        ("catalog/cache.rs", "x: crate::tenants::Id"),
        ("tenants/mod.rs", "use crate::{users, db};"),
        ("db/mod.rs", ""),
    ]);
    assert_eq!(
        problems(&graph, &[]),
        ["cycle: catalog -> tenants -> users -> catalog (modules catalog, tenants, users)"]
    );
}

#[test]
fn a_listed_import_is_tolerated_until_the_pair_no_longer_exists() {
    let both_ways = graph_of(&[
        ("cases/mod.rs", "use crate::sla::engine;"),
        ("sla/sync.rs", "use crate::cases::store;"),
    ]);
    assert!(problems(&both_ways, &[("sla", "cases")]).is_empty());

    let one_way = graph_of(&[
        ("cases/mod.rs", "use crate::sla::engine;"),
        ("sla/sync.rs", ""),
    ]);
    assert_eq!(
        problems(&one_way, &[("sla", "cases")]),
        ["sla and cases no longer import each other: take (\"sla\", \"cases\") off the list"]
    );
}

#[test]
fn paths_are_read_as_modgraph_reads_them() {
    let graph = graph_of(&[
        (
            "worker/mod.rs",
            "pub use crate::{\n    sla::{self, worker as w},\n    mail,\n};\n\
             $crate::db::claim::due_table!();\n\
             #[cfg(test)]\nmod tests { use crate::cases::model; }",
        ),
        ("main.rs", "use crate::worker;"),
        ("sla/mod.rs", "use crate::app::AppState;"),
        ("mail/mod.rs", ""),
        ("db/mod.rs", ""),
        ("cases/mod.rs", ""),
    ]);
    assert_eq!(graph["worker"], set(&["db", "mail", "sla"]));
    assert!(graph["sla"].is_empty(), "composition roots are left out");
    assert!(!graph.contains_key("main"));
}

/// Each top-level module and the others it names. `files` are paths under
/// `src/` with their text.
fn graph_of<P: AsRef<str>, T: AsRef<str>>(files: &[(P, T)]) -> Graph {
    let path = Regex::new(r"\bcrate::(\w+)").expect("regex");
    let group = Regex::new(r"\bcrate::\{").expect("regex");
    let mut graph = Graph::new();
    for (file, text) in files {
        let top = file.as_ref().split('/').next().unwrap_or_default();
        let top = top.strip_suffix(".rs").unwrap_or(top).to_owned();
        let text = text.as_ref();
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        let names = graph.entry(top.clone()).or_default();
        names.extend(path.captures_iter(text).map(|c| c[1].to_owned()));
        for start in group.find_iter(text) {
            names.extend(group_heads(&text[start.end()..]));
        }
        names.remove(&top);
    }
    let known: BTreeSet<String> = graph.keys().cloned().collect();
    graph
        .into_iter()
        .filter(|(module, _)| !ROOTS.contains(&module.as_str()))
        .map(|(module, names)| {
            let names = names
                .into_iter()
                .filter(|n| known.contains(n) && !ROOTS.contains(&n.as_str()))
                .collect();
            (module, names)
        })
        .collect()
}

/// The first segment of each path in a `{...}` group, given the text after
/// its opening brace: `web::form::{self, X}, db }` gives web and db.
fn group_heads(text: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 1;
    let mut expecting_head = true;
    let mut word = String::new();
    for ch in text.chars() {
        if ch.is_alphanumeric() || ch == '_' {
            word.push(ch);
            continue;
        }
        if expecting_head && !word.is_empty() {
            heads.push(std::mem::take(&mut word));
            expecting_head = false;
        }
        word.clear();
        match ch {
            '{' => depth += 1,
            '}' if depth == 1 => break,
            '}' => depth -= 1,
            ',' if depth == 1 => expecting_head = true,
            ';' => break,
            _ if ch.is_whitespace() => {}
            _ => expecting_head = false,
        }
    }
    heads
}

/// What is wrong with `graph`: each cycle, and each listed import whose pair
/// no longer imports each other both ways.
fn problems(graph: &Graph, still_pointing_up: &[(&str, &str)]) -> Vec<String> {
    let imports = |a: &str, b: &str| graph.get(a).is_some_and(|n| n.contains(b));
    let mut problems = Vec::new();
    let mut rest = graph.clone();
    for &(from, to) in still_pointing_up {
        if imports(from, to) && imports(to, from) {
            if let Some(names) = rest.get_mut(from) {
                names.remove(to);
            }
        } else {
            problems.push(format!(
                "{from} and {to} no longer import each other: take ({from:?}, {to:?}) off the list"
            ));
        }
    }
    for group in cycles(&rest) {
        let path = cycle_through(&rest, &group);
        problems.push(format!(
            "cycle: {} (modules {})",
            path.join(" -> "),
            group.join(", ")
        ));
    }
    problems
}

/// The groups of two or more modules that reach one another (Kosaraju).
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    fn finish(graph: &Graph, node: &str, seen: &mut BTreeSet<String>, order: &mut Vec<String>) {
        if !seen.insert(node.to_owned()) {
            return;
        }
        for next in graph.get(node).into_iter().flatten() {
            finish(graph, next, seen, order);
        }
        order.push(node.to_owned());
    }
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    for node in graph.keys() {
        finish(graph, node, &mut seen, &mut order);
    }
    let mut reversed = Graph::new();
    for (from, names) in graph {
        for to in names {
            reversed.entry(to.clone()).or_default().insert(from.clone());
        }
    }
    let mut placed = BTreeSet::new();
    let mut groups = Vec::new();
    for node in order.iter().rev() {
        let mut group = Vec::new();
        finish(&reversed, node, &mut placed, &mut group);
        if group.len() > 1 {
            group.sort();
            groups.push(group);
        }
    }
    groups.sort();
    groups
}

/// One way round a group, from its first module back to it, by the
/// shortest path.
fn cycle_through(graph: &Graph, group: &[String]) -> Vec<String> {
    let start = &group[0];
    let mut came_from: BTreeMap<&String, &String> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for next in graph.get(node).into_iter().flatten() {
            if !group.contains(next) {
                continue;
            }
            if next == start {
                let mut back = Vec::new();
                let mut at = node;
                while at != start {
                    back.push(at.clone());
                    at = came_from[at];
                }
                back.reverse();
                return [vec![start.clone()], back, vec![start.clone()]].concat();
            }
            if !came_from.contains_key(next) {
                came_from.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    group.to_vec()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}
