use super::*;

use chrono::TimeZone;
use chrono_tz::America::Sao_Paulo;

use crate::sla::calendar::{Calendar, Interval};
use crate::sla::condition::{CaseFacts, Condition, Field, Op, Rule};
use crate::sla::model::{Actions, FirstResponseBy};

fn office_hours() -> Calendar {
    let day = vec![Interval {
        start: 9 * 60,
        end: 18 * 60,
    }];
    Calendar {
        time_zone: Sao_Paulo,
        always_open: false,
        week: [
            day.clone(),
            day.clone(),
            day.clone(),
            day.clone(),
            day,
            vec![],
            vec![],
        ],
        holidays: vec![],
    }
}

/// Local São Paulo wall-clock time on a date of November 2026 (Monday the 23rd).
fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Sao_Paulo
        .with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn item(kpi: Kpi, warn: i64, fail: i64, condition: Condition) -> SlaItem {
    SlaItem {
        id: Uuid::now_v7(),
        name: format!("{} {fail}", kpi.as_str()),
        kpi,
        condition,
        warn_after_minutes: warn,
        fail_after_minutes: fail,
        warning_actions: Actions::default(),
        failure_actions: Actions::default(),
        first_response_by: FirstResponseBy::Execution,
    }
}

struct Fixture {
    sla: Sla,
    waiting: Uuid,
    working: Uuid,
}

fn fixture(items: Vec<SlaItem>) -> Fixture {
    let waiting = Uuid::now_v7();
    Fixture {
        sla: Sla {
            id: Uuid::now_v7(),
            name: "Standard".into(),
            calendar: office_hours(),
            pause_status_ids: vec![waiting],
            items,
        },
        waiting,
        working: Uuid::now_v7(),
    }
}

fn moment(f: &Fixture, now: DateTime<Utc>) -> CaseMoment {
    CaseMoment {
        state: State::Active,
        status_reason_id: f.working,
        received_at: at(23, 10, 0),
        first_response_at: None,
        first_public_reply_at: None,
        resolved_at: None,
        now,
    }
}

fn run(f: &Fixture, current: Option<&Instance>, kpi: Kpi, case: &CaseMoment) -> Evolution {
    let facts = CaseFacts::default();
    let item = f.sla.item_for(kpi, &facts);
    evolve(current, kpi, &f.sla, item, case).expect("an instance")
}

#[test]
fn a_new_case_starts_its_clock_in_working_time() {
    let f = fixture(vec![item(Kpi::Resolve, 360, 540, Condition::always())]);
    let started = run(&f, None, Kpi::Resolve, &moment(&f, at(23, 10, 0)));
    assert!(started.is_new);
    let i = started.instance;
    assert_eq!(i.status, KpiStatus::InProgress);
    // 10:00 + 6 working hours = 16:00; + 9 = 18:00, then the next day 09:00 + 1 h.
    assert_eq!(i.warning_at, at(23, 16, 0));
    assert_eq!(i.failure_at, at(24, 10, 0));
    assert_eq!(i.due_at(), Some(at(23, 16, 0)));
    assert_eq!(started.steps.len(), 1);
}

#[test]
fn no_applicable_item_means_no_instance() {
    let f = fixture(vec![item(Kpi::Resolve, 60, 120, Condition::always())]);
    let case = moment(&f, at(23, 10, 0));
    assert!(evolve(None, Kpi::FirstResponse, &f.sla, None, &case).is_none());
}

#[test]
fn a_pause_moves_both_deadlines_by_the_working_time_paused() {
    let f = fixture(vec![item(Kpi::Resolve, 360, 540, Condition::always())]);
    let first = run(&f, None, Kpi::Resolve, &moment(&f, at(23, 10, 0))).instance;

    let mut waiting = moment(&f, at(23, 11, 0));
    waiting.status_reason_id = f.waiting;
    let paused = run(&f, Some(&first), Kpi::Resolve, &waiting);
    assert_eq!(paused.instance.status, KpiStatus::Paused);
    assert_eq!(
        paused.instance.due_at(),
        None,
        "a paused clock is never due"
    );

    // Paused from Monday 11:00 to Tuesday 10:00: 7 h Monday + 1 h Tuesday of working time.
    let resumed = run(
        &f,
        Some(&paused.instance),
        Kpi::Resolve,
        &moment(&f, at(24, 10, 0)),
    );
    let i = resumed.instance;
    assert_eq!(i.status, KpiStatus::InProgress);
    assert_eq!(i.paused_minutes, 8 * 60);
    assert_eq!(i.warning_at, at(24, 15, 0));
    assert_eq!(i.failure_at, at(24, 18, 0));
    assert_eq!(
        resumed.steps[0].0,
        Step::Resumed {
            paused_minutes: 480
        }
    );
}

