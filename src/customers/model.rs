//! Customers: accounts (organisations) and contacts (people), both
//! "customers" wherever a case asks for one.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::customers::document::{self, Document};
use crate::web::form::{self, FieldErrors};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerKind {
    Account,
    Contact,
}

impl CustomerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerKind::Account => "account",
            CustomerKind::Contact => "contact",
        }
    }

    pub fn parse(text: &str) -> Option<CustomerKind> {
        match text {
            "account" => Some(CustomerKind::Account),
            "contact" => Some(CustomerKind::Contact),
            _ => None,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            CustomerKind::Account => "customer-kind-account",
            CustomerKind::Contact => "customer-kind-contact",
        }
    }
}

/// The customer form: every field text, so a refused form comes back as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct CustomerForm {
    pub kind: String,
    pub name: String,
    pub trade_name: String,
    pub document: String,
    /// CNPJ of the account a contact belongs to (typed, or filled by the type-ahead).
    pub account_document: String,
    pub email: String,
    pub phone: String,
    pub whatsapp: String,
    pub service_level_id: String,
    pub roles: Vec<String>,
    pub notes: String,
    /// Set by the short form in the case form's side panel.
    pub inline: String,
}

pub struct CustomerInput {
    pub kind: CustomerKind,
    pub name: String,
    pub trade_name: Option<String>,
    pub document: Option<Document>,
    pub account_document: Option<Document>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub whatsapp: Option<String>,
    pub service_level_id: Option<Uuid>,
    pub roles: Vec<Uuid>,
    pub notes: String,
}

impl CustomerInput {
    /// Shape and meaning of each field; whether referenced rows exist (the
    /// account, the service level, the roles) is the store's to check.
    pub fn parse(input: &CustomerForm) -> Result<CustomerInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = errors.check(
            "kind",
            CustomerKind::parse(&input.kind).ok_or("error-choose-option"),
        );
        let name = errors.check("name", form::required_line(&input.name, 200));
        let trade_name = errors.check("trade_name", form::line(&input.trade_name, 200));
        let document = match kind {
            Some(kind) => errors.check("document", optional_document(kind, &input.document)),
            None => Some(None),
        };
        let account_document = if kind == Some(CustomerKind::Contact) {
            errors.check(
                "account_document",
                optional_document(CustomerKind::Account, &input.account_document),
            )
        } else {
            Some(None)
        };
        let email = errors.check("email", optional(&input.email, form::email));
        let phone = errors.check("phone", optional(&input.phone, document::phone));
        let whatsapp = errors.check("whatsapp", optional(&input.whatsapp, document::phone));
        let service_level_id = errors.check(
            "service_level_id",
            crate::catalog::model::optional_id(&input.service_level_id),
        );
        let roles = errors.check(
            "roles",
            input
                .roles
                .iter()
                .filter(|r| !r.is_empty())
                .map(|r| Uuid::parse_str(r).map_err(|_| "error-choose-option"))
                .collect::<Result<Vec<_>, _>>(),
        );
        let notes = errors.check("notes", form::multiline(&input.notes, 5000));
        if !errors.is_empty() {
            return Err(errors);
        }
        match (
            kind,
            name,
            trade_name,
            document,
            account_document,
            email,
            phone,
            whatsapp,
            service_level_id,
            roles,
            notes,
        ) {
            (
                Some(kind),
                Some(name),
                Some(trade_name),
                Some(document),
                Some(account_document),
                Some(email),
                Some(phone),
                Some(whatsapp),
                Some(service_level_id),
                Some(roles),
                Some(notes),
            ) => Ok(CustomerInput {
                kind,
                name,
                trade_name: (kind == CustomerKind::Account && !trade_name.is_empty())
                    .then_some(trade_name),
                document,
                account_document,
                email,
                phone,
                whatsapp,
                service_level_id,
                roles,
                notes,
            }),
            _ => Err(errors),
        }
    }
}

fn optional<T>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, &'static str>,
) -> Result<Option<T>, &'static str> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        parse(text).map(Some)
    }
}

