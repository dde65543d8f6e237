//! The one door through which a case changes.
//!
//! A command (what someone asks: resolve, assign, forward ...) and the case
//! as it stands go into `decide`, a pure function, which either refuses or
//! answers with a `Change`: the fields to write, the timeline entries (the
//! audit of every field it changes among them), whether the SLA clocks must
//! follow, the entitlement event, and who is told. `execute` applies a
//! change inside the caller's tenant transaction, always in the same order,
//! so no path forgets a step: a handler parses, decides, executes and
//! redirects. docs/case-changes.md lists the commands.

mod decide;
mod executor;
pub mod follow;
mod put;
pub mod sla_steps;

pub use decide::{
    Actor, CaseNow, Command, Exception, Named, Opening, RoutedTo, blind, decide, decide_open,
};
pub use executor::{Applied, Context, execute, open};
pub use put::put;

use serde_json::Value;
use uuid::Uuid;

use crate::cases::model::{ActivityInput, CaseInput, Owner};
use crate::cases::store::Resolved;
use crate::core::case::EventKind;
use crate::entitlements::terms::CaseEvent;
use crate::notifications::Kind;

/// What a decided command does to a case; `execute` applies it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Change {
    pub writes: Vec<Write>,
    pub entries: Vec<Entry>,
    /// Each field the writes change gets its audit entry, from the case as
    /// read before (`Context::before`) and after.
    pub audited: bool,
    /// The KPI clocks read what changed (state, status, owner, first response ...).
    pub resync_sla: bool,
    /// The entitlement's terms move with the case.
    pub terms: Option<CaseEvent>,
    pub notices: Vec<Notice>,
    /// Entries on other cases: a parent hears of its new child.
    pub elsewhere: Vec<(Uuid, Entry)>,
}

/// One write to the case row.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    Status(Uuid),
    Owner(Owner),
    /// Kept only when the case has none yet.
    FirstResponse,
    Resolution {
        status: Uuid,
        text: String,
        billable_minutes: i32,
    },
    Cancellation {
        status: Uuid,
        /// Set when the case is merged into another.
        merged_into: Option<Uuid>,
    },
    Reactivation {
        status: Uuid,
    },
    Forward {
        team: Uuid,
        user: Uuid,
        request_type: Uuid,
    },
    TermsExempt(bool),
    Priority(Uuid),
    Parent(Uuid),
    /// The first public reply to the customer; the clocks follow when it is
    /// the first.
    FirstPublicReply,
    /// An activity, and the case's worked and billable totals with it.
    Activity {
        id: Uuid,
        input: Box<ActivityInput>,
    },
    /// The edit form's fields, written only if the case is still at the
    /// version the form was drawn from.
    Edit(Box<Edit>),
    Entitlement(Option<Uuid>),
    /// The queue the case waits in (the actor and the time say who put it
    /// there and when), or none.
    Queue(Option<Uuid>),
}

/// An edit of the form's fields, every reference checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub version: i32,
    pub input: CaseInput,
    pub refs: Resolved,
    pub priority_id: Uuid,
    pub status_reason_id: Uuid,
}

/// One timeline entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub kind: EventKind,
    pub body: String,
    pub public: bool,
    pub data: Value,
}

impl Entry {
    /// A private entry without text: what the system records.
    pub fn record(kind: EventKind, data: Value) -> Entry {
        Entry {
            kind,
            body: String::new(),
            public: false,
            data,
        }
    }

    /// Writes the entry on `case_id`'s timeline; without an actor it is the
    /// system's.
    pub async fn write(
        &self,
        tx: &mut sqlx::PgConnection,
        case_id: Uuid,
        actor: Option<Uuid>,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Uuid, sqlx::Error> {
        crate::cases::store::add_event(
            tx,
            crate::cases::store::NewEvent {
                case_id,
                at,
                actor,
                kind: self.kind,
                body: &self.body,
                is_public: self.public,
                data: self.data.clone(),
            },
        )
        .await
    }
}

/// People told of the change.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub to: Audience,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Audience {
    Users(Vec<Uuid>),
    /// The owner and the followers, but not whoever made the change.
    Followers,
}
