//! Languages of the interface: pt-BR (default), en and gl. Every visible
//! string is a Fluent message looked up for the request's language, so one
//! request never sees another's locale.

use std::borrow::Cow;
use std::collections::HashMap;

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

    pub fn chrono_locale(self) -> chrono::Locale {
        match self {
            Lang::PtBr => chrono::Locale::pt_BR,
            Lang::En => chrono::Locale::en_US,
            Lang::Gl => chrono::Locale::gl_ES,
        }
    }

    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.clone())))
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
