//! CPF and CNPJ: validated with their check digits (the alphanumeric CNPJ
//! issued since July 2026 included), stored normalised, shown formatted.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentKind {
    Cpf,
    Cnpj,
}

/// A valid CPF or CNPJ, normalised: no punctuation, letters upper-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    kind: DocumentKind,
    value: String,
}

impl Document {
    /// Parses a CPF; the error is the Fluent key naming the problem.
    pub fn parse_cpf(text: &str) -> Result<Document, &'static str> {
        let value = strip_punctuation(text);
        if !value.chars().all(|c| c.is_ascii_digit()) {
            return Err("error-cpf-characters");
        }
        if value.len() != 11 {
            return Err("error-cpf-length");
        }
        if all_same(&value) {
            return Err("error-cpf-repeated");
        }
        if !cpf_cnpj::cpf::validate(&value) {
            return Err("error-cpf-check-digit");
        }
        Ok(Document {
            kind: DocumentKind::Cpf,
            value,
        })
    }

    /// Parses a CNPJ, numeric or alphanumeric (12 letters or digits, then two
    /// check digits).
    pub fn parse_cnpj(text: &str) -> Result<Document, &'static str> {
        let value = strip_punctuation(text).to_ascii_uppercase();
        if !value.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err("error-cnpj-characters");
        }
        if value.len() != 14 {
            return Err("error-cnpj-length");
        }
        if !value[12..].chars().all(|c| c.is_ascii_digit()) {
            return Err("error-cnpj-characters");
        }
        if all_same(&value) {
            return Err("error-cnpj-repeated");
        }
        if !cpf_cnpj::cnpj::validate(&value) {
            return Err("error-cnpj-check-digit");
        }
        Ok(Document {
            kind: DocumentKind::Cnpj,
            value,
        })
    }

    /// A document read back from the database (already valid and normalised).
    pub fn from_stored(value: &str) -> Document {
        let kind = if value.len() == 11 {
            DocumentKind::Cpf
        } else {
            DocumentKind::Cnpj
        };
        Document {
            kind,
            value: value.to_owned(),
        }
    }

    pub fn kind(&self) -> DocumentKind {
        self.kind
    }

    pub fn normalized(&self) -> &str {
        &self.value
    }

    /// 529.982.247-25 or 11.222.333/0001-81 (12.ABC.345/01DE-35).
    pub fn formatted(&self) -> String {
        let v = &self.value;
        match self.kind {
            DocumentKind::Cpf => format!("{}.{}.{}-{}", &v[0..3], &v[3..6], &v[6..9], &v[9..11]),
            DocumentKind::Cnpj => format!(
                "{}.{}.{}/{}-{}",
                &v[0..2],
                &v[2..5],
                &v[5..8],
                &v[8..12],
                &v[12..14]
            ),
        }
    }
}

impl std::fmt::Display for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.formatted())
    }
}

fn strip_punctuation(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '.' | '-' | '/' | ' '))
        .collect()
}

fn all_same(value: &str) -> bool {
    let mut chars = value.chars();
    chars.next().is_some_and(|first| chars.all(|c| c == first))
}

/// A phone number as stored: digits only, 8 to 15 of them.
pub fn phone(text: &str) -> Result<String, &'static str> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let allowed = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '(' | ')' | '-' | '+' | '.'));
    if !allowed {
        return Err("error-phone");
    }
    if !(8..=15).contains(&digits.len()) {
        return Err("error-phone");
    }
    Ok(digits)
}

/// (11) 98765-4321, (11) 3333-4444, +55 (11) 98765-4321, or the digits as they are.
pub fn format_phone(digits: &str) -> String {
    let (country, rest) = match digits.len() {
        12 | 13 if digits.starts_with("55") => ("+55 ", &digits[2..]),
        _ => ("", digits),
    };
    match rest.len() {
        11 => format!("{country}({}) {}-{}", &rest[0..2], &rest[2..7], &rest[7..]),
        10 => format!("{country}({}) {}-{}", &rest[0..2], &rest[2..6], &rest[6..]),
        9 => format!("{}-{}", &rest[0..5], &rest[5..]),
        8 => format!("{}-{}", &rest[0..4], &rest[4..]),
        _ => digits.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_cpf_is_normalised_and_formatted() {
        let cpf = Document::parse_cpf("529.982.247-25").expect("valid");
        assert_eq!(cpf.normalized(), "52998224725");
        assert_eq!(cpf.formatted(), "529.982.247-25");
        assert_eq!(Document::parse_cpf("52998224725"), Ok(cpf));
    }

    #[test]
    fn cpf_problems_are_named() {
        assert_eq!(
            Document::parse_cpf("529.982.247-24"),
            Err("error-cpf-check-digit")
        );
        assert_eq!(
            Document::parse_cpf("111.111.111-11"),
            Err("error-cpf-repeated")
        );
        assert_eq!(
            Document::parse_cpf("000.000.000-00"),
            Err("error-cpf-repeated")
        );
        assert_eq!(Document::parse_cpf("529.982.247"), Err("error-cpf-length"));
        assert_eq!(
            Document::parse_cpf("529.982.247-2X"),
            Err("error-cpf-characters")
        );
    }

    #[test]
    fn numeric_and_alphanumeric_cnpj_are_accepted() {
        let numeric = Document::parse_cnpj("11.222.333/0001-81").expect("valid");
        assert_eq!(numeric.normalized(), "11222333000181");
        assert_eq!(numeric.formatted(), "11.222.333/0001-81");
        let alphanumeric = Document::parse_cnpj("12.abc.345/01de-35").expect("valid alphanumeric");
        assert_eq!(alphanumeric.normalized(), "12ABC34501DE35");
        assert_eq!(alphanumeric.formatted(), "12.ABC.345/01DE-35");
    }

    #[test]
    fn cnpj_problems_are_named() {
        assert_eq!(
            Document::parse_cnpj("11.222.333/0001-82"),
            Err("error-cnpj-check-digit")
        );
        assert_eq!(
            Document::parse_cnpj("12.ABC.345/01DE-36"),
            Err("error-cnpj-check-digit")
        );
        assert_eq!(
            Document::parse_cnpj("00.000.000/0000-00"),
            Err("error-cnpj-repeated")
        );
        assert_eq!(
            Document::parse_cnpj("11.222.333/0001"),
            Err("error-cnpj-length")
        );
        assert_eq!(
            Document::parse_cnpj("12.ABC.345/01DE-3X"),
            Err("error-cnpj-characters")
        );
        assert_eq!(
            Document::parse_cnpj("11.222.333/0001-8*"),
            Err("error-cnpj-characters")
        );
    }

    #[test]
    fn stored_documents_format_back() {
        assert_eq!(
            Document::from_stored("52998224725").to_string(),
            "529.982.247-25"
        );
        assert_eq!(
            Document::from_stored("11222333000181").to_string(),
            "11.222.333/0001-81"
        );
    }

    #[test]
    fn phones_are_stored_as_digits_and_shown_formatted() {
        assert_eq!(phone("(11) 98765-4321").as_deref(), Ok("11987654321"));
        assert_eq!(format_phone("11987654321"), "(11) 98765-4321");
        assert_eq!(format_phone("1133334444"), "(11) 3333-4444");
        assert_eq!(format_phone("5511987654321"), "+55 (11) 98765-4321");
        assert_eq!(phone("12345"), Err("error-phone"));
        assert_eq!(phone("11 9876a4321"), Err("error-phone"));
    }
}
