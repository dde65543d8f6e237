use super::*;

fn situation(state: State) -> Situation {
    Situation {
        state,
        merged: false,
        has_first_response: false,
        owner: None,
        open_children: Vec::new(),
    }
}

#[test]
fn case_numbers_read_and_print_the_way_agents_write_them() {
    assert_eq!(CaseNumber::parse("CAS-000123"), Some(CaseNumber(123)));
    assert_eq!(CaseNumber::parse("cas-7"), Some(CaseNumber(7)));
    assert_eq!(CaseNumber::parse(" 42 "), Some(CaseNumber(42)));
    assert_eq!(CaseNumber(123).to_string(), "CAS-000123");
    assert_eq!(CaseNumber(1_234_567).to_string(), "CAS-1234567");
    for bad in ["", "CAS-", "CAS-12a", "0", "-5", "CAS-9999999999999"] {
        assert_eq!(CaseNumber::parse(bad), None, "{bad}");
    }
}

#[test]
fn only_active_cases_are_resolved_or_cancelled() {
    assert_eq!(check_resolve(&situation(State::Active)), Ok(()));
    assert_eq!(check_cancel(&situation(State::Active)), Ok(()));
    for closed in [State::Resolved, State::Cancelled] {
        assert_eq!(check_resolve(&situation(closed)), Err(Refusal::NotActive));
        assert_eq!(check_cancel(&situation(closed)), Err(Refusal::NotActive));
    }
}

#[test]
fn a_parent_with_open_children_cannot_be_resolved() {
    let mut parent = situation(State::Active);
    parent.open_children = vec![CaseNumber(12), CaseNumber(15)];
    let refusal = check_resolve(&parent).err();
    assert_eq!(
        refusal,
        Some(Refusal::OpenChildren(vec![CaseNumber(12), CaseNumber(15)]))
    );
    assert_eq!(
        check_cancel(&parent),
        Ok(()),
        "cancelling is not blocked by children"
    );
}

#[test]
fn reactivation_brings_back_closed_cases_but_not_merged_ones() {
    assert_eq!(check_reactivate(&situation(State::Resolved)), Ok(()));
    assert_eq!(check_reactivate(&situation(State::Cancelled)), Ok(()));
    assert_eq!(
        check_reactivate(&situation(State::Active)),
        Err(Refusal::NotClosed)
    );
    let mut merged = situation(State::Cancelled);
    merged.merged = true;
    assert_eq!(check_reactivate(&merged), Err(Refusal::Merged));
}

#[test]
fn starting_execution_sets_first_response_once_and_takes_unowned_cases() {
    let fresh = situation(State::Active);
    assert_eq!(
        start_execution(&fresh),
        Ok(Execution {
            set_first_response: true,
            take_ownership: true
        })
    );
    let mut worked = situation(State::Active);
    worked.has_first_response = true;
    worked.owner = Some(Uuid::now_v7());
    assert_eq!(
        start_execution(&worked),
        Ok(Execution {
            set_first_response: false,
            take_ownership: false
        })
    );
    assert_eq!(
        start_execution(&situation(State::Resolved)),
        Err(Refusal::NotActive)
    );
}

#[test]
fn merging_needs_two_to_ten_active_cases_of_one_customer() {
    let customer = Uuid::now_v7();
    let case = |state, merged| (Uuid::now_v7(), state, merged, customer);
    let two = vec![case(State::Active, false), case(State::Active, false)];
    assert_eq!(check_merge(&two, two[0].0), Ok(()));
    assert_eq!(check_merge(&two[..1], two[0].0), Err("merge-refused-count"));
    let eleven: Vec<_> = (0..11).map(|_| case(State::Active, false)).collect();
    assert_eq!(
        check_merge(&eleven, eleven[0].0),
        Err("merge-refused-count")
    );
    assert_eq!(
        check_merge(&two, Uuid::now_v7()),
        Err("merge-refused-primary")
    );
    let with_resolved = vec![case(State::Active, false), case(State::Resolved, false)];
    assert_eq!(
        check_merge(&with_resolved, with_resolved[0].0),
        Err("merge-refused-state")
    );
    let with_merged = vec![case(State::Active, false), case(State::Active, true)];
    assert_eq!(
        check_merge(&with_merged, with_merged[0].0),
        Err("merge-refused-state")
    );
    let mixed = vec![
        case(State::Active, false),
        (Uuid::now_v7(), State::Active, false, Uuid::now_v7()),
    ];
    assert_eq!(
        check_merge(&mixed, mixed[0].0),
        Err("merge-refused-customer")
    );
}

