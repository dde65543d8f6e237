//! A catalog entry's names in the workspace's other languages.
//!
//! `name` is the entry's name in the default language (pt-BR for the
//! catalogs Atende seeds): it stays unique and required. Galician and
//! English names are optional; a reader whose language has none reads the
//! default (`catalog_name()` in SQL, migration 0021).

use serde::{Deserialize, Serialize};

use crate::web::form::{self, FieldErrors};

/// The other languages' names of an entry, as stored in its `names` column.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Names {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gl: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Names {
    /// The form fields `name_gl` and `name_en` as typed; problems are filed
    /// under those fields, and a blank field means no name in that language.
    pub fn parse(name_gl: &str, name_en: &str, errors: &mut FieldErrors) -> Names {
        let mut one = |field: &'static str, text: &str| {
            errors
                .check(field, form::line(text, 120))
                .filter(|name| !name.is_empty())
        };
        Names {
            gl: one("name_gl", name_gl),
            en: one("name_en", name_en),
        }
    }

    /// The name in the language of `code` ("gl", "en"), if it has one.
    pub fn in_lang(&self, code: &str) -> Option<&str> {
        match code {
            "gl" => self.gl.as_deref(),
            "en" => self.en.as_deref(),
            _ => None,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_else(|_| serde_json::json!({}))
    }

    pub fn from_json(value: &serde_json::Value) -> Names {
        serde_json::from_value(value.clone()).unwrap_or_default()
    }

    /// The values of the form fields `name_gl` and `name_en`.
    pub fn fields(&self) -> (String, String) {
        (
            self.gl.clone().unwrap_or_default(),
            self.en.clone().unwrap_or_default(),
        )
    }

    /// "gl: … · en: …", for lists of entries.
    pub fn summary(&self) -> String {
        [("gl", &self.gl), ("en", &self.en)]
            .into_iter()
            .filter_map(|(code, name)| name.as_ref().map(|n| format!("{code}: {n}")))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_names_are_absent_and_typed_ones_are_kept_trimmed() {
        let mut errors = FieldErrors::default();
        let names = Names::parse("  En curso ", " ", &mut errors);
        assert!(errors.is_empty());
        assert_eq!(names.gl.as_deref(), Some("En curso"));
        assert_eq!(names.en, None);
        assert_eq!(names.to_json(), serde_json::json!({"gl": "En curso"}));
        assert_eq!(Names::from_json(&names.to_json()), names);
    }

    #[test]
    fn an_overlong_or_unreadable_name_is_refused_next_to_its_field() {
        let mut errors = FieldErrors::default();
        Names::parse(&"x".repeat(121), "Bad\u{FFFD}", &mut errors);
        assert_eq!(errors.get("name_gl"), Some("error-too-long"));
        assert_eq!(errors.get("name_en"), Some("error-unreadable-chars"));
    }
}
