//! What names a case and what can happen to it, as every layer speaks of it:
//! its human number, its state and the kinds of its timeline entries.

/// A case's human number: CAS-000123.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CaseNumber(pub i64);

impl CaseNumber {
    /// Reads "CAS-000123", "cas-123" or "123".
    pub fn parse(text: &str) -> Option<CaseNumber> {
        let text = text.trim();
        let digits = text
            .strip_prefix("CAS-")
            .or_else(|| text.strip_prefix("cas-"))
            .unwrap_or(text);
        if digits.is_empty() || digits.len() > 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().filter(|n| *n > 0).map(CaseNumber)
    }
}

impl std::fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CAS-{:06}", self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Active,
    Resolved,
    Cancelled,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Active => "active",
            State::Resolved => "resolved",
            State::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> State {
        match text {
            "resolved" => State::Resolved,
            "cancelled" => State::Cancelled,
            _ => State::Active,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            State::Active => "case-state-active",
            State::Resolved => "case-state-resolved",
            State::Cancelled => "case-state-cancelled",
        }
    }
}

/// Kinds of timeline entries, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Created,
    Note,
    Activity,
    Status,
    Assignment,
    Forward,
    Field,
    Resolved,
    Cancelled,
    Reactivated,
    Merged,
    Child,
    Attachment,
    Execution,
    Sla,
    Entitlement,
    Queue,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Note => "note",
            EventKind::Activity => "activity",
            EventKind::Status => "status",
            EventKind::Assignment => "assignment",
            EventKind::Forward => "forward",
            EventKind::Field => "field",
            EventKind::Resolved => "resolved",
            EventKind::Cancelled => "cancelled",
            EventKind::Reactivated => "reactivated",
            EventKind::Merged => "merged",
            EventKind::Child => "child",
            EventKind::Attachment => "attachment",
            EventKind::Execution => "execution",
            EventKind::Sla => "sla",
            EventKind::Entitlement => "entitlement",
            EventKind::Queue => "queue",
        }
    }
}
