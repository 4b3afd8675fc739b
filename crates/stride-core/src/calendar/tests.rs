use chrono::{Datelike, NaiveDate, Weekday};
use proptest::prelude::*;

use super::*;

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

/// The bank holidays of England and Wales 2010 to 2030 as GOV.UK published them (the days off,
/// substitutes in place of the weekend days), written out here rather than computed.
const PUBLISHED: &str = "
2010-01-01 2010-04-02 2010-04-05 2010-05-03 2010-05-31 2010-08-30 2010-12-27 2010-12-28
2011-01-03 2011-04-22 2011-04-25 2011-04-29 2011-05-02 2011-05-30 2011-08-29 2011-12-26 2011-12-27
2012-01-02 2012-04-06 2012-04-09 2012-05-07 2012-06-04 2012-06-05 2012-08-27 2012-12-25 2012-12-26
2013-01-01 2013-03-29 2013-04-01 2013-05-06 2013-05-27 2013-08-26 2013-12-25 2013-12-26
2014-01-01 2014-04-18 2014-04-21 2014-05-05 2014-05-26 2014-08-25 2014-12-25 2014-12-26
2015-01-01 2015-04-03 2015-04-06 2015-05-04 2015-05-25 2015-08-31 2015-12-25 2015-12-28
2016-01-01 2016-03-25 2016-03-28 2016-05-02 2016-05-30 2016-08-29 2016-12-26 2016-12-27
2017-01-02 2017-04-14 2017-04-17 2017-05-01 2017-05-29 2017-08-28 2017-12-25 2017-12-26
2018-01-01 2018-03-30 2018-04-02 2018-05-07 2018-05-28 2018-08-27 2018-12-25 2018-12-26
2019-01-01 2019-04-19 2019-04-22 2019-05-06 2019-05-27 2019-08-26 2019-12-25 2019-12-26
2020-01-01 2020-04-10 2020-04-13 2020-05-08 2020-05-25 2020-08-31 2020-12-25 2020-12-28
2021-01-01 2021-04-02 2021-04-05 2021-05-03 2021-05-31 2021-08-30 2021-12-27 2021-12-28
2022-01-03 2022-04-15 2022-04-18 2022-05-02 2022-06-02 2022-06-03 2022-08-29 2022-09-19 2022-12-26 2022-12-27
2023-01-02 2023-04-07 2023-04-10 2023-05-01 2023-05-08 2023-05-29 2023-08-28 2023-12-25 2023-12-26
2024-01-01 2024-03-29 2024-04-01 2024-05-06 2024-05-27 2024-08-26 2024-12-25 2024-12-26
2025-01-01 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-08-25 2025-12-25 2025-12-26
2026-01-01 2026-04-03 2026-04-06 2026-05-04 2026-05-25 2026-08-31 2026-12-25 2026-12-28
2027-01-01 2027-03-26 2027-03-29 2027-05-03 2027-05-31 2027-08-30 2027-12-27 2027-12-28
2028-01-03 2028-04-14 2028-04-17 2028-05-01 2028-05-29 2028-08-28 2028-12-25 2028-12-26
2029-01-01 2029-03-30 2029-04-02 2029-05-07 2029-05-28 2029-08-27 2029-12-25 2029-12-26
2030-01-01 2030-04-19 2030-04-22 2030-05-06 2030-05-27 2030-08-26 2030-12-25 2030-12-26
";

#[test]
fn the_bank_holidays_of_2010_to_2030_are_those_published_with_the_moved_and_extra_ones() {
    let published: Vec<NaiveDate> = PUBLISHED.split_whitespace().map(day).collect();
    let computed: Vec<NaiveDate> = (2010..=2030).flat_map(bank_holidays).collect();
    assert_eq!(computed, published);
}

#[test]
fn ten_working_days_after_a_report_published_before_christmas_skip_the_holidays() {
    let calendar = Calendar::default();
    // Friday 19 December 2025: Christmas, Boxing Day and New Year's Day are not counted.
    assert_eq!(
        calendar.due(day("2025-12-19"), Period::WorkingDays(10)),
        Some(day("2026-01-07"))
    );
    // Two weeks from Monday 11 August 2025 ends on the summer bank holiday: the Friday before.
    assert_eq!(
        calendar.due(day("2025-08-11"), Period::Weeks(2)),
        Some(day("2025-08-22"))
    );
    assert_eq!(
        calendar.due(day("2025-11-03"), Period::Weeks(4)),
        Some(day("2025-12-01"))
    );
}

