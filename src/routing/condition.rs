//! "When": a routing rule's condition over the fields of a case, kept as
//! OR-ed groups of AND-ed comparisons, as the SLA conditions are. Most
//! fields name a catalog entry (or the customer); the title is matched by
//! the words typed.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Channel,
    Subject,
    Product,
    Priority,
    ServiceLevel,
    Customer,
    RequestType,
    Reason,
    Unit,
    Title,
}

impl Field {
    pub const ALL: [Field; 10] = [
        Field::Channel,
        Field::Subject,
        Field::Product,
        Field::Priority,
        Field::ServiceLevel,
        Field::Customer,
        Field::RequestType,
        Field::Reason,
        Field::Unit,
        Field::Title,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Channel => "channel",
            Field::Subject => "subject",
            Field::Product => "product",
            Field::Priority => "priority",
            Field::ServiceLevel => "service_level",
            Field::Customer => "customer",
            Field::RequestType => "request_type",
            Field::Reason => "reason",
            Field::Unit => "unit",
            Field::Title => "title",
        }
    }

    pub fn parse(text: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Field::Channel => "field-channel",
            Field::Subject => "field-subject",
            Field::Product => "field-product",
            Field::Priority => "field-priority",
            Field::ServiceLevel => "field-service-level",
            Field::Customer => "field-customer",
            Field::RequestType => "field-request-type",
            Field::Reason => "field-reason",
            Field::Unit => "field-unit",
            Field::Title => "routing-field-title-words",
        }
    }

    /// The title is matched by words; every other field names a record.
    pub fn takes_words(self) -> bool {
        self == Field::Title
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Is,
    IsNot,
    IsEmpty,
    IsNotEmpty,
    /// Every word typed appears in the title, accents and case aside.
    Contains,
}

impl Op {
    pub const ALL: [Op; 5] = [Op::Is, Op::IsNot, Op::IsEmpty, Op::IsNotEmpty, Op::Contains];

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Is => "is",
            Op::IsNot => "is_not",
            Op::IsEmpty => "is_empty",
            Op::IsNotEmpty => "is_not_empty",
            Op::Contains => "contains",
        }
    }

    pub fn parse(text: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|o| o.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Op::Is => "sla-op-is",
            Op::IsNot => "sla-op-is-not",
            Op::IsEmpty => "sla-op-is-empty",
            Op::IsNotEmpty => "sla-op-is-not-empty",
            Op::Contains => "routing-op-contains",
        }
    }

    /// Whether `field` can be compared this way: words only for the title,
    /// which is never empty and names no record.
    pub fn fits(self, field: Field) -> bool {
        match self {
            Op::Contains => field.takes_words(),
            Op::Is | Op::IsNot | Op::IsEmpty | Op::IsNotEmpty => !field.takes_words(),
        }
    }
}

/// What a rule compares with: a record, words, or nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Id(Uuid),
    Words(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub field: Field,
    pub op: Op,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

/// Any group (OR) whose rules (AND) all hold; no group at all holds always.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Condition(pub Vec<Vec<Rule>>);

/// The case as a routing condition reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFacts {
    pub channel: Option<Uuid>,
    pub subject: Option<Uuid>,
    pub product: Option<Uuid>,
    pub priority: Option<Uuid>,
    pub service_level: Option<Uuid>,
    pub customer: Option<Uuid>,
    pub request_type: Option<Uuid>,
    pub reason: Option<Uuid>,
    pub unit: Option<Uuid>,
    pub title: String,
}

impl CaseFacts {
    fn id(&self, field: Field) -> Option<Uuid> {
        match field {
            Field::Channel => self.channel,
            Field::Subject => self.subject,
            Field::Product => self.product,
            Field::Priority => self.priority,
            Field::ServiceLevel => self.service_level,
            Field::Customer => self.customer,
            Field::RequestType => self.request_type,
            Field::Reason => self.reason,
            Field::Unit => self.unit,
            Field::Title => None,
        }
    }
}

/// Lower case, accents off: "Manutenção" reads as "manutencao".
pub fn plain(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

impl Rule {
    pub fn holds(&self, facts: &CaseFacts) -> bool {
        if self.op == Op::Contains {
            let title = plain(&facts.title);
            return match &self.value {
                Some(Value::Words(words)) => plain(words)
                    .split_whitespace()
                    .all(|word| title.contains(word)),
                _ => false,
            };
        }
        let actual = facts.id(self.field);
        let wanted = match &self.value {
            Some(Value::Id(id)) => Some(*id),
            _ => None,
        };
        match self.op {
            Op::Is => actual.is_some() && actual == wanted,
            Op::IsNot => actual != wanted,
            Op::IsEmpty => actual.is_none(),
            Op::IsNotEmpty => actual.is_some(),
            Op::Contains => false,
        }
    }
}

impl Condition {
    pub fn holds(&self, facts: &CaseFacts) -> bool {
        self.0.is_empty()
            || self
                .0
                .iter()
                .any(|group| group.iter().all(|rule| rule.holds(facts)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(field: Field, op: Op, value: Option<Value>) -> Rule {
        Rule { field, op, value }
    }

    #[test]
    fn groups_are_or_and_rules_within_a_group_are_and() {
        let phone = Uuid::now_v7();
        let gold = Uuid::now_v7();
        let condition = Condition(vec![
            vec![
                rule(Field::Channel, Op::Is, Some(Value::Id(phone))),
                rule(Field::ServiceLevel, Op::Is, Some(Value::Id(gold))),
            ],
            vec![rule(
                Field::Title,
                Op::Contains,
                Some(Value::Words("nota fiscal".into())),
            )],
        ]);
        let mut facts = CaseFacts {
            channel: Some(phone),
            ..CaseFacts::default()
        };
        assert!(!condition.holds(&facts), "a phone call alone is not gold");
        facts.service_level = Some(gold);
        assert!(condition.holds(&facts));
        let invoice = CaseFacts {
            title: "Erro na NOTA Fiscal de março".into(),
            ..CaseFacts::default()
        };
        assert!(condition.holds(&invoice));
        assert!(Condition::default().holds(&CaseFacts::default()));
    }

    #[test]
    fn words_are_found_whatever_their_accents_and_order() {
        let words = rule(
            Field::Title,
            Op::Contains,
            Some(Value::Words("manutencao preventiva".into())),
        );
        let facts = |title: &str| CaseFacts {
            title: title.into(),
            ..CaseFacts::default()
        };
        assert!(words.holds(&facts("Preventiva: MANUTENÇÃO do forno")));
        assert!(!words.holds(&facts("Manutenção corretiva")));
    }

    #[test]
    fn stored_form_round_trips_with_both_kinds_of_value() {
        let id = Uuid::now_v7();
        let condition = Condition(vec![vec![
            rule(Field::Customer, Op::Is, Some(Value::Id(id))),
            rule(
                Field::Title,
                Op::Contains,
                Some(Value::Words("boleto".into())),
            ),
            rule(Field::Unit, Op::IsEmpty, None),
        ]]);
        let json = serde_json::to_value(&condition).unwrap();
        assert_eq!(
            serde_json::from_value::<Condition>(json).unwrap(),
            condition
        );
    }
}