/// CNPJ for accounts, CPF for contacts; empty is allowed (not every customer
/// gives one).
pub fn optional_document(kind: CustomerKind, text: &str) -> Result<Option<Document>, &'static str> {
    optional(text, |t| match kind {
        CustomerKind::Account => Document::parse_cnpj(t),
        CustomerKind::Contact => Document::parse_cpf(t),
    })
}

// Alerts ----------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertPriority {
    Low,
    Medium,
    High,
}

impl AlertPriority {
    pub const ALL: [AlertPriority; 3] = [
        AlertPriority::Low,
        AlertPriority::Medium,
        AlertPriority::High,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertPriority::Low => "low",
            AlertPriority::Medium => "medium",
            AlertPriority::High => "high",
        }
    }

    pub fn parse(text: &str) -> Option<AlertPriority> {
        AlertPriority::ALL.into_iter().find(|p| p.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            AlertPriority::Low => "alert-priority-low",
            AlertPriority::Medium => "alert-priority-medium",
            AlertPriority::High => "alert-priority-high",
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct AlertForm {
    pub text: String,
    pub priority: String,
    /// A date (yyyy-mm-dd) after which the alert no longer shows.
    pub expires_on: String,
}

pub struct AlertInput {
    pub text: String,
    pub priority: AlertPriority,
    pub expires_on: Option<NaiveDate>,
}

impl AlertInput {
    pub fn parse(input: &AlertForm, today: NaiveDate) -> Result<AlertInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let text = errors.check("text", form::required_line(&input.text, 500));
        let priority = errors.check(
            "priority",
            AlertPriority::parse(&input.priority).ok_or("error-choose-option"),
        );
        let expires_on = errors.check(
            "expires_on",
            optional(&input.expires_on, |t| {
                form::date(t).and_then(|d| {
                    if d < today {
                        Err("error-date-past")
                    } else {
                        Ok(d)
                    }
                })
            }),
        );
        match (text, priority, expires_on) {
            (Some(text), Some(priority), Some(expires_on)) => Ok(AlertInput {
                text,
                priority,
                expires_on,
            }),
            _ => Err(errors),
        }
    }
}

/// Whether an alert still shows at `now`.
pub fn alert_is_current(
    active: bool,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    active && expires_at.is_none_or(|at| at > now)
}

// Addresses, phones, e-contacts ----------------------------------------------

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct AddressForm {
    pub label: String,
    pub street: String,
    pub number: String,
    pub complement: String,
    pub district: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub principal: String,
}

pub struct AddressInput {
    pub label: String,
    pub street: String,
    pub number: String,
    pub complement: String,
    pub district: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub principal: bool,
}

impl AddressInput {
    pub fn parse(input: &AddressForm) -> Result<AddressInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let label = errors.check("label", form::line(&input.label, 60));
        let street = errors.check("street", form::required_line(&input.street, 200));
        let number = errors.check("number", form::line(&input.number, 20));
        let complement = errors.check("complement", form::line(&input.complement, 100));
        let district = errors.check("district", form::line(&input.district, 100));
        let city = errors.check("city", form::required_line(&input.city, 100));
        let state = errors.check("state", form::line(&input.state, 40));
        let postal_code = errors.check("postal_code", postal_code(&input.postal_code));
        match (
            label,
            street,
            number,
            complement,
            district,
            city,
            state,
            postal_code,
        ) {
            (
                Some(label),
                Some(street),
                Some(number),
                Some(complement),
                Some(district),
                Some(city),
                Some(state),
                Some(postal_code),
            ) if errors.is_empty() => Ok(AddressInput {
                label,
                street,
                number,
                complement,
                district,
                city,
                state: state.to_uppercase(),
                postal_code,
                principal: !input.principal.is_empty(),
            }),
            _ => Err(errors),
        }
    }
}

/// A CEP as 12345-678 (other countries' codes are kept as typed).
fn postal_code(text: &str) -> Result<String, &'static str> {
    let text = form::line(text, 20)?;
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 8
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '.')
    {
        return Ok(format!("{}-{}", &digits[..5], &digits[5..]));
    }
    Ok(text)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EcontactKind {
    Email,
    Whatsapp,
    Site,
    Social,
    Other,
}

