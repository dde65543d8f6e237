//! What an SLA promises: its items, their conditions and actions, and the
//! states a KPI instance moves through.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::sla::calendar::Calendar;
use crate::sla::condition::Condition;

/// The two promises a case can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kpi {
    FirstResponse,
    Resolve,
}

impl Kpi {
    pub const ALL: [Kpi; 2] = [Kpi::FirstResponse, Kpi::Resolve];

    pub fn as_str(self) -> &'static str {
        match self {
            Kpi::FirstResponse => "first_response",
            Kpi::Resolve => "resolve",
        }
    }

    pub fn parse(text: &str) -> Option<Kpi> {
        Kpi::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Kpi::FirstResponse => "sla-kpi-first-response",
            Kpi::Resolve => "sla-kpi-resolve",
        }
    }

    /// The KPI's name without "until": "Primeira resposta".
    pub fn name_key(self) -> &'static str {
        match self {
            Kpi::FirstResponse => "sla-case-first-response",
            Kpi::Resolve => "sla-case-resolve",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KpiStatus {
    InProgress,
    Nearing,
    NonCompliant,
    Succeeded,
    Paused,
    Cancelled,
}

impl KpiStatus {
    pub const ALL: [KpiStatus; 6] = [
        KpiStatus::InProgress,
        KpiStatus::Nearing,
        KpiStatus::NonCompliant,
        KpiStatus::Succeeded,
        KpiStatus::Paused,
        KpiStatus::Cancelled,
    ];

    /// The colour of its chip: ok, warn, breached, paused or done.
    pub fn tone(self) -> &'static str {
        match self {
            KpiStatus::InProgress => "ok",
            KpiStatus::Nearing => "warn",
            KpiStatus::NonCompliant => "breached",
            KpiStatus::Paused => "paused",
            KpiStatus::Succeeded | KpiStatus::Cancelled => "done",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            KpiStatus::InProgress => "in_progress",
            KpiStatus::Nearing => "nearing",
            KpiStatus::NonCompliant => "non_compliant",
            KpiStatus::Succeeded => "succeeded",
            KpiStatus::Paused => "paused",
            KpiStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<KpiStatus> {
        KpiStatus::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            KpiStatus::InProgress => "sla-status-in-progress",
            KpiStatus::Nearing => "sla-status-nearing",
            KpiStatus::NonCompliant => "sla-status-non-compliant",
            KpiStatus::Succeeded => "sla-status-succeeded",
            KpiStatus::Paused => "sla-status-paused",
            KpiStatus::Cancelled => "sla-status-cancelled",
        }
    }
}

/// What answers a case, for a first-response item: the agent starting to
/// work on it, the first public reply to the customer, or whichever comes
/// first. Resolving a case answers it in every case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FirstResponseBy {
    #[default]
    Execution,
    PublicReply,
    Either,
}

impl FirstResponseBy {
    pub const ALL: [FirstResponseBy; 3] = [
        FirstResponseBy::Either,
        FirstResponseBy::PublicReply,
        FirstResponseBy::Execution,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FirstResponseBy::Execution => "execution",
            FirstResponseBy::PublicReply => "public_reply",
            FirstResponseBy::Either => "either",
        }
    }

    pub fn parse(text: &str) -> Option<FirstResponseBy> {
        FirstResponseBy::ALL
            .into_iter()
            .find(|b| b.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            FirstResponseBy::Execution => "sla-first-response-by-execution",
            FirstResponseBy::PublicReply => "sla-first-response-by-public-reply",
            FirstResponseBy::Either => "sla-first-response-by-either",
        }
    }
}

/// What happens when an instance nears or breaches its deadline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Actions {
    /// The owner and the owning team's members, in-app and by queued e-mail.
    pub notify: bool,
    /// One step up the priority order.
    pub raise_priority: bool,
    /// Hands the case to this team's queue.
    pub reassign_team_id: Option<Uuid>,
    /// Marks the case escalated.
    pub escalate: bool,
}

impl Actions {
    pub fn is_empty(&self) -> bool {
        *self == Actions::default()
    }
}

/// One line of an SLA.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaItem {
    pub id: Uuid,
    pub name: String,
    pub kpi: Kpi,
    pub condition: Condition,
    pub warn_after_minutes: i64,
    pub fail_after_minutes: i64,
    pub warning_actions: Actions,
    pub failure_actions: Actions,
    /// For a first-response item: what answers the case.
    pub first_response_by: FirstResponseBy,
}

/// An SLA with everything a case needs to evaluate it.
#[derive(Debug, Clone)]
pub struct Sla {
    pub id: Uuid,
    pub name: String,
    pub calendar: Calendar,
    pub pause_status_ids: Vec<Uuid>,
    /// In their order: the first applicable item per KPI wins.
    pub items: Vec<SlaItem>,
}

impl Sla {
    pub fn item_for(&self, kpi: Kpi, facts: &crate::sla::condition::CaseFacts) -> Option<&SlaItem> {
        self.items
            .iter()
            .find(|item| item.kpi == kpi && item.condition.holds(facts))
    }
}

/// The label of a stored KPI name, for timelines and history.
pub fn kpi_key(text: &str) -> &'static str {
    Kpi::parse(text).map_or("sla-kpi-resolve", Kpi::label_key)
}

/// The label of a stored history or timeline event.
pub fn event_key(text: &str) -> &'static str {
    match text {
        "started" => "sla-event-started",
        "paused" => "sla-event-paused",
        "resumed" => "sla-event-resumed",
        "reevaluated" => "sla-event-reevaluated",
        "succeeded" => "sla-event-succeeded",
        "cancelled" => "sla-event-cancelled",
        "reopened" => "sla-event-reopened",
        "warned" => "sla-event-warned",
        "failed" => "sla-event-failed",
        _ => "sla-event-other",
    }
}
