//! What each command does to a case, decided without touching anything:
//! the rules of every move, the fields it writes, the entries it leaves on
//! the timeline, and what must follow (SLA clocks, entitlement terms,
//! notices). Every word a timeline entry shows (a status's name, an
//! owner's) comes in with the command, so this stays pure.

use serde_json::json;
use uuid::Uuid;

use super::{Audience, Change, Edit, Entry, Notice, Write};
use crate::cases::model::{self, ActivityInput, CaseNumber, Owner, Refusal, Situation, State};
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
    /// The owning team's name, when a team owns the case.
    pub owner_team_name: String,
    pub open_children: Vec<CaseNumber>,
    pub terms_exempt: bool,
    /// The queue the case waits in, and its name as shown.
    pub queue: Option<Named>,
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
            owner_team_name: case.owner_team_name.clone().unwrap_or_default(),
            open_children: situation.open_children.clone(),
            terms_exempt: case.terms_exempt,
            queue: case.queue_id.map(|id| Named {
                id,
                name: case.queue_name.clone().unwrap_or_default(),
            }),
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

    fn owner(&self) -> Owner {
        match (self.owner_user, self.owner_team) {
            (Some(user), _) => Owner::User(user),
            (None, Some(team)) => Owner::Team(team),
            (None, None) => Owner::Nobody,
        }
    }
}

/// A catalog entry a command names, with the name the timeline shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub id: Uuid,
    pub name: String,
}

/// What someone asks of a case.
#[derive(Debug, Clone, PartialEq)]
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
    /// A note (relato), public or private; it may change the priority or the
    /// status on the way, and tell the owner and followers.
    Note {
        body: String,
        public: bool,
        notify: bool,
        priority: Option<Uuid>,
        status: Option<Uuid>,
    },
    /// An activity with its time; `minutes` as the page writes it.
    RecordActivity {
        id: Uuid,
        input: Box<ActivityInput>,
        minutes: String,
    },
    /// A file attached to the case, not to a note or an activity.
    Attach {
        attachment: Uuid,
        file: String,
        size: usize,
    },
    /// The case becomes a child of `parent` (numbers as shown).
    SetParent {
        parent: Uuid,
        parent_number: String,
        number: String,
        old_parent: String,
    },
    /// "Adicionar à fila": the case waits in `queue`; a case in another
    /// queue moves to it, whoever works on it going on with it.
    AddToQueue {
        queue: Named,
    },
    /// "Escolher": the actor works on the case from its queue; `remove`
    /// also takes it out of the queue.
    Pick {
        remove: bool,
    },
    /// "Liberar": back to its queue with nobody working on it.
    Release,
    /// "Remover da fila".
    RemoveFromQueue,
    /// Routed to another queue, for its members to pick up: nobody works on
    /// it until one does.
    RouteToQueue {
        queue: Named,
    },
    /// "Aplicar regra de roteamento": where the first matching rule sends
    /// the case (`None` when none matched), and the rules passed over for a
    /// target no longer active.
    ApplyRouting {
        routed: Option<RoutedTo>,
        skipped: Vec<String>,
    },
    /// The edit form saved: only what the person changed is in `edit`.
    /// The entitlement moves when it changed; `exception` is why a case
    /// restricted by an entitlement goes without it.
    EditFields {
        edit: Box<Edit>,
        entitlement: Option<Uuid>,
        entitlement_before: Option<Uuid>,
        exception: Option<Exception>,
    },
}

/// Where a routing rule sends a case: into a queue, to an owner, or both
/// (a team and the member the rule chose).
#[derive(Debug, Clone, PartialEq)]
pub struct RoutedTo {
    pub rule: String,
    pub queue: Option<Named>,
    pub team: Option<Named>,
    pub user: Option<Named>,
}

/// A new case, as what follows its insert reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    pub owner: Owner,
    /// The entitlement it draws on: its terms move at creation.
    pub entitlement: Option<Uuid>,
    pub exception: Option<Exception>,
}

