//! Languages of the interface: pt-BR (default), en and gl. Every visible
//! string is a Fluent message looked up for the request's language, so one
//! request never sees another's locale.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{LazyLock, PoisonError, RwLock};

use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    pub static LOCALES = {
        locales: "./locales",
        fallback_language: "pt-BR",
        // Isolation marks around arguments would end up inside HTML attributes.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Messages without arguments already looked up, by language (see `Lang::t`).
static PLAIN_MESSAGES: LazyLock<[RwLock<HashMap<String, String>>; 3]> =
    LazyLock::new(Default::default);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    PtBr,
    En,
    Gl,
}

static PT_BR: LanguageIdentifier = langid!("pt-BR");
static EN: LanguageIdentifier = langid!("en");
static GL: LanguageIdentifier = langid!("gl");

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::PtBr, Lang::En, Lang::Gl];

    pub fn code(self) -> &'static str {
        match self {
            Lang::PtBr => "pt-BR",
            Lang::En => "en",
            Lang::Gl => "gl",
        }
    }

    /// The language's own name, as shown in the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::PtBr => "Português (Brasil)",
            Lang::En => "English",
            Lang::Gl => "Galego",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        match primary {
            "pt" => Some(Lang::PtBr),
            "en" => Some(Lang::En),
            "gl" => Some(Lang::Gl),
            _ => None,
        }
    }

    /// The best of our languages for an `Accept-Language` header, honouring q-values.
    pub fn from_accept_language(headers: &HeaderMap) -> Option<Lang> {
        let header = headers.get(ACCEPT_LANGUAGE)?.to_str().ok()?;
        let mut ranked: Vec<(f32, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(order, item)| {
                let mut parts = item.split(';');
                let lang = Lang::parse(parts.next()?)?;
                let q = parts
                    .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
                    .unwrap_or(1.0_f32);
                (q > 0.0).then_some((q, order, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|(_, _, lang)| *lang)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::PtBr => &PT_BR,
            Lang::En => &EN,
            Lang::Gl => &GL,
        }
    }

    /// A whole number as the language writes it, thousands grouped:
    /// 14.980 in Portuguese and Galician, 14,980 in English.
    pub fn number(self, n: i64) -> String {
        let separator = match self {
            Lang::En => ',',
            Lang::PtBr | Lang::Gl => '.',
        };
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(separator);
            }
            out.push(digit);
        }
        out
    }

    /// A message without arguments. Each is looked up in Fluent once per
    /// language and kept: a list page asks for the same few on every row,
    /// and each Fluent lookup negotiated languages and walked the bundle.
    pub fn t(self, key: &str) -> String {
        let kept = &PLAIN_MESSAGES[self as usize];
        if let Some(text) = kept.read().unwrap_or_else(PoisonError::into_inner).get(key) {
            return text.clone();
        }
        let text = LOCALES.lookup(self.id(), key);
        // Only keys of the catalogues are kept, so the map never grows
        // past them whatever key a caller builds.
        if Lang::ALL.iter().any(|lang| lang.has(key)) {
            kept.write()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(key.to_owned(), text.clone());
        }
        text
    }

    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| {
                // Numbers must reach Fluent as numbers for plural rules to apply.
                let value = match value.parse::<i64>() {
                    Ok(number) => FluentValue::from(number),
                    Err(_) => FluentValue::from(value.clone()),
                };
                (Cow::Borrowed(*name), value)
            })
            .collect();
        LOCALES.lookup_with_args(self.id(), key, &args)
    }

    /// Whether the catalogue of this language itself has the key (no fallback).
    pub fn has(self, key: &str) -> bool {
        LOCALES
            .lookup_single_language::<&str>(self.id(), key, None)
            .is_ok()
    }
}