#[test]
fn time_moves_an_instance_to_nearing_then_breached_once() {
    let f = fixture(vec![item(Kpi::FirstResponse, 60, 120, Condition::always())]);
    let mut i = run(&f, None, Kpi::FirstResponse, &moment(&f, at(23, 10, 0))).instance;
    assert_eq!(tick(&mut i, at(23, 10, 59)), None);
    assert_eq!(
        tick(&mut i, at(23, 11, 0)),
        Some((Step::Warned, KpiStatus::InProgress))
    );
    assert_eq!(i.status, KpiStatus::Nearing);
    assert_eq!(i.due_at(), Some(at(23, 12, 0)));
    assert_eq!(tick(&mut i, at(23, 11, 30)), None, "a warning happens once");
    assert_eq!(
        tick(&mut i, at(23, 12, 0)),
        Some((Step::Failed, KpiStatus::Nearing))
    );
    assert_eq!(i.status, KpiStatus::NonCompliant);
    assert_eq!(i.due_at(), None);
    assert_eq!(tick(&mut i, at(23, 13, 0)), None, "a breach happens once");
}

#[test]
fn an_instance_first_seen_past_its_failure_time_is_breached_without_a_warning() {
    let f = fixture(vec![item(Kpi::FirstResponse, 60, 120, Condition::always())]);
    let mut overdue = run(&f, None, Kpi::FirstResponse, &moment(&f, at(23, 10, 0))).instance;
    assert_eq!(
        tick(&mut overdue, at(24, 9, 0)),
        Some((Step::Failed, KpiStatus::InProgress)),
        "one step, straight from in progress"
    );
    assert_eq!(overdue.status, KpiStatus::NonCompliant);
    assert_eq!(overdue.warned_at, None);
    assert_eq!(overdue.due_at(), None);
    assert_eq!(tick(&mut overdue, at(24, 10, 0)), None);

    // Seen first between its warning and its failure: warned, breached later.
    let mut late = run(&f, None, Kpi::FirstResponse, &moment(&f, at(23, 10, 0))).instance;
    assert_eq!(
        tick(&mut late, at(23, 11, 59)),
        Some((Step::Warned, KpiStatus::InProgress))
    );
    assert_eq!(
        tick(&mut late, at(23, 12, 1)),
        Some((Step::Failed, KpiStatus::Nearing))
    );
}

#[test]
fn first_response_in_time_succeeds_and_late_stays_non_compliant() {
    let f = fixture(vec![item(Kpi::FirstResponse, 60, 120, Condition::always())]);
    let i = run(&f, None, Kpi::FirstResponse, &moment(&f, at(23, 10, 0))).instance;
    let mut answered = moment(&f, at(23, 10, 30));
    answered.first_response_at = Some(at(23, 10, 30));
    let done = run(&f, Some(&i), Kpi::FirstResponse, &answered).instance;
    assert_eq!(done.status, KpiStatus::Succeeded);
    assert_eq!(done.succeeded_at, Some(at(23, 10, 30)));

    let mut late = i.clone();
    tick(&mut late, at(23, 12, 5));
    let mut answered_late = moment(&f, at(23, 13, 0));
    answered_late.first_response_at = Some(at(23, 13, 0));
    let after = run(&f, Some(&late), Kpi::FirstResponse, &answered_late).instance;
    assert_eq!(after.status, KpiStatus::NonCompliant);
    assert_eq!(after.succeeded_at, Some(at(23, 13, 0)));
    assert!(after.ended_at.is_some());
}

