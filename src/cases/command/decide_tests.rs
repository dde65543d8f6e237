use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::cases::command::{Audience, Change, Write};

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn agent() -> Actor {
    Actor {
        user: id(1),
        name: "Ana".into(),
        supervisor: false,
    }
}

fn supervisor() -> Actor {
    Actor {
        user: id(2),
        name: "Sérgio".into(),
        supervisor: true,
    }
}

fn active() -> CaseNow {
    CaseNow {
        state: State::Active,
        merged: false,
        has_first_response: false,
        owner_user: None,
        owner_team: Some(id(30)),
        owner_name: "Nível 1".into(),
        owner_team_name: "Nível 1".into(),
        open_children: Vec::new(),
        terms_exempt: false,
        queue: None,
    }
}

fn named(n: u128, name: &str) -> Named {
    Named {
        id: id(n),
        name: name.into(),
    }
}

fn resolve() -> Command {
    Command::Resolve {
        status: named(40, "Problema resolvido"),
        text: "Trocado o fusível.".into(),
        billable_minutes: 70,
        billable_shown: "1 h 10 min".into(),
    }
}

#[test]
fn starting_execution_answers_takes_an_unowned_case_and_moves_it_to_in_progress() {
    let change = decide(
        &Command::StartExecution {
            in_progress: id(50),
        },
        &active(),
        &agent(),
    )
    .expect("allowed");
    assert_eq!(
        change.writes,
        [
            Write::FirstResponse,
            Write::Owner(Owner::User(id(1))),
            Write::Status(id(50))
        ]
    );
    assert!(change.resync_sla);
    assert_eq!(change.entries.len(), 1);
}

#[test]
fn an_agent_cannot_take_a_case_someone_owns_but_a_supervisor_can() {
    let owned = CaseNow {
        owner_user: Some(id(9)),
        owner_name: "Bia".into(),
        ..active()
    };
    assert_eq!(
        decide(&Command::Take, &owned, &agent()),
        Err(Refusal::NotAllowed)
    );
    let change = decide(&Command::Take, &owned, &supervisor()).expect("allowed");
    let data = &change.entries[0].data;
    assert_eq!(data["old"], "Bia");
    assert_eq!(data["new"], "Sérgio");
    assert_eq!(data["new_id"], id(2).to_string());
}

#[test]
fn assigning_to_a_person_tells_them_and_to_a_team_tells_nobody() {
    let to_user = decide(
        &Command::Assign {
            owner: Owner::User(id(7)),
            name: "Caio".into(),
        },
        &active(),
        &supervisor(),
    )
    .expect("allowed");
    assert_eq!(to_user.notices.len(), 1);
    assert_eq!(to_user.notices[0].to, Audience::Users(vec![id(7)]));
    let to_team = decide(
        &Command::Assign {
            owner: Owner::Team(id(31)),
            name: "Nível 2".into(),
        },
        &active(),
        &supervisor(),
    )
    .expect("allowed");
    assert!(to_team.notices.is_empty());
}

#[test]
fn resolving_with_open_children_is_refused_with_their_numbers() {
    let parent = CaseNow {
        open_children: vec![CaseNumber(12)],
        ..active()
    };
    assert_eq!(
        decide(&resolve(), &parent, &agent()),
        Err(Refusal::OpenChildren(vec![CaseNumber(12)]))
    );
}

#[test]
fn reactivating_a_merged_case_is_refused() {
    let merged = CaseNow {
        state: State::Cancelled,
        merged: true,
        ..active()
    };
    assert_eq!(
        decide(
            &Command::Reactivate {
                in_progress: id(50)
            },
            &merged,
            &agent()
        ),
        Err(Refusal::Merged)
    );
}

#[test]
fn setting_the_exemption_it_already_has_changes_nothing() {
    let change = decide(
        &Command::SetTermsExempt {
            exempt: false,
            on: "sim".into(),
            off: "não".into(),
        },
        &active(),
        &agent(),
    )
    .expect("allowed");
    assert_eq!(change, Change::default());
}

