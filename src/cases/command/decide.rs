//! What each command does to a case, decided without touching anything:
//! the rules of every move, the fields it writes, the entries it leaves on
//! the timeline, and what must follow (SLA clocks, entitlement terms,
//! notices). Every word a timeline entry shows (a status's name, an
//! owner's) comes in with the command, so this stays pure.

use serde_json::json;
use uuid::Uuid;

use super::{Change, Entry, Notice, Write};
use crate::cases::model::{self, CaseNumber, Owner, Refusal, Situation, State};
use crate::cases::store::CaseRecord;
use crate::core::case::EventKind;
use crate::entitlements::terms::CaseEvent;
use crate::notifications::Kind;

/// Who asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: Uuid,
    pub name: String,
    /// Supervisors and admins may take a case someone else owns.
    pub supervisor: bool,
}

/// The case as a command finds it (read under its row lock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNow {
    pub state: State,
    pub merged: bool,
    pub has_first_response: bool,
    pub owner_user: Option<Uuid>,
    pub owner_team: Option<Uuid>,
    /// The owner as shown: the user's name, else the team's.
    pub owner_name: String,
    pub open_children: Vec<CaseNumber>,
    pub terms_exempt: bool,
}

impl CaseNow {
    pub fn of(case: &CaseRecord, situation: &Situation) -> CaseNow {
        CaseNow {
            state: situation.state,
            merged: situation.merged,
            has_first_response: situation.has_first_response,
            owner_user: case.owner_user_id,
            owner_team: case.owner_team_id,
            owner_name: case
                .owner_user_name
                .clone()
                .or_else(|| case.owner_team_name.clone())
                .unwrap_or_default(),
            open_children: situation.open_children.clone(),
            terms_exempt: case.terms_exempt,
        }
    }

    fn situation(&self) -> Situation {
        Situation {
            state: self.state,
            merged: self.merged,
            has_first_response: self.has_first_response,
            owner: self.owner_user,
            open_children: self.open_children.clone(),
        }
    }

    fn owner_id(&self) -> Option<Uuid> {
        self.owner_user.or(self.owner_team)
    }
}

/// A catalog entry a command names, with the name the timeline shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub id: Uuid,
    pub name: String,
}

/// What someone asks of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// "Iniciar execução": the work starts, in the "in progress" status.
    StartExecution {
        in_progress: Uuid,
    },
    /// The actor takes the case.
    Take,
    /// A supervisor gives the case to someone (`name` as shown), or to nobody.
    Assign {
        owner: Owner,
        name: String,
    },
    Resolve {
        status: Named,
        text: String,
        billable_minutes: i32,
        /// The billable time as the resolving person's page writes it.
        billable_shown: String,
    },
    Cancel {
        status: Named,
        text: String,
    },
    Reactivate {
        in_progress: Uuid,
    },
    /// "Encaminhar": to a member of a team, for a reason, as a request type.
    Forward {
        reason: Named,
        team: Named,
        user: Named,
        request_type: Named,
        note: String,
    },
    /// The case is merged into `primary` (number as shown) and closes in
    /// the "merged" status.
    MergeInto {
        merged: Uuid,
        primary: Uuid,
        primary_number: String,
    },
    /// The primary case of a merge records the cases it took in.
    TakeInMerged {
        numbers: Vec<String>,
    },
    /// "Não diminuir os termos do direito", with the words its two states show.
    SetTermsExempt {
        exempt: bool,
        on: String,
        off: String,
    },
}