fn activity(kind: &str) -> ActivityForm {
    ActivityForm {
        kind: kind.into(),
        description: "Cliente ligou".into(),
        billable: "on".into(),
        ..ActivityForm::default()
    }
}

#[test]
fn an_activity_takes_its_duration_from_start_and_end_or_as_typed() {
    let tz = chrono_tz::America::Sao_Paulo;
    let timed = ActivityForm {
        date: "2026-11-20".into(),
        start_time: "09:10".into(),
        end_time: "09:25".into(),
        duration: "99".into(),
        ..activity("phone_call")
    };
    let parsed = ActivityInput::parse(&timed, tz).expect("valid");
    assert_eq!(
        parsed.duration_minutes, 15,
        "start and end win over typed minutes"
    );
    assert_eq!(
        parsed.started_at.map(|t| t.to_rfc3339()),
        Some("2026-11-20T12:10:00+00:00".into())
    );
    let typed = ActivityForm {
        duration: "15".into(),
        ..activity("phone_call")
    };
    assert_eq!(
        ActivityInput::parse(&typed, tz)
            .ok()
            .map(|a| (a.duration_minutes, a.billable)),
        Some((15, true))
    );
}

#[test]
fn a_service_record_needs_its_person_date_and_hours() {
    let tz = chrono_tz::America::Sao_Paulo;
    let errors = ActivityInput::parse(&activity("service_record"), tz)
        .err()
        .unwrap_or_default();
    let fields: Vec<_> = errors.fields().collect();
    assert_eq!(fields, ["date", "end_time", "person_id", "start_time"]);
    let backwards = ActivityForm {
        date: "2026-11-20".into(),
        start_time: "10:00".into(),
        end_time: "09:00".into(),
        ..activity("phone_call")
    };
    assert_eq!(
        ActivityInput::parse(&backwards, tz)
            .err()
            .unwrap_or_default()
            .get("end_time"),
        Some("error-end-before-start")
    );
}

#[test]
fn the_case_form_reports_each_problem_and_refuses_a_future_reception() {
    let tz = chrono_tz::America::Sao_Paulo;
    let now = Utc::now();
    let errors = CaseInput::parse(
        &CaseForm {
            received_at: local_input(now + chrono::Duration::days(1), tz),
            occurrence_id: Uuid::now_v7().to_string(),
            manufactured_on: "2026-05-01".into(),
            expires_on: "2026-01-01".into(),
            related_case: "CAS-x".into(),
            ..CaseForm::default()
        },
        tz,
        now,
    )
    .err()
    .unwrap_or_default();
    for (field, key) in [
        ("title", "error-required"),
        ("customer_id", "error-customer-required"),
        ("received_at", "error-received-future"),
        ("reason_id", "error-reason-first"),
        ("expires_on", "error-expiry-before-manufacture"),
        ("related_case", "error-case-number"),
    ] {
        assert_eq!(errors.get(field), Some(key), "{field}");
    }
}

#[test]
fn an_earlier_reception_is_read_in_the_users_time_zone() {
    let tz = chrono_tz::America::Sao_Paulo;
    let yesterday = Utc::now() - chrono::Duration::days(1);
    let parsed = CaseInput::parse(
        &CaseForm {
            title: "E-mail de ontem".into(),
            customer_id: Uuid::now_v7().to_string(),
            received_at: local_input(yesterday, tz),
            ..CaseForm::default()
        },
        tz,
        Utc::now(),
    )
    .expect("valid");
    let received = parsed.received_at.expect("given");
    assert!((received - yesterday).num_minutes().abs() <= 1);
    assert_eq!(
        Owner::parse(&Owner::User(parsed.customer_id).encode()),
        Ok(Owner::User(parsed.customer_id))
    );
}
