//! What a routing rule does when it matches: where the case goes and who
//! gets it.

use uuid::Uuid;

use crate::routing::condition::Condition;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Queue(Uuid),
    Team(Uuid),
    User(Uuid),
}

impl Target {
    pub fn of(kind: &str, id: Uuid) -> Option<Target> {
        match kind {
            "queue" => Some(Target::Queue(id)),
            "team" => Some(Target::Team(id)),
            "user" => Some(Target::User(id)),
            _ => None,
        }
    }

    /// "queue:<id>", "team:<id>" or "user:<id>", as the form sends it.
    pub fn parse(text: &str) -> Option<Target> {
        let (kind, id) = text.split_once(':')?;
        Target::of(kind, Uuid::parse_str(id).ok()?)
    }

    pub fn kind(self) -> &'static str {
        match self {
            Target::Queue(_) => "queue",
            Target::Team(_) => "team",
            Target::User(_) => "user",
        }
    }

    pub fn id(self) -> Uuid {
        match self {
            Target::Queue(id) | Target::Team(id) | Target::User(id) => id,
        }
    }

    pub fn form_value(self) -> String {
        format!("{}:{}", self.kind(), self.id())
    }
}

/// Who in the team or queue gets the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assign {
    /// Nobody: it waits for a member to pick it.
    None,
    /// Each active member in turn.
    RoundRobin,
    /// The active member with the fewest open cases.
    LeastOpen,
}

impl Assign {
    pub const ALL: [Assign; 3] = [Assign::None, Assign::RoundRobin, Assign::LeastOpen];

    pub fn parse(text: &str) -> Option<Assign> {
        Assign::ALL.into_iter().find(|a| a.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Assign::None => "none",
            Assign::RoundRobin => "round_robin",
            Assign::LeastOpen => "least_open",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Assign::None => "routing-assign-none",
            Assign::RoundRobin => "routing-assign-round-robin",
            Assign::LeastOpen => "routing-assign-least-open",
        }
    }
}

/// A rule as the admin saves it.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleInput {
    pub name: String,
    pub condition: Condition,
    pub target: Target,
    pub assign: Assign,
}
