use std::collections::BTreeSet;

use super::*;

/// Fields of `CaseForm` that are not the case's: they say how the form was
/// sent, not what it holds.
const BOOKKEEPING: [&str; 5] = [
    "idempotency_key",
    "version",
    "quick",
    "seen",
    "entitlement_reason",
];

fn drawn() -> CaseForm {
    CaseForm {
        title: "Impressora não liga".into(),
        customer_id: "0190a1b2-0000-7000-8000-000000000001".into(),
        contact_id: "0190a1b2-0000-7000-8000-000000000002".into(),
        direction: "inbound".into(),
        received_at: "2026-03-02T09:15".into(),
        priority_id: "0190a1b2-0000-7000-8000-0000000000a1".into(),
        description: "Linha um\nLinha dois".into(),
        reason_id: "0190a1b2-0000-7000-8000-0000000000b1".into(),
        occurrence_id: "0190a1b2-0000-7000-8000-0000000000b2".into(),
        entitlement_id: "none".into(),
        version: "3".into(),
        ..CaseForm::default()
    }
}

fn names(fields: &[Field]) -> Vec<&'static str> {
    fields.iter().map(|f| f.name).collect()
}

#[test]
fn every_field_of_the_case_form_is_merged_field_by_field() {
    let all: BTreeSet<String> = values(&CaseForm::default()).into_keys().collect();
    let listed: BTreeSet<String> = FIELDS
        .iter()
        .map(|f| f.name.to_owned())
        .chain(BOOKKEEPING.iter().map(|b| (*b).to_owned()))
        .filter(|name| name != "seen")
        .collect();
    assert_eq!(
        all, listed,
        "a field of CaseForm is missing from FIELDS (or BOOKKEEPING)"
    );
    for (i, field) in FIELDS.iter().enumerate() {
        if let Some(parent) = field.parent {
            assert!(
                FIELDS[..i].iter().any(|f| f.name == parent),
                "{} comes after its parent {parent}",
                field.name
            );
        }
    }
}

#[test]
fn a_field_only_the_other_person_changed_keeps_their_value() {
    let seen = Seen::of(&drawn());
    let theirs = CaseForm {
        related_case: "CAS-000007".into(),
        priority_id: "0190a1b2-0000-7000-8000-0000000000a2".into(),
        version: "4".into(),
        ..drawn()
    };
    let yours = CaseForm {
        title: "Impressora não liga depois da queda de energia".into(),
        ..drawn()
    };
    let merged = merge(&yours, Some(&seen), &theirs);
    assert_eq!(merged.form.related_case, "CAS-000007");
    assert_eq!(merged.form.priority_id, theirs.priority_id);
    assert_eq!(merged.form.title, yours.title);
    assert!(merged.conflicts.is_empty());
    assert_eq!(names(&merged.kept), ["priority_id", "related_case"]);
}

#[test]
fn a_field_both_changed_differently_is_a_conflict_holding_the_persons_value() {
    let seen = Seen::of(&drawn());
    let theirs = CaseForm {
        title: "Deles".into(),
        description: "Outra descrição".into(),
        ..drawn()
    };
    let yours = CaseForm {
        title: "Meu".into(),
        description: "Outra descrição".into(),
        ..drawn()
    };
    let merged = merge(&yours, Some(&seen), &theirs);
    assert_eq!(names(&merged.conflicts), ["title"]);
    assert_eq!(merged.form.title, "Meu");
    assert!(
        merged.kept.is_empty(),
        "the same change on both sides is no news"
    );
}