#[test]
fn a_priority_change_re_evaluates_to_the_first_applicable_item() {
    let high = Uuid::now_v7();
    let urgent = item(
        Kpi::Resolve,
        60,
        120,
        Condition(vec![vec![Rule {
            field: Field::Priority,
            op: Op::Is,
            value: Some(high),
        }]]),
    );
    let normal = item(Kpi::Resolve, 360, 540, Condition::always());
    let f = fixture(vec![urgent.clone(), normal.clone()]);
    let case = moment(&f, at(23, 10, 0));
    let low_facts = CaseFacts::default();
    let started = evolve(
        None,
        Kpi::Resolve,
        &f.sla,
        f.sla.item_for(Kpi::Resolve, &low_facts),
        &case,
    )
    .unwrap()
    .instance;
    assert_eq!(started.sla_item_id, Some(normal.id));

    let high_facts = CaseFacts {
        priority: Some(high),
        ..CaseFacts::default()
    };
    let later = moment(&f, at(23, 10, 30));
    let raised = evolve(
        Some(&started),
        Kpi::Resolve,
        &f.sla,
        f.sla.item_for(Kpi::Resolve, &high_facts),
        &later,
    )
    .unwrap();
    assert_eq!(raised.instance.sla_item_id, Some(urgent.id));
    assert_eq!(raised.instance.failure_at, at(23, 12, 0));
    assert!(matches!(
        raised.steps[0].0,
        Step::Reevaluated { from, to, failure_before } if from == Some(normal.id) && to == urgent.id && failure_before == at(24, 10, 0)
    ));
}

#[test]
fn resuming_and_re_evaluating_in_one_change_records_the_deadline_it_had_before() {
    let high = Uuid::now_v7();
    let urgent = item(
        Kpi::Resolve,
        60,
        120,
        Condition(vec![vec![Rule {
            field: Field::Priority,
            op: Op::Is,
            value: Some(high),
        }]]),
    );
    let normal = item(Kpi::Resolve, 360, 540, Condition::always());
    let f = fixture(vec![urgent.clone(), normal.clone()]);
    let started = run(&f, None, Kpi::Resolve, &moment(&f, at(23, 10, 0))).instance;
    assert_eq!(started.failure_at, at(24, 10, 0));
    let mut waiting = moment(&f, at(23, 11, 0));
    waiting.status_reason_id = f.waiting;
    let paused = run(&f, Some(&started), Kpi::Resolve, &waiting).instance;

    // One edit, an hour later: back to work, and urgent.
    let high_facts = CaseFacts {
        priority: Some(high),
        ..CaseFacts::default()
    };
    let changed = evolve(
        Some(&paused),
        Kpi::Resolve,
        &f.sla,
        f.sla.item_for(Kpi::Resolve, &high_facts),
        &moment(&f, at(23, 12, 0)),
    )
    .unwrap();
    let events: Vec<&str> = changed.steps.iter().map(|(s, _, _)| s.event()).collect();
    assert_eq!(events, ["resumed", "reevaluated"]);
    // Before: the normal item's 9 working hours plus the hour paused.
    let Step::Reevaluated { failure_before, .. } = changed.steps[1].0 else {
        unreachable!()
    };
    assert_eq!(failure_before, at(24, 11, 0));
    // After: the urgent item's 2 working hours plus the hour paused.
    assert_eq!(changed.instance.failure_at, at(23, 13, 0));
}

#[test]
fn cancelling_ends_the_clock_and_reactivating_reopens_it_without_the_closed_time() {
    let f = fixture(vec![item(Kpi::Resolve, 360, 480, Condition::always())]);
    let i = run(&f, None, Kpi::Resolve, &moment(&f, at(23, 10, 0))).instance;
    let mut cancelled = moment(&f, at(23, 12, 0));
    cancelled.state = State::Cancelled;
    let ended = run(&f, Some(&i), Kpi::Resolve, &cancelled).instance;
    assert_eq!(ended.status, KpiStatus::Cancelled);
    assert_eq!(ended.due_at(), None);

    let back = run(&f, Some(&ended), Kpi::Resolve, &moment(&f, at(23, 14, 0)));
    assert_eq!(back.instance.status, KpiStatus::InProgress);
    assert_eq!(back.instance.paused_minutes, 120);
    assert_eq!(back.instance.warning_at, at(23, 18, 0));
    assert!(matches!(
        back.steps[0].0,
        Step::Reopened {
            closed_minutes: 120
        }
    ));
}

