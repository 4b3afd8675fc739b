use chrono::NaiveDate;

use super::*;

#[test]
fn numbers_and_shares_are_written_as_reports_write_them() {
    assert_eq!(grouped(52_340), "52,340");
    assert_eq!(grouped(999), "999");
    assert_eq!(grouped(1_000_000), "1,000,000");
    assert_eq!(
        percent(1, 3).map(|share| format!("{share:.1}")),
        Some("33.3".to_owned())
    );
    assert_eq!(percent(1, 0), None);
    let _ = NaiveDate::from_ymd_opt(2026, 1, 1);
}

#[test]
fn every_report_is_found_by_its_name() {
    for report in REPORTS {
        assert_eq!(find_report(report.name), Some(report));
    }
    assert_eq!(find_report("no-such-report"), None);
}

#[test]
fn a_rating_follows_the_measures_polarity_and_its_margin() {
    use crate::measure::Measure;
    let rwm = Measure::Ks2ReadingWritingMathsExpected;
    assert_eq!(rag(rwm, 65.0, 65.0), Some("Green"), "at the comparator");
    assert_eq!(rag(rwm, 64.0, 65.0), Some("Amber"), "a point below");
    assert_eq!(rag(rwm, 63.9, 65.0), Some("Red"), "beyond the margin");
    let absence = Measure::OverallAbsence;
    assert_eq!(rag(absence, 4.8, 5.0), Some("Green"), "lower absence is better");
    assert_eq!(rag(absence, 5.9, 5.0), Some("Amber"));
    assert_eq!(rag(absence, 6.2, 5.0), Some("Red"));
    assert_eq!(
        rag(Measure::PupilsOnRoll, 400.0, 500.0),
        None,
        "a roll is neither better nor worse"
    );
}

#[test]
fn quartile_bands_and_ranks_among_las_are_as_lait_gives_them() {
    use crate::categorisation::Quartiles;
    use crate::measure::Measure;
    let mut values = vec![50.0, 60.0, 70.0, 80.0, 90.0];
    let quartiles = Quartiles::of(&mut values).expect("values");
    assert_eq!((quartiles.lower, quartiles.median, quartiles.upper), (60.0, 70.0, 80.0));
    assert_eq!(band(55.0, &quartiles), "A");
    assert_eq!(band(60.0, &quartiles), "A");
    assert_eq!(band(65.0, &quartiles), "B");
    assert_eq!(band(80.0, &quartiles), "C");
    assert_eq!(band(85.0, &quartiles), "D");
    let all = [50.0, 60.0, 70.0, 70.0, 90.0];
    assert_eq!(
        rank(Measure::Ks2ReadingWritingMathsExpected, 70.0, &all),
        Some(2),
        "ties share the better rank"
    );
    assert_eq!(rank(Measure::Ks2ReadingWritingMathsExpected, 90.0, &all), Some(1));
    assert_eq!(
        rank(Measure::OverallAbsence, 50.0, &all),
        Some(1),
        "lowest absence ranks first"
    );
}