#[cfg(test)]
#[path = "lang_count_tests.rs"]
mod count_tests;

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    #[test]
    fn numbers_group_thousands_as_each_language_does() {
        assert_eq!(Lang::PtBr.number(14_980), "14.980");
        assert_eq!(Lang::Gl.number(1_048_820), "1.048.820");
        assert_eq!(Lang::En.number(14_980), "14,980");
        assert_eq!(Lang::En.number(980), "980");
        assert_eq!(Lang::PtBr.number(0), "0");
        assert_eq!(Lang::PtBr.number(-1_000), "-1.000");
    }

    use super::*;

    fn catalogue_keys(lang: &str) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut keys = BTreeSet::new();
        for entry in std::fs::read_dir(dir).expect("locale dir") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).expect("ftl");
            for line in text.lines() {
                if let Some((key, _)) = line.split_once(" =")
                    && !key.starts_with(['#', ' '])
                    && !key.is_empty()
                {
                    keys.insert(key.trim().to_owned());
                }
            }
        }
        keys
    }

    /// Every message key the code and templates use: in templates, the
    /// hyphenated literals inside `{{ }}` and `{% %}`; in Rust, hyphenated
    /// literals with a message prefix.
    fn used_keys() -> BTreeSet<String> {
        const PREFIXES: [&str; 36] = [
            "outbox-",
            "sla-",
            "calendar-",
            "entitlement-",
            "kpi-",
            "error-",
            "role-",
            "catalog-",
            "field-",
            "customer-",
            "product-",
            "case-",
            "alert-",
            "econtact-",
            "import-",
            "subject-",
            "team-",
            "user-",
            "sign-",
            "nav-",
            "coming-",
            "status-",
            "bundle-",
            "admin-",
            "reason-",
            "view-",
            "event-",
            "activity-",
            "tab-",
            "chart-",
            "timeline-",
            "notification-",
            "merge-",
            "assign-",
            "forward-",
            "attachment-",
        ];
        // HTML tokens that look like keys.
        const NOT_KEYS: [&str; 13] = [
            "new-password",
            "current-password",
            "x-csrf-token",
            "csrf-token",
            "new-reason",
            "status-reasons",
            "customer-roles",
            "datetime-local",
            "activity-form",
            "note-form",
            "case-state",
            "activity-forms",
            "forward-reasons",
        ];
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut keys = BTreeSet::new();
        let mut stack = vec![root.join("src"), root.join("templates")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).expect("dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let is_rust = path.extension().is_some_and(|e| e == "rs");
                let regions: Vec<&str> = if is_rust {
                    vec![text.as_str()]
                } else {
                    text.split("{{")
                        .skip(1)
                        .chain(text.split("{%").skip(1))
                        .filter_map(|r| r.split(['}', '%']).next())
                        .collect()
                };
                for region in regions {
                    for literal in region.split('"').skip(1).step_by(2) {
                        let well_formed = !literal.is_empty()
                            && literal.contains('-')
                            && !literal.ends_with('-')
                            && !literal.starts_with('-')
                            && literal
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                        let prefixed = !is_rust || PREFIXES.iter().any(|p| literal.starts_with(p));
                        if well_formed && prefixed && !NOT_KEYS.contains(&literal) {
                            keys.insert(literal.to_owned());
                        }
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn the_three_catalogues_have_the_same_keys() {
        let pt = catalogue_keys("pt-BR");
        for lang in ["en", "gl"] {
            let other = catalogue_keys(lang);
            let missing: Vec<_> = pt.difference(&other).collect();
            let extra: Vec<_> = other.difference(&pt).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{lang}: missing {missing:?}, extra {extra:?}"
            );
        }
    }

    #[test]
    fn every_key_the_code_uses_is_in_the_catalogue() {
        let known = catalogue_keys("pt-BR");
        let unknown: Vec<_> = used_keys()
            .into_iter()
            .filter(|k| !known.contains(k))
            .collect();
        assert!(unknown.is_empty(), "keys without a message: {unknown:?}");
    }

    #[test]
    fn accept_language_honours_quality_values() {
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT_LANGUAGE,
            "fr;q=1, en;q=0.4, gl;q=0.8".parse().expect("header"),
        );
        assert_eq!(Lang::from_accept_language(&headers), Some(Lang::Gl));
        headers.insert(ACCEPT_LANGUAGE, "de, fr".parse().expect("header"));
        assert_eq!(Lang::from_accept_language(&headers), None);
    }

    #[test]
    fn messages_take_arguments_and_plurals() {
        assert_eq!(
            Lang::En.t_args("user-created", &[("name", "Rita".into())]),
            "User Rita created."
        );
        assert!(
            Lang::PtBr
                .t_args("sign-in-throttled", &[("minutes", "1".into())])
                .contains("1 minuto.")
        );
        assert!(Lang::Gl.has("nav-cases"));
    }
}