#[test]
fn a_note_that_changes_a_field_needs_an_active_case_and_a_plain_one_does_not() {
    let resolved = CaseNow {
        state: State::Resolved,
        ..active()
    };
    let note = |priority| Command::Note {
        body: "Retorno do cliente.".into(),
        public: true,
        notify: false,
        priority,
        status: None,
    };
    assert_eq!(
        decide(&note(Some(id(70))), &resolved, &agent()),
        Err(Refusal::NotActive)
    );
    let plain = decide(&note(None), &resolved, &agent()).expect("a note goes on");
    assert_eq!(plain.writes, [Write::FirstPublicReply]);
    assert!(plain.entries[0].public);
    assert!(!plain.resync_sla && !plain.audited);
    let raising = decide(&note(Some(id(70))), &active(), &agent()).expect("allowed");
    assert!(raising.audited && raising.resync_sla);
}

#[test]
fn giving_a_case_to_its_owner_changes_nothing() {
    let change = decide(
        &Command::Assign {
            owner: Owner::Team(id(30)),
            name: "Nível 1".into(),
        },
        &active(),
        &supervisor(),
    );
    assert_eq!(change, Ok(Change::default()));
}

#[test]
fn a_new_case_tells_its_owner_unless_the_owner_opened_it() {
    let opening = |owner| Opening {
        owner,
        entitlement: Some(id(80)),
        exception: None,
    };
    let for_caio = decide_open(&opening(Owner::User(id(7))), &agent());
    assert_eq!(for_caio.notices[0].to, Audience::Users(vec![id(7)]));
    assert_eq!(for_caio.terms, Some(CaseEvent::Created));
    let own = decide_open(&opening(Owner::User(agent().user)), &agent());
    assert!(own.notices.is_empty());
    let without = decide_open(
        &Opening {
            owner: Owner::Nobody,
            entitlement: None,
            exception: Some(Exception {
                entitlements: "Contrato Ouro".into(),
                reason: "Cliente em implantação".into(),
            }),
        },
        &supervisor(),
    );
    assert_eq!(without.terms, None);
    assert_eq!(without.entries[0].kind, EventKind::Entitlement);
    assert_eq!(without.entries[0].body, "Cliente em implantação");
}

// Sequences of commands ------------------------------------------------------

/// The case after a change, as far as the rules read it.
fn after(case: &CaseNow, change: &Change, actor: &Actor) -> CaseNow {
    let mut next = case.clone();
    for write in &change.writes {
        match write {
            Write::Owner(Owner::User(user)) => {
                next.owner_user = Some(*user);
                next.owner_name = if *user == actor.user {
                    actor.name.clone()
                } else {
                    "someone".into()
                };
            }
            Write::Owner(Owner::Team(team)) => {
                next.owner_user = None;
                next.owner_team = Some(*team);
            }
            Write::Owner(Owner::Nobody) => {
                next.owner_user = None;
                next.owner_team = None;
                next.owner_name = String::new();
            }
            Write::FirstResponse => next.has_first_response = true,
            Write::Resolution { .. } => next.state = State::Resolved,
            Write::Cancellation { .. } => next.state = State::Cancelled,
            Write::Reactivation { .. } => next.state = State::Active,
            Write::TermsExempt(exempt) => next.terms_exempt = *exempt,
            Write::Queue(queue) => {
                next.queue = queue.map(|id| named(id.as_u128(), "Fila"));
            }
            Write::Status(_)
            | Write::Forward { .. }
            | Write::Priority(_)
            | Write::Parent(_)
            | Write::FirstPublicReply
            | Write::Activity { .. }
            | Write::Edit(_)
            | Write::Entitlement(_) => {}
        }
    }
    next
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        Just(Command::StartExecution {
            in_progress: id(50)
        }),
        Just(Command::Take),
        (0u128..3).prop_map(|n| Command::Assign {
            owner: match n {
                0 => Owner::Nobody,
                1 => Owner::User(id(7)),
                _ => Owner::Team(id(31)),
            },
            name: "Alguém".into(),
        }),
        Just(resolve()),
        Just(Command::Cancel {
            status: named(41, "Cancelado"),
            text: String::new(),
        }),
        Just(Command::Reactivate {
            in_progress: id(50)
        }),
        Just(Command::Forward {
            reason: named(60, "Escalonamento"),
            team: named(31, "Nível 2"),
            user: named(7, "Caio"),
            request_type: named(61, "Dúvida"),
            note: String::new(),
        }),
        any::<bool>().prop_map(|exempt| Command::SetTermsExempt {
            exempt,
            on: "sim".into(),
            off: "não".into(),
        }),
        (80u128..82).prop_map(|n| Command::AddToQueue {
            queue: named(n, "Fila"),
        }),
        (80u128..82).prop_map(|n| Command::RouteToQueue {
            queue: named(n, "Fila"),
        }),
        any::<bool>().prop_map(|remove| Command::Pick { remove }),
        Just(Command::Release),
        Just(Command::RemoveFromQueue),
        (any::<bool>(), 0u128..3).prop_map(|(public, change)| Command::Note {
            body: "Cliente retornou.".into(),
            public,
            notify: public,
            priority: (change == 1).then(|| id(70)),
            status: (change == 2).then(|| id(71)),
        }),
    ]
}

