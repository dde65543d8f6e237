//! "Applicable when": a condition over the case fields an SLA item reads,
//! kept as OR-of-AND groups of comparisons so a form can edit it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Priority,
    ServiceLevel,
    Channel,
    Subject,
    Product,
    RequestType,
}

impl Field {
    pub const ALL: [Field; 6] = [
        Field::Priority,
        Field::ServiceLevel,
        Field::Channel,
        Field::Subject,
        Field::Product,
        Field::RequestType,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Priority => "priority",
            Field::ServiceLevel => "service_level",
            Field::Channel => "channel",
            Field::Subject => "subject",
            Field::Product => "product",
            Field::RequestType => "request_type",
        }
    }

    pub fn parse(text: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Field::Priority => "field-priority",
            Field::ServiceLevel => "field-service-level",
            Field::Channel => "field-channel",
            Field::Subject => "field-subject",
            Field::Product => "field-product",
            Field::RequestType => "field-request-type",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Is,
    IsNot,
    IsEmpty,
    IsNotEmpty,
}

impl Op {
    pub const ALL: [Op; 4] = [Op::Is, Op::IsNot, Op::IsEmpty, Op::IsNotEmpty];

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Is => "is",
            Op::IsNot => "is_not",
            Op::IsEmpty => "is_empty",
            Op::IsNotEmpty => "is_not_empty",
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
        }
    }

    pub fn needs_value(self) -> bool {
        matches!(self, Op::Is | Op::IsNot)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub field: Field,
    pub op: Op,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Uuid>,
}

/// Any group (OR) whose rules (AND) all hold; no group at all holds always.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Condition(pub Vec<Vec<Rule>>);

/// The case fields a condition can read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFacts {
    pub priority: Option<Uuid>,
    pub service_level: Option<Uuid>,
    pub channel: Option<Uuid>,
    pub subject: Option<Uuid>,
    pub product: Option<Uuid>,
    pub request_type: Option<Uuid>,
}

impl CaseFacts {
    fn get(&self, field: Field) -> Option<Uuid> {
        match field {
            Field::Priority => self.priority,
            Field::ServiceLevel => self.service_level,
            Field::Channel => self.channel,
            Field::Subject => self.subject,
            Field::Product => self.product,
            Field::RequestType => self.request_type,
        }
    }
}

impl Rule {
    pub fn holds(&self, facts: &CaseFacts) -> bool {
        let actual = facts.get(self.field);
        match self.op {
            Op::Is => actual.is_some() && actual == self.value,
            Op::IsNot => actual != self.value,
            Op::IsEmpty => actual.is_none(),
            Op::IsNotEmpty => actual.is_some(),
        }
    }
}

impl Condition {
    pub fn always() -> Condition {
        Condition(Vec::new())
    }

    pub fn holds(&self, facts: &CaseFacts) -> bool {
        self.0.is_empty()
            || self
                .0
                .iter()
                .any(|group| group.iter().all(|rule| rule.holds(facts)))
    }

    /// The fields it reads, so a change to any other field needs no re-evaluation.
    pub fn reads(&self, field: Field) -> bool {
        self.0.iter().flatten().any(|rule| rule.field == field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(field: Field, op: Op, value: Option<Uuid>) -> Rule {
        Rule { field, op, value }
    }

    #[test]
    fn groups_are_or_and_rules_within_a_group_are_and() {
        let high = Uuid::now_v7();
        let gold = Uuid::now_v7();
        let phone = Uuid::now_v7();
        let condition = Condition(vec![
            vec![
                rule(Field::Priority, Op::Is, Some(high)),
                rule(Field::ServiceLevel, Op::Is, Some(gold)),
            ],
            vec![rule(Field::Channel, Op::Is, Some(phone))],
        ]);
        let mut facts = CaseFacts {
            priority: Some(high),
            ..CaseFacts::default()
        };
        assert!(!condition.holds(&facts), "high alone is not gold");
        facts.service_level = Some(gold);
        assert!(condition.holds(&facts));
        let by_phone = CaseFacts {
            channel: Some(phone),
            ..CaseFacts::default()
        };
        assert!(condition.holds(&by_phone));
        assert!(Condition::always().holds(&CaseFacts::default()));
    }

    #[test]
    fn is_not_and_emptiness_read_missing_fields_as_empty() {
        let product = Uuid::now_v7();
        let facts = CaseFacts::default();
        assert!(rule(Field::Product, Op::IsNot, Some(product)).holds(&facts));
        assert!(!rule(Field::Product, Op::Is, Some(product)).holds(&facts));
        assert!(rule(Field::Product, Op::IsEmpty, None).holds(&facts));
        assert!(!rule(Field::Product, Op::IsNotEmpty, None).holds(&facts));
    }

    #[test]
    fn stored_form_round_trips() {
        let condition = Condition(vec![vec![rule(Field::Subject, Op::IsEmpty, None)]]);
        let json = serde_json::to_value(&condition).unwrap();
        assert_eq!(
            json,
            serde_json::json!([[{"field": "subject", "op": "is_empty"}]])
        );
        assert_eq!(
            serde_json::from_value::<Condition>(json).unwrap(),
            condition
        );
    }
}
