//! Per-field problems of a submitted form, as Fluent message keys with
//! their arguments, for a 422 page that shows each next to its field. The
//! words are chosen when the page is drawn, in the reader's language, so a
//! model that finds a problem needs no language.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::core::lang::Lang;

/// A value put into a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Shown as it is: a number, a time, what the user typed.
    Text(String),
    /// A message key, said in the reader's language (a field's label).
    Key(&'static str),
}

impl Arg {
    pub fn text(value: impl ToString) -> Arg {
        Arg::Text(value.to_string())
    }
}

/// One field's problem: a message key and the values it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl FieldError {
    /// A problem whose message names nothing.
    pub fn plain(key: &'static str) -> FieldError {
        FieldError {
            key,
            args: Vec::new(),
        }
    }

    /// The problem in words.
    pub fn text(&self, lang: Lang) -> String {
        if self.args.is_empty() {
            return lang.t(self.key);
        }
        let args: Vec<(&'static str, String)> = self
            .args
            .iter()
            .map(|(name, arg)| match arg {
                Arg::Text(text) => (*name, text.clone()),
                Arg::Key(key) => (*name, lang.t(key)),
            })
            .collect();
        lang.t_args(self.key, &args)
    }
}

/// Per-field problems. Fields are named as the form names its inputs,
/// which may be built per row (`g0_r1_value`).
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(BTreeMap<Cow<'static, str>, FieldError>);

impl FieldErrors {
    /// Files a field's first problem; later ones wait for the next try.
    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, key: &'static str) {
        self.add_with(field, key, Vec::new());
    }

    /// Files a problem whose message names values (a line, a limit).
    pub fn add_with(
        &mut self,
        field: impl Into<Cow<'static, str>>,
        key: &'static str,
        args: Vec<(&'static str, Arg)>,
    ) {
        self.0
            .entry(field.into())
            .or_insert(FieldError { key, args });
    }

    /// The message key of a field's problem.
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.get(field).map(|error| error.key)
    }

    /// A field's problem with its arguments, to be put into words.
    pub fn message(&self, field: &str) -> Option<&FieldError> {
        self.0.get(field)
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn fields(&self) -> impl Iterator<Item = &str> + '_ {
        self.0.keys().map(|field| field.as_ref())
    }

    /// Runs a check and files its error under `field`, keeping the value on success.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, &'static str>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(key) => {
                self.add(field, key);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_keeps_its_first_problem_with_its_arguments() {
        let mut errors = FieldErrors::default();
        errors.add_with(
            "holidays",
            "calendar-error-holiday",
            vec![("line", Arg::text(2)), ("text", Arg::text("x"))],
        );
        errors.add("holidays", "error-required");
        errors.add(format!("g{}_r{}_value", 0, 1), "error-required");
        assert_eq!(errors.get("holidays"), Some("calendar-error-holiday"));
        assert_eq!(errors.message("holidays").map(|e| e.args.len()), Some(2));
        assert!(errors.has("g0_r1_value"));
        assert_eq!(
            errors.fields().collect::<Vec<_>>(),
            ["g0_r1_value", "holidays"]
        );
    }

    #[test]
    fn arguments_that_are_keys_are_said_in_the_readers_language() {
        let error = FieldError {
            key: "sla-admin-error-row-value",
            args: vec![("field", Arg::Key("field-priority"))],
        };
        let pt = error.text(Lang::PtBr);
        let en = error.text(Lang::En);
        assert_ne!(pt, en);
        assert!(!pt.contains("field-priority"), "{pt}");
    }
}