#[test]
fn values_that_mean_the_same_are_not_changes() {
    let seen = Seen::of(&CaseForm {
        related_case: "CAS-000012".into(),
        ..drawn()
    });
    let yours = CaseForm {
        title: "  Impressora não liga ".into(),
        description: "Linha um\r\nLinha dois".into(),
        related_case: "12".into(),
        received_at: "2026-03-02T09:15:00".into(),
        direction: String::new(),
        ..drawn()
    };
    let theirs = CaseForm {
        title: "Renomeado".into(),
        description: "Nova".into(),
        related_case: String::new(),
        received_at: "2026-03-02T08:00".into(),
        direction: "outbound".into(),
        ..drawn()
    };
    let merged = merge(&yours, Some(&seen), &theirs);
    assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
    assert_eq!(merged.form.title, "Renomeado");
    assert_eq!(merged.form.description, "Nova");
    assert_eq!(merged.form.related_case, "");
    assert_eq!(merged.form.received_at, "2026-03-02T08:00");
    assert_eq!(merged.form.direction, "outbound");
}

#[test]
fn a_new_customer_takes_the_contact_and_entitlement_chosen_with_it() {
    let seen = Seen::of(&drawn());
    let theirs = CaseForm {
        contact_id: "0190a1b2-0000-7000-8000-000000000003".into(),
        ..drawn()
    };
    let yours = CaseForm {
        customer_id: "0190a1b2-0000-7000-8000-000000000009".into(),
        contact_id: String::new(),
        ..drawn()
    };
    let merged = merge(&yours, Some(&seen), &theirs);
    assert_eq!(merged.form.customer_id, yours.customer_id);
    assert_eq!(
        merged.form.contact_id, "",
        "a contact of the old customer does not follow"
    );
    assert_eq!(names(&merged.conflicts), ["contact_id"]);
    // Left alone, the reason's cascade still merges field by field.
    let theirs = CaseForm {
        cause_id: "0190a1b2-0000-7000-8000-0000000000b3".into(),
        ..drawn()
    };
    let merged = merge(&drawn(), Some(&seen), &theirs);
    assert_eq!(merged.form.cause_id, theirs.cause_id);
}

#[test]
fn a_form_without_what_it_showed_treats_every_difference_as_a_conflict() {
    let theirs = CaseForm {
        title: "Deles".into(),
        related_case: "CAS-000007".into(),
        ..drawn()
    };
    let merged = merge(&drawn(), None, &theirs);
    assert_eq!(names(&merged.conflicts), ["title", "related_case"]);
    assert_eq!(
        merged.form.related_case, "",
        "nothing is decided for the person"
    );
}

#[test]
fn saving_the_conflict_page_again_writes_only_what_the_person_changed() {
    let first_seen = Seen::of(&drawn());
    let yours = CaseForm {
        title: "Meu título".into(),
        ..drawn()
    };
    let theirs = CaseForm {
        related_case: "CAS-000007".into(),
        title: "Título deles".into(),
        version: "4".into(),
        ..drawn()
    };
    let shown = merge(&yours, Some(&first_seen), &theirs);
    // The conflict page shows the newest values and the person's changes.
    let page_seen = Seen::parse(&Seen::of(&theirs).to_text()).expect("round trip");
    let resubmitted = shown.form.clone();
    // Meanwhile a third person changes the serial number.
    let third = CaseForm {
        serial_number: "SN-1".into(),
        ..theirs.clone()
    };
    let again = merge(&resubmitted, Some(&page_seen), &third);
    assert_eq!(
        again.form.title, "Meu título",
        "the person's decision stands"
    );
    assert_eq!(again.form.related_case, "CAS-000007");
    assert_eq!(again.form.serial_number, "SN-1");
    assert!(again.conflicts.is_empty());
    assert_eq!(names(&again.kept), ["serial_number"]);
}

#[test]
fn what_a_form_showed_survives_its_hidden_field() {
    let seen = Seen::of(&CaseForm {
        description: "Aspas \" e <tags> & quebras\nde linha".into(),
        ..drawn()
    });
    assert_eq!(Seen::parse(&seen.to_text()), Some(seen));
    assert_eq!(Seen::parse(""), None);
    assert_eq!(Seen::parse("{não é json"), None);
}