#[test]
fn school_days_are_counted_in_term_outside_half_term_and_the_end_of_term_is_the_terms_last_day() {
    let calendar = Calendar::default();
    // Friday 24 October 2025, then half term: the fifth school day is Friday 7 November.
    assert_eq!(
        calendar.due(day("2025-10-24"), Period::SchoolDays(5)),
        Some(day("2025-11-07"))
    );
    assert!(!calendar.is_school_day(day("2025-10-28")));
    assert!(calendar.is_school_day(day("2025-11-03")));
    assert_eq!(
        calendar.due(day("2025-11-03"), Period::EndOfTerm),
        Some(day("2025-12-19"))
    );
    // In the Christmas holiday, the end of the spring term.
    assert_eq!(
        calendar.due(day("2025-12-29"), Period::EndOfTerm),
        Some(day("2026-03-27"))
    );
}

#[test]
fn terms_an_administrator_entered_stand_in_place_of_the_generated_ones() {
    let autumn = Term::new(
        TermName::Autumn,
        DateRange::new("autumn", day("2025-09-04"), day("2025-12-18")).expect("a range"),
        DateRange::new("half term", day("2025-10-20"), day("2025-10-31")).expect("a range"),
    )
    .expect("a term");
    let year = AcademicYear::starting(2025);
    let calendar = Calendar::new([(year, vec![autumn])].into_iter().collect(), [day("2025-11-10")].into());
    assert!(calendar.terms_entered(year));
    assert!(!calendar.is_school_day(day("2025-10-29")), "a two-week half term");
    assert!(!calendar.is_working_day(day("2025-11-10")), "the offices are closed");
    assert_eq!(
        calendar.due(day("2025-11-03"), Period::EndOfTerm),
        Some(day("2025-12-18"))
    );
    assert!(!calendar.terms_entered(year.next()));
}

#[test]
fn working_days_between_count_forward_and_back() {
    let calendar = Calendar::default();
    assert_eq!(calendar.working_days_between(day("2025-12-19"), day("2026-01-07")), 10);
    assert_eq!(calendar.working_days_between(day("2026-01-07"), day("2025-12-19")), -10);
    assert_eq!(calendar.working_days_between(day("2026-01-07"), day("2026-01-07")), 0);
}

fn any_day() -> impl Strategy<Value = NaiveDate> {
    (0_i64..366 * 30).prop_map(|offset| day("2005-01-01") + chrono::Duration::days(offset))
}

proptest! {
    #[test]
    fn adding_working_days_lands_on_a_working_day_and_never_goes_back(start in any_day(), count in 1_u32..60) {
        let calendar = Calendar::default();
        let due = calendar.add_working_days(start, count).expect("a day");
        prop_assert!(calendar.is_working_day(due));
        prop_assert!(!matches!(due.weekday(), Weekday::Sat | Weekday::Sun));
        prop_assert!(due > start);
        prop_assert_eq!(calendar.working_days_between(start, due), i64::from(count));
        let later = calendar.add_working_days(start, count + 1).expect("a day");
        prop_assert!(later > due);
        let from_next_day = calendar.add_working_days(start + chrono::Duration::days(1), count).expect("a day");
        prop_assert!(from_next_day >= due);
    }

    #[test]
    fn adding_school_days_lands_on_a_school_day(start in any_day(), count in 1_u32..40) {
        let calendar = Calendar::default();
        let due = calendar.add_school_days(start, count).expect("a day");
        prop_assert!(calendar.is_school_day(due));
        prop_assert!(calendar.add_school_days(start, count + 1).expect("a day") > due);
    }

    #[test]
    fn a_deadline_in_weeks_is_a_working_day_no_later_than_the_weeks(start in any_day(), weeks in 1_u32..12) {
        let calendar = Calendar::default();
        let due = calendar.due(start, Period::Weeks(weeks)).expect("a day");
        prop_assert!(due <= start + chrono::Duration::weeks(i64::from(weeks)));
        prop_assert!(calendar.is_working_day(due) || due == start);
    }
}