proptest! {
    /// A closed case accepts only reactivation and the exemption switch;
    /// an active one never takes reactivation; whatever is accepted leaves
    /// exactly the entries its kind calls for, moves the clocks when the
    /// state or status moves, and moves the terms with every close and
    /// reopening.
    #[test]
    fn every_sequence_of_commands_keeps_the_rules_a_user_relies_on(
        commands in proptest::collection::vec((command(), any::<bool>()), 1..40)
    ) {
        let mut case = active();
        for (command, as_supervisor) in commands {
            let actor = if as_supervisor { supervisor() } else { agent() };
            let result = decide(&command, &case, &actor);
            let closed = case.state != State::Active;
            match (&command, &result) {
                (Command::SetTermsExempt { .. }, _) => prop_assert!(result.is_ok()),
                (Command::Note { priority: None, status: None, .. }, _) => {
                    prop_assert!(result.is_ok(), "a plain note goes on any case")
                }
                (Command::Reactivate { .. }, Ok(_)) => prop_assert!(closed),
                (Command::Reactivate { .. }, Err(_)) => prop_assert!(!closed),
                (_, Ok(_)) => prop_assert!(!closed, "{command:?} on a closed case"),
                (_, Err(Refusal::NotAllowed)) => {
                    let moves_owner = matches!(command, Command::Take | Command::Pick { .. } | Command::Release);
                    let someone_else = case.owner_user.is_some_and(|owner| owner != actor.user);
                    prop_assert!(moves_owner && !actor.supervisor && someone_else)
                }
                (_, Err(Refusal::NotQueued)) => prop_assert!(!closed && case.queue.is_none()),
                (_, Err(_)) => prop_assert!(closed),
            }
            let Ok(change) = result else { continue };
            let field_writes = change
                .writes
                .iter()
                .filter(|w| matches!(w, Write::Owner(_) | Write::TermsExempt(_)))
                .count();
            let audited = change
                .entries
                .iter()
                .filter(|e| !e.data["field"].is_null())
                .count();
            let other_fields = change
                .writes
                .iter()
                .any(|w| matches!(w, Write::Priority(_) | Write::Status(_)));
            if other_fields && matches!(command, Command::Note { .. }) {
                prop_assert!(change.audited, "the executor audits what a note changes");
            } else if !matches!(command, Command::StartExecution { .. }) {
                prop_assert_eq!(field_writes, audited, "one audit entry per field written");
            }
            if change != Change::default() {
                prop_assert!(!change.entries.is_empty(), "every change is on the timeline");
            }
            let queue_move = matches!(
                command,
                Command::AddToQueue { .. }
                    | Command::Pick { .. }
                    | Command::Release
                    | Command::RemoveFromQueue
                    | Command::RouteToQueue { .. }
            );
            if queue_move && change != Change::default() {
                prop_assert!(change.resync_sla, "the clocks follow a queue move");
                prop_assert!(change.entries.iter().any(|e| e.kind == EventKind::Queue));
            }
            if closed {
                prop_assert!(case.queue.is_none(), "a closed case waits in no queue");
            }
            let moves_state = change.writes.iter().any(|w| matches!(
                w,
                Write::Resolution { .. } | Write::Cancellation { .. } | Write::Reactivation { .. }
                    | Write::Status(_)
            ));
            if moves_state {
                prop_assert!(change.resync_sla, "the clocks follow the state");
                let closes_or_reopens = matches!(
                    command,
                    Command::Resolve { .. }
                        | Command::Cancel { .. }
                        | Command::Reactivate { .. }
                        | Command::MergeInto { .. }
                );
                prop_assert_eq!(change.terms.is_some(), closes_or_reopens);
            }
            case = after(&case, &change, &actor);
        }
    }
}