impl EcontactKind {
    pub const ALL: [EcontactKind; 5] = [
        EcontactKind::Email,
        EcontactKind::Whatsapp,
        EcontactKind::Site,
        EcontactKind::Social,
        EcontactKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EcontactKind::Email => "email",
            EcontactKind::Whatsapp => "whatsapp",
            EcontactKind::Site => "site",
            EcontactKind::Social => "social",
            EcontactKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<EcontactKind> {
        EcontactKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            EcontactKind::Email => "econtact-email",
            EcontactKind::Whatsapp => "econtact-whatsapp",
            EcontactKind::Site => "econtact-site",
            EcontactKind::Social => "econtact-social",
            EcontactKind::Other => "econtact-other",
        }
    }

    /// Each kind's own rule: an e-mail address, a phone number, free text.
    pub fn parse_value(self, text: &str) -> Result<String, &'static str> {
        match self {
            EcontactKind::Email => form::email(text),
            EcontactKind::Whatsapp => document::phone(text),
            _ => form::required_line(text, 254),
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ContactPointForm {
    /// "phone" or an e-contact kind.
    pub kind: String,
    pub label: String,
    pub value: String,
    pub principal: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, name: &str, document: &str) -> CustomerForm {
        CustomerForm {
            kind: kind.into(),
            name: name.into(),
            document: document.into(),
            ..CustomerForm::default()
        }
    }

    #[test]
    fn accounts_take_a_cnpj_and_contacts_a_cpf() {
        assert!(
            CustomerInput::parse(&form(
                "account",
                "Padaria São João Ltda",
                "11.222.333/0001-81"
            ))
            .is_ok()
        );
        let errors = CustomerInput::parse(&form("account", "Padaria", "529.982.247-25"))
            .err()
            .unwrap_or_default();
        assert_eq!(errors.get("document"), Some("error-cnpj-length"));
        let errors = CustomerInput::parse(&form("contact", "José", "11.222.333/0001-81"))
            .err()
            .unwrap_or_default();
        assert_eq!(errors.get("document"), Some("error-cpf-length"));
        assert!(
            CustomerInput::parse(&form("contact", "José da Silva", "")).is_ok(),
            "the document is optional"
        );
    }

    #[test]
    fn every_bad_field_is_reported() {
        let input = CustomerForm {
            kind: "contact".into(),
            name: String::new(),
            document: "111.111.111-11".into(),
            email: "jose@".into(),
            phone: "12".into(),
            account_document: "11.222.333/0001-82".into(),
            ..CustomerForm::default()
        };
        let errors = CustomerInput::parse(&input).err().unwrap_or_default();
        let fields: Vec<_> = errors.fields().collect();
        assert_eq!(
            fields,
            ["account_document", "document", "email", "name", "phone"]
        );
        assert_eq!(errors.get("document"), Some("error-cpf-repeated"));
    }

    #[test]
    fn alerts_expire_after_their_date() {
        let now = Utc::now();
        assert!(alert_is_current(true, None, now));
        assert!(alert_is_current(
            true,
            Some(now + chrono::Duration::days(1)),
            now
        ));
        assert!(!alert_is_current(
            true,
            Some(now - chrono::Duration::seconds(1)),
            now
        ));
        assert!(!alert_is_current(false, None, now));
        let today = now.date_naive();
        let past = AlertForm {
            text: "Cliente inadimplente".into(),
            priority: "high".into(),
            expires_on: (today - chrono::Duration::days(1))
                .format("%Y-%m-%d")
                .to_string(),
        };
        assert_eq!(
            AlertInput::parse(&past, today)
                .err()
                .unwrap_or_default()
                .get("expires_on"),
            Some("error-date-past")
        );
    }

    #[test]
    fn postal_codes_are_formatted_as_cep() {
        assert_eq!(postal_code("01310100").as_deref(), Ok("01310-100"));
        assert_eq!(postal_code("01310-100").as_deref(), Ok("01310-100"));
        assert_eq!(postal_code("15705").as_deref(), Ok("15705"));
    }
}