/// What follows the insert of a new case (the insert itself, with its
/// "created" entry and its clocks, is one statement): the entitlement's
/// terms, why it goes without one, and its owner told when the owner is
/// someone else.
pub fn decide_open(opening: &Opening, actor: &Actor) -> Change {
    let notices = match opening.owner {
        Owner::User(owner) if owner != actor.user => vec![Notice {
            to: Audience::Users(vec![owner]),
            kind: Kind::Assigned,
        }],
        _ => Vec::new(),
    };
    Change {
        entries: opening.exception.iter().map(Exception::entry).collect(),
        terms: opening.entitlement.map(|_| CaseEvent::Created),
        notices,
        ..Change::default()
    }
}

/// A case going without the entitlement that restricts it, by a supervisor:
/// the entitlements it skips (as shown) and the reason typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    pub entitlements: String,
    pub reason: String,
}

impl Exception {
    pub fn entry(&self) -> Entry {
        entry(
            EventKind::Entitlement,
            &self.reason,
            json!({ "direction": "exception", "entitlements": self.entitlements }),
        )
    }
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
            // A double click, or a second tab: the case is already theirs.
            if case.owner_user == Some(actor.user) {
                return Ok(Change::default());
            }
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
            if case.owner() == *owner {
                return Ok(Change::default());
            }
            let new_id = match owner {
                Owner::User(id) | Owner::Team(id) => Some(*id),
                Owner::Nobody => None,
            };
            let notices = match owner {
                Owner::User(user) => vec![Notice {
                    to: Audience::Users(vec![*user]),
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
                writes: leaving_queue(
                    case,
                    Write::Resolution {
                        status: status.id,
                        text: text.clone(),
                        billable_minutes: *billable_minutes,
                    },
                ),
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
                writes: leaving_queue(
                    case,
                    Write::Cancellation {
                        status: status.id,
                        merged_into: None,
                    },
                ),
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
                    to: Audience::Users(vec![user.id]),
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
                writes: leaving_queue(
                    case,
                    Write::Cancellation {
                        status: *merged,
                        merged_into: Some(*primary),
                    },
                ),
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
        Command::Note {
            priority, status, ..
        } if priority.is_some() || status.is_some() => {
            model::check_active(&situation)?;
            Ok(blind(command).unwrap_or_default())
        }
        Command::Note { .. } | Command::RecordActivity { .. } | Command::Attach { .. } => {
            Ok(blind(command).unwrap_or_default())
        }
        Command::SetParent {
            parent,
            parent_number,
            number,
            old_parent,
        } => Ok(Change {
            writes: vec![Write::Parent(*parent)],
            entries: vec![entry(
                EventKind::Field,
                "",
                json!({ "field": "field-parent-case", "old": old_parent, "new": parent_number }),
            )],
            elsewhere: vec![(
                *parent,
                entry(EventKind::Child, "", json!({ "child": number })),
            )],
            ..Change::default()
        }),
        Command::AddToQueue { queue } => {
            model::check_active(&situation)?;
            if case.queue.as_ref().is_some_and(|q| q.id == queue.id) {
                return Ok(Change::default());
            }
            Ok(queue_change(
                vec![Write::Queue(Some(queue.id))],
                queue_entry("added", Some(queue), case.queue.as_ref()),
            ))
        }
        Command::Pick { remove } => {
            model::check_active(&situation)?;
            let queue = case.queue.as_ref().ok_or(Refusal::NotQueued)?;
            let mine = case.owner_user == Some(actor.user);
            if case.owner_user.is_some() && !mine && !actor.supervisor {
                return Err(Refusal::NotAllowed);
            }
            if mine && !remove {
                return Ok(Change::default());
            }
            let mut writes = Vec::new();
            if !mine {
                writes.push(Write::Owner(Owner::User(actor.user)));
            }
            if *remove {
                writes.push(Write::Queue(None));
            }
            let mut entry = queue_entry("picked", Some(queue), None);
            entry.data["removed"] = json!(remove);
            if !mine {
                owner_changed(&mut entry, case, &actor.name, Some(actor.user));
            }
            Ok(queue_change(writes, entry))
        }
        Command::Release => {
            model::check_active(&situation)?;
            let queue = case.queue.as_ref().ok_or(Refusal::NotQueued)?;
            let Some(owner) = case.owner_user else {
                return Ok(Change::default());
            };
            if owner != actor.user && !actor.supervisor {
                return Err(Refusal::NotAllowed);
            }
            let mut entry = queue_entry("released", Some(queue), None);
            owner_changed(&mut entry, case, &case.owner_team_name, case.owner_team);
            Ok(queue_change(
                vec![Write::Owner(team_or_nobody(case))],
                entry,
            ))
        }
        Command::RemoveFromQueue => {
            model::check_active(&situation)?;
            let Some(queue) = case.queue.as_ref() else {
                return Ok(Change::default());
            };
            Ok(queue_change(
                vec![Write::Queue(None)],
                queue_entry("removed", None, Some(queue)),
            ))
        }
        Command::RouteToQueue { queue } => {
            model::check_active(&situation)?;
            let from = case.queue.as_ref().ok_or(Refusal::NotQueued)?;
            if from.id == queue.id {
                return Ok(Change::default());
            }
            let mut writes = vec![Write::Queue(Some(queue.id))];
            let mut entry = queue_entry("routed", Some(queue), Some(from));
            if case.owner_user.is_some() {
                writes.push(Write::Owner(team_or_nobody(case)));
                owner_changed(&mut entry, case, &case.owner_team_name, case.owner_team);
            }
            Ok(queue_change(writes, entry))
        }
        Command::ApplyRouting { routed, skipped } => {
            model::check_active(&situation)?;
            let mut entries: Vec<Entry> = skipped
                .iter()
                .map(|rule| {
                    let mut skip = queue_entry("rule_skipped", None, None);
                    skip.data["rule"] = json!(rule);
                    skip
                })
                .collect();
            let Some(to) = routed else {
                return Ok(Change {
                    entries,
                    ..Change::default()
                });
            };
            if let (Some(user), false) = (&to.user, actor.supervisor) {
                // Routing gives the case to someone: an agent may not take
                // it from whoever works on it.
                if case
                    .owner_user
                    .is_some_and(|owner| owner != actor.user && owner != user.id)
                {
                    return Err(Refusal::NotAllowed);
                }
            }
            let mut writes = Vec::new();
            if let Some(queue) = &to.queue
                && case.queue.as_ref().map(|q| q.id) != Some(queue.id)
            {
                writes.push(Write::Queue(Some(queue.id)));
            }
            let mut new_owner = match (&to.team, &to.user) {
                (_, Some(user)) => Some((user.name.clone(), user.id)),
                (Some(team), None) => Some((team.name.clone(), team.id)),
                (None, None) => None,
            };
            // Into a queue and to nobody in particular: whoever worked on
            // it lets it go, for the queue's members to pick.
            if to.queue.is_some() && new_owner.is_none() && case.owner_user.is_some() {
                writes.push(Write::Owner(team_or_nobody(case)));
                new_owner = case
                    .owner_team
                    .map(|team| (case.owner_team_name.clone(), team));
                if new_owner.is_none() {
                    new_owner = Some((String::new(), Uuid::nil()));
                }
            }
            if let Some(team) = &to.team
                && case.owner_team != Some(team.id)
            {
                writes.push(Write::Owner(Owner::Team(team.id)));
            }
            if let Some(user) = &to.user
                && case.owner_user != Some(user.id)
            {
                writes.push(Write::Owner(Owner::User(user.id)));
            }
            let mut entry = queue_entry("routed_by_rule", to.queue.as_ref(), None);
            entry.data["rule"] = json!(to.rule);
            let owner_moves = writes.iter().any(|w| matches!(w, Write::Owner(_)));
            if owner_moves && let Some((name, id)) = new_owner {
                owner_changed(&mut entry, case, &name, Some(id).filter(|id| !id.is_nil()));
            }
            entries.push(entry);
            let notices = match &to.user {
                Some(user) if user.id != actor.user && case.owner_user != Some(user.id) => {
                    vec![Notice {
                        to: Audience::Users(vec![user.id]),
                        kind: Kind::Assigned,
                    }]
                }
                _ => Vec::new(),
            };
            Ok(Change {
                resync_sla: !writes.is_empty(),
                writes,
                entries,
                notices,
                ..Change::default()
            })
        }
        Command::EditFields {
            edit,
            entitlement,
            entitlement_before,
            exception,
        } => {
            let mut writes = vec![Write::Edit(edit.clone())];
            let mut terms = None;
            if entitlement != entitlement_before {
                writes.push(Write::Entitlement(*entitlement));
                terms = Some(CaseEvent::Moved {
                    from: *entitlement_before,
                });
            }
            let notices = match edit.input.owner {
                Owner::User(owner) if case.owner_user != Some(owner) && owner != actor.user => {
                    vec![Notice {
                        to: Audience::Users(vec![owner]),
                        kind: Kind::Assigned,
                    }]
                }
                _ => Vec::new(),
            };
            Ok(Change {
                writes,
                entries: exception.iter().map(Exception::entry).collect(),
                audited: true,
                resync_sla: true,
                terms,
                notices,
                ..Change::default()
            })
        }
    }
}

/// The change of a command that reads nothing of the case (a note that
/// changes no field, an activity, an attachment), so that it can be put to
/// a case named by number and found as it is written.
pub fn blind(command: &Command) -> Option<Change> {
    match command {
        Command::Note {
            body,
            public,
            notify,
            priority,
            status,
        } => {
            let changes_fields = priority.is_some() || status.is_some();
            let mut writes = Vec::new();
            if *public {
                writes.push(Write::FirstPublicReply);
            }
            writes.extend(priority.map(Write::Priority));
            writes.extend(status.map(Write::Status));
            let mut note = entry(EventKind::Note, body, json!({ "notified": notify }));
            note.public = *public;
            Some(Change {
                writes,
                entries: vec![note],
                audited: changes_fields,
                resync_sla: changes_fields,
                notices: notify
                    .then_some(Notice {
                        to: Audience::Followers,
                        kind: Kind::Note,
                    })
                    .into_iter()
                    .collect(),
                ..Change::default()
            })
        }
        Command::RecordActivity { id, input, minutes } => Some(Change {
            writes: vec![Write::Activity {
                id: *id,
                input: input.clone(),
            }],
            entries: vec![entry(
                EventKind::Activity,
                "",
                json!({ "activity_id": id, "minutes": minutes }),
            )],
            ..Change::default()
        }),
        Command::Attach {
            attachment,
            file,
            size,
        } => Some(Change {
            entries: vec![entry(
                EventKind::Attachment,
                "",
                json!({ "attachment_id": attachment, "file": file, "size": size }),
            )],
            ..Change::default()
        }),
        _ => None,
    }
}

/// A move into, within or out of a queue: on the timeline, and the SLA
/// clocks read the case again, as after any change of who has it.
fn queue_change(writes: Vec<Write>, entry: Entry) -> Change {
    Change {
        writes,
        entries: vec![entry],
        resync_sla: true,
        ..Change::default()
    }
}

/// `action` is added, picked, released, removed or routed; `to` and `from`
/// are the queues as shown.
fn queue_entry(action: &str, to: Option<&Named>, from: Option<&Named>) -> Entry {
    entry(
        EventKind::Queue,
        "",
        json!({
            "action": action,
            "queue": to.map(|q| &q.name),
            "queue_id": to.map(|q| q.id),
            "from": from.map(|q| &q.name),
            "from_id": from.map(|q| q.id),
        }),
    )
}

/// A closing write, and the case out of its queue: a closed case waits
/// for nobody.
fn leaving_queue(case: &CaseNow, closing: Write) -> Vec<Write> {
    let mut writes = vec![closing];
    if case.queue.is_some() {
        writes.push(Write::Queue(None));
    }
    writes
}

/// A queue move that changes the owner audits it in its own entry, as an
/// assignment does: the owner before and after, named and by id.
fn owner_changed(entry: &mut Entry, case: &CaseNow, new_name: &str, new_id: Option<Uuid>) {
    entry.data["field"] = json!("field-owner");
    entry.data["old"] = json!(case.owner_name);
    entry.data["new"] = json!(new_name);
    entry.data["old_id"] = json!(case.owner_id());
    entry.data["new_id"] = json!(new_id);
}

/// Who has a case nobody works on any more: its team, if one owns it.
fn team_or_nobody(case: &CaseNow) -> Owner {
    case.owner_team.map_or(Owner::Nobody, Owner::Team)
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