#[test]
fn resolving_while_paused_succeeds_at_the_resolution() {
    let f = fixture(vec![item(Kpi::Resolve, 60, 120, Condition::always())]);
    let i = run(&f, None, Kpi::Resolve, &moment(&f, at(23, 10, 0))).instance;
    let mut waiting = moment(&f, at(23, 10, 30));
    waiting.status_reason_id = f.waiting;
    let paused = run(&f, Some(&i), Kpi::Resolve, &waiting).instance;
    let mut resolved = moment(&f, at(23, 15, 0));
    resolved.state = State::Resolved;
    resolved.resolved_at = Some(at(23, 15, 0));
    let done = run(&f, Some(&paused), Kpi::Resolve, &resolved).instance;
    assert_eq!(done.status, KpiStatus::Succeeded, "{done:?}");
    assert_eq!(done.paused_minutes, 270);
}

#[test]
fn what_answers_a_case_is_the_first_response_items_to_say() {
    let answered = |by: FirstResponseBy, started: Option<u32>, replied: Option<u32>| {
        let mut items = vec![item(Kpi::FirstResponse, 60, 120, Condition::always())];
        items[0].first_response_by = by;
        let f = fixture(items);
        let i = run(&f, None, Kpi::FirstResponse, &moment(&f, at(23, 10, 0))).instance;
        let mut now = moment(&f, at(23, 11, 0));
        now.first_response_at = started.map(|m| at(23, 10, m));
        now.first_public_reply_at = replied.map(|m| at(23, 10, m));
        let after = run(&f, Some(&i), Kpi::FirstResponse, &now).instance;
        (after.status, after.succeeded_at)
    };
    let open = (KpiStatus::InProgress, None);
    let kept = |m| (KpiStatus::Succeeded, Some(at(23, 10, m)));
    assert_eq!(
        answered(FirstResponseBy::Execution, Some(20), None),
        kept(20)
    );
    assert_eq!(answered(FirstResponseBy::Execution, None, Some(30)), open);
    assert_eq!(answered(FirstResponseBy::PublicReply, Some(20), None), open);
    assert_eq!(
        answered(FirstResponseBy::PublicReply, Some(20), Some(30)),
        kept(30)
    );
    assert_eq!(
        answered(FirstResponseBy::Either, Some(20), Some(30)),
        kept(20)
    );
    assert_eq!(answered(FirstResponseBy::Either, None, Some(30)), kept(30));
}

#[test]
fn a_case_resolved_without_a_public_reply_stays_answered_when_reactivated() {
    let mut items = vec![item(Kpi::FirstResponse, 60, 120, Condition::always())];
    items[0].first_response_by = FirstResponseBy::PublicReply;
    let f = fixture(items);
    let i = run(&f, None, Kpi::FirstResponse, &moment(&f, at(23, 10, 0))).instance;
    let mut resolved = moment(&f, at(23, 10, 40));
    resolved.state = State::Resolved;
    resolved.resolved_at = Some(at(23, 10, 40));
    resolved.first_response_at = Some(at(23, 10, 40));
    let done = run(&f, Some(&i), Kpi::FirstResponse, &resolved).instance;
    assert_eq!(
        done.status,
        KpiStatus::Succeeded,
        "the resolution answers it"
    );

    let mut reactivated = moment(&f, at(23, 11, 0));
    reactivated.first_response_at = Some(at(23, 10, 40));
    let back = evolve(
        Some(&done),
        Kpi::FirstResponse,
        &f.sla,
        f.sla.items.first(),
        &reactivated,
    );
    assert!(
        back.as_ref()
            .is_none_or(|e| e.instance.status == KpiStatus::Succeeded),
        "{back:?}"
    );
}