/// Decides `command` on `case` for `actor`.
pub fn decide(command: &Command, case: &CaseNow, actor: &Actor) -> Result<Change, Refusal> {
    let situation = case.situation();
    match command {
        Command::StartExecution { in_progress } => {
            let execution = model::start_execution(&situation)?;
            let mut writes = Vec::new();
            if execution.set_first_response {
                writes.push(Write::FirstResponse);
            }
            if execution.take_ownership {
                writes.push(Write::Owner(Owner::User(actor.user)));
            }
            writes.push(Write::Status(*in_progress));
            Ok(Change {
                writes,
                entries: vec![entry(
                    EventKind::Execution,
                    "",
                    json!({
                        "took": execution.take_ownership,
                        "first_response": execution.set_first_response,
                    }),
                )],
                resync_sla: true,
                ..Change::default()
            })
        }
        Command::Take => {
            model::check_active(&situation)?;
            if case.owner_user.is_some() && !actor.supervisor {
                return Err(Refusal::NotAllowed);
            }
            Ok(Change {
                writes: vec![Write::Owner(Owner::User(actor.user))],
                entries: vec![owner_entry(case, &actor.name, Some(actor.user))],
                ..Change::default()
            })
        }
        Command::Assign { owner, name } => {
            model::check_active(&situation)?;
            let new_id = match owner {
                Owner::User(id) | Owner::Team(id) => Some(*id),
                Owner::Nobody => None,
            };
            let notices = match owner {
                Owner::User(user) => vec![Notice {
                    users: vec![*user],
                    kind: Kind::Assigned,
                }],
                _ => Vec::new(),
            };
            Ok(Change {
                writes: vec![Write::Owner(*owner)],
                entries: vec![owner_entry(case, name, new_id)],
                notices,
                ..Change::default()
            })
        }
        Command::Resolve {
            status,
            text,
            billable_minutes,
            billable_shown,
        } => {
            model::check_resolve(&situation)?;
            Ok(Change {
                writes: vec![Write::Resolution {
                    status: status.id,
                    text: text.clone(),
                    billable_minutes: *billable_minutes,
                }],
                entries: vec![entry(
                    EventKind::Resolved,
                    text,
                    json!({
                        "reason": status.name,
                        "reason_id": status.id,
                        "billable": billable_shown,
                    }),
                )],
                resync_sla: true,
                terms: Some(CaseEvent::Resolved),
                ..Change::default()
            })
        }
        Command::Cancel { status, text } => {
            model::check_cancel(&situation)?;
            Ok(Change {
                writes: vec![Write::Cancellation {
                    status: status.id,
                    merged_into: None,
                }],
                entries: vec![entry(
                    EventKind::Cancelled,
                    text,
                    json!({ "reason": status.name, "reason_id": status.id }),
                )],
                resync_sla: true,
                terms: Some(CaseEvent::Cancelled),
                ..Change::default()
            })
        }
        Command::Reactivate { in_progress } => {
            model::check_reactivate(&situation)?;
            Ok(Change {
                writes: vec![Write::Reactivation {
                    status: *in_progress,
                }],
                entries: vec![entry(
                    EventKind::Reactivated,
                    "",
                    json!({ "from": case.state.as_str() }),
                )],
                resync_sla: true,
                terms: Some(CaseEvent::Reactivated {
                    from_resolved: case.state == State::Resolved,
                }),
                ..Change::default()
            })
        }
        Command::Forward {
            reason,
            team,
            user,
            request_type,
            note,
        } => {
            model::check_active(&situation)?;
            Ok(Change {
                writes: vec![Write::Forward {
                    team: team.id,
                    user: user.id,
                    request_type: request_type.id,
                }],
                entries: vec![entry(
                    EventKind::Forward,
                    note,
                    json!({
                        "reason": reason.name,
                        "reason_id": reason.id,
                        "team": team.name,
                        "team_id": team.id,
                        "user": user.name,
                        "request_type": request_type.name,
                        "request_type_id": request_type.id,
                    }),
                )],
                resync_sla: true,
                notices: vec![Notice {
                    users: vec![user.id],
                    kind: Kind::Forwarded,
                }],
                ..Change::default()
            })
        }
        Command::MergeInto {
            merged,
            primary,
            primary_number,
        } => {
            model::check_cancel(&situation)?;
            if case.merged {
                return Err(Refusal::Merged);
            }
            Ok(Change {
                writes: vec![Write::Cancellation {
                    status: *merged,
                    merged_into: Some(*primary),
                }],
                entries: vec![entry(
                    EventKind::Merged,
                    "",
                    json!({ "into": primary_number }),
                )],
                resync_sla: true,
                terms: Some(CaseEvent::Cancelled),
                ..Change::default()
            })
        }
        Command::TakeInMerged { numbers } => {
            model::check_active(&situation)?;
            Ok(Change {
                entries: vec![entry(
                    EventKind::Merged,
                    "",
                    json!({ "cases": numbers.join(", ") }),
                )],
                ..Change::default()
            })
        }
        Command::SetTermsExempt { exempt, on, off } => {
            if *exempt == case.terms_exempt {
                return Ok(Change::default());
            }
            let (old, new) = if *exempt { (off, on) } else { (on, off) };
            Ok(Change {
                writes: vec![Write::TermsExempt(*exempt)],
                entries: vec![entry(
                    EventKind::Field,
                    "",
                    json!({ "field": "field-terms-exempt", "old": old, "new": new }),
                )],
                terms: Some(CaseEvent::ExemptionChanged),
                ..Change::default()
            })
        }
    }
}

fn entry(kind: EventKind, body: &str, data: serde_json::Value) -> Entry {
    Entry {
        kind,
        body: body.to_owned(),
        public: false,
        data,
    }
}

/// The owner's change, names as shown and ids so each reader names them.
fn owner_entry(case: &CaseNow, new_name: &str, new_id: Option<Uuid>) -> Entry {
    entry(
        EventKind::Assignment,
        "",
        json!({
            "field": "field-owner",
            "old": case.owner_name,
            "new": new_name,
            "old_id": case.owner_id(),
            "new_id": new_id,
        }),
    )
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
