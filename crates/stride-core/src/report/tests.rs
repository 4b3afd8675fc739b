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
