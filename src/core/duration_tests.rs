use proptest::prelude::*;

use super::*;

fn minutes(text: &str) -> Result<Option<i32>, &'static str> {
    DurationField::BILLABLE.read(text)
}

#[test]
fn what_people_type_reads_as_minutes() {
    for (typed, expected) in [
        ("70", 70),
        ("70 min", 70),
        ("70min", 70),
        ("70 min.", 70),
        ("70 m", 70),
        ("90 minutos", 90),
        ("1 minuto", 1),
        ("45 minutes", 45),
        ("1h10", 70),
        ("1h10m", 70),
        ("1h 10", 70),
        ("1 h 10", 70),
        ("1 h 10 min", 70),
        ("1 h 05 min", 65),
        ("1 H 10 MIN", 70),
        ("1 hora e 10 minutos", 70),
        ("1 hour and 10 minutes", 70),
        ("1 hr 10 mins", 70),
        ("1:10", 70),
        ("1:10 h", 70),
        ("01:10", 70),
        ("0:45", 45),
        ("1,5 h", 90),
        ("1.5h", 90),
        ("1,5 horas", 90),
        ("0,25 h", 15),
        ("2h", 120),
        ("2 h", 120),
        ("2 horas", 120),
        ("2 hours", 120),
        ("2 hrs", 120),
        ("  1 h\u{a0}10 min ", 70),
        ("0", 0),
        ("0 min", 0),
    ] {
        assert_eq!(minutes(typed), Ok(Some(expected)), "{typed:?}");
    }
    assert_eq!(minutes(""), Ok(None));
    assert_eq!(minutes("   "), Ok(None));
}

#[test]
fn nonsense_negative_and_huge_durations_are_refused_with_their_own_message() {
    for typed in [
        "muito",
        "1:75",
        "1 h 60 min",
        "1h75",
        "1,5",
        "1,5 min",
        "1.000",
        "1:",
        ":30",
        "1 h 1 h",
        "10 min 1 h",
        "1 h 10 min 5",
        "1e5",
        "0x10",
        "1/2 h",
        "h",
        "e",
        "1 d",
        "1,5 h 10 min",
        "1h10,5",
    ] {
        assert_eq!(minutes(typed), Err("error-duration"), "{typed:?}");
    }
    for typed in ["-5", "-1 h", "−10 min", "- 1:30"] {
        assert_eq!(minutes(typed), Err("error-duration-negative"), "{typed:?}");
    }
    for typed in ["99999999999999999999", "100001 h", "6000001"] {
        assert_eq!(
            minutes(typed),
            Err("error-duration-billable-max"),
            "{typed:?}"
        );
    }
    assert_eq!(minutes("6000000"), Ok(Some(6_000_000)));
    assert_eq!(
        DurationField::ACTIVITY.read("100001"),
        Err("error-duration-activity-max")
    );
    assert_eq!(DurationField::ACTIVITY.read("100000"), Ok(Some(100_000)));
}

#[test]
fn a_number_alone_counts_what_the_field_says() {
    let hours = DurationField::ENTITLEMENT_HOURS;
    assert_eq!(hours.read("10"), Ok(Some(600)));
    assert_eq!(hours.read("1,5"), Ok(Some(90)));
    assert_eq!(hours.read("10:30"), Ok(Some(630)));
    assert_eq!(hours.read("45 min"), Ok(Some(45)));
    assert_eq!(hours.read("dez"), Err("entitlement-error-units-hours"));
    assert_eq!(DurationField::ACTIVITY.read("10"), Ok(Some(10)));
}

#[test]
fn durations_are_shown_in_hours_and_minutes() {
    assert_eq!(format(45, Lang::PtBr), "45 min");
    assert_eq!(format(120, Lang::En), "2 h");
    assert_eq!(format(65, Lang::Gl), "1 h 05 min");
    assert_eq!(format(70, Lang::PtBr), "1 h 10 min");
    assert_eq!(format(0, Lang::PtBr), "0 min");
    assert_eq!(clock(65), "1:05");
    assert_eq!(clock(-75), "-1:15");
}

proptest! {
    #[test]
    fn whatever_is_printed_reads_back_in_every_language(m in 0_i64..=6_000_000) {
        for lang in Lang::ALL {
            let shown = format(m, lang);
            prop_assert_eq!(
                DurationField::BILLABLE.read(&shown),
                Ok(Some(i32::try_from(m).expect("fits"))),
                "{} in {:?}", shown, lang
            );
            prop_assert_eq!(
                DurationField::ENTITLEMENT_HOURS.read(&shown),
                Ok(Some(i32::try_from(m).expect("fits"))),
                "{} in {:?} where a number alone counts hours", shown, lang
            );
        }
        prop_assert_eq!(DurationField::BILLABLE.read(&clock(m)), Ok(Some(i32::try_from(m).expect("fits"))));
        prop_assert_eq!(
            DurationField::ENTITLEMENT_HOURS.read(&clock(m)),
            Ok(Some(i32::try_from(m).expect("fits")))
        );
    }

    #[test]
    fn every_small_duration_reads_back_exactly(m in 0_i64..=1_500) {
        for lang in Lang::ALL {
            prop_assert_eq!(
                DurationField::ACTIVITY.read(&format(m, lang)),
                Ok(Some(i32::try_from(m).expect("fits")))
            );
        }
    }

    #[test]
    fn no_typed_text_breaks_the_reader(text in "\\PC{0,24}") {
        let _ = DurationField::BILLABLE.read(&text);
        let _ = DurationField::ENTITLEMENT_HOURS.read(&text);
    }
}

#[test]
fn every_minute_of_a_working_week_reads_back_in_every_language() {
    for m in 0..=(7 * 24 * 60) {
        for lang in Lang::ALL {
            assert_eq!(
                DurationField::ACTIVITY.read(&format(m, lang)),
                Ok(Some(i32::try_from(m).expect("fits"))),
                "{m} in {lang:?}"
            );
        }
    }
}
