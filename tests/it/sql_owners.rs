//! Every table has one owner: the feature whose store writes it. Another
//! feature asks the owner's functions to change it, and reads it through a
//! view of migration 0027 (`case_refs`, `customer_refs`, ...), which names
//! what it may rely on. The workspace's configuration (catalogs, users,
//! SLAs, calendars, queues, the workspace itself) is the exception for reads: every
//! feature names records by it, so any store may read it.
//!
//! Read from the text of `src/`: each SQL verb followed by a table name.
//! The demo and bulk loaders (`seed`) fill every table at once and are left
//! out, as are unit tests.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;

use crate::support::sources::read_sources;

const OWNERS: &[(&str, &[&str])] = &[
    (
        "cases",
        &[
            "cases",
            "case_events",
            "case_activities",
            "case_followers",
            "case_list_columns",
            "attachments",
        ],
    ),
    (
        "catalog",
        &[
            "activity_forms",
            "causes",
            "channels",
            "customer_roles",
            "forward_reasons",
            "occurrences",
            "priorities",
            "product_bundle_items",
            "products",
            "reasons",
            "request_types",
            "service_levels",
            "status_reasons",
            "subjects",
            "team_members",
            "teams",
            "units",
        ],
    ),
    (
        "customers",
        &[
            "customers",
            "customer_addresses",
            "customer_alerts",
            "customer_econtacts",
            "customer_name_parts",
            "customer_phones",
            "customer_role_links",
        ],
    ),
    (
        "entitlements",
        &[
            "entitlements",
            "entitlement_channels",
            "entitlement_ledger",
            "entitlement_products",
            "entitlement_templates",
        ],
    ),
    ("auth", &["login_attempts"]),
    ("web", &["sessions"]),
    ("mail", &["mail_outbox"]),
    ("notifications", &["notifications"]),
    (
        "sla",
        &[
            "calendars",
            "slas",
            "sla_items",
            "sla_kpi_history",
            "sla_kpi_instances",
            "sla_kpi_pauses",
        ],
    ),
    ("tenants", &["tenants"]),
    ("users", &["users"]),
    ("queues", &["queues", "queue_members"]),
    ("routing", &["routing_rule_sets", "routing_rules"]),
];

/// Configuration every feature names its records by: readable by any store.
/// Every table of these owners, and the SLA's definitions (not its timers).
const CONFIGURATION_OWNERS: &[&str] = &["catalog", "users", "tenants", "queues", "routing"];
const SLA_DEFINITIONS: &[&str] = &["slas", "sla_items", "calendars"];

fn shared_for_reading(table: &str, owner: &str) -> bool {
    CONFIGURATION_OWNERS.contains(&owner) || SLA_DEFINITIONS.contains(&table)
}

const LOADERS: &[&str] = &["seed"];

#[test]
fn every_table_of_the_migrations_has_an_owner() {
    let owners = owners();
    let migrations = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let created = Regex::new(r"(?i)create table (?:if not exists )?(\w+)|call make_\w+\('(\w+)'")
        .expect("regex");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(migrations).expect("migrations") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("migration");
        for c in created.captures_iter(&text) {
            let table = c.get(1).or(c.get(2)).expect("a name").as_str();
            // Procedures' own templates (`create table %1$I`) name no table.
            if table != "I" && !owners.contains_key(table) {
                missing.push(table.to_owned());
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "tables without an owner: {missing:?}");
}

#[test]
fn only_the_owner_writes_a_table_and_others_read_it_through_views() {
    let problems = problems(&read_sources());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_write_or_a_read_of_another_features_table_is_named() {
    let problems = problems(&[
        (
            "sla/due.rs".to_owned(),
            "insert into notifications (id) values ($1); select number from cases c".to_owned(),
        ),
        (
            "cases/store/list.rs".to_owned(),
            "select name from customer_refs join priorities p on true; update cases set x = 1"
                .to_owned(),
        ),
        (
            "seed/bulk.rs".to_owned(),
            "copy customers (id) from stdin".to_owned(),
        ),
    ]);
    assert_eq!(
        problems,
        [
            "sla/due.rs writes notifications, which notifications owns",
            "sla/due.rs reads cases, which cases owns: read a view of it",
        ]
    );
}

fn owners() -> BTreeMap<&'static str, &'static str> {
    OWNERS
        .iter()
        .flat_map(|(owner, tables)| tables.iter().map(move |t| (*t, *owner)))
        .collect()
}

fn problems(files: &[(String, String)]) -> Vec<String> {
    let owners = owners();
    let write =
        Regex::new(r"(?i)\b(?:insert\s+into|update|delete\s+from|copy)\s+(\w+)").expect("regex");
    let read = Regex::new(r"(?i)\b(?:from|join)\s+(\w+)").expect("regex");
    let mut problems = Vec::new();
    for (file, text) in files {
        let module = file.split('/').next().unwrap_or_default();
        let module = module.strip_suffix(".rs").unwrap_or(module);
        if LOADERS.contains(&module) {
            continue;
        }
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        let mut found = Vec::new();
        for c in write.captures_iter(text) {
            if let Some(owner) = owners.get(&c[1]).filter(|o| **o != module) {
                found.push(format!("{file} writes {}, which {owner} owns", &c[1]));
            }
        }
        for c in read.captures_iter(text) {
            let table = &c[1];
            if let Some(owner) = owners
                .get(table)
                .filter(|o| **o != module && !shared_for_reading(table, o))
            {
                found.push(format!(
                    "{file} reads {table}, which {owner} owns: read a view of it"
                ));
            }
        }
        found.dedup();
        problems.extend(found);
    }
    problems
}
