//! Reports, as a scheduled job makes them with `stride report` and as a reader opens them in the
//! browser: each figure worked out again here from the generated data, the PDF's text read back
//! and the workbook opened.

use std::collections::HashSet;
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use stride_core::inspection::{HeadlineOutcome, InspectionKind, UngradedOutcome};
use stride_core::{Establishment, Measure, Phase, PupilGroup, Urn};

mod common;
use common::*;

const AS_OF: &str = "2026-11-24";

fn as_of() -> chrono::NaiveDate {
    AS_OF.parse().expect("a date")
}

fn stride(arguments: &[&str]) -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_stride"))
        .args(arguments)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

fn database() -> String {
    fixture().database.clone()
}

/// The figures of the monthly data set's row for all schools, worked out from the generated
/// dataset without the report's code.
struct Expected {
    open: usize,
    four_point: usize,
    good_or_better: usize,
    pupils: u64,
    in_category: usize,
    not_making_progress: usize,
}

fn expected_on(day: chrono::NaiveDate) -> Expected {
    let dataset = &fixture().authority.dataset;
    let open: Vec<&Establishment> = dataset
        .establishments
        .iter()
        .filter(|school| school.phase != Phase::NotApplicable)
        .filter(|school| school.opened_on.is_none_or(|opened| opened <= day))
        .filter(|school| school.closed_on.is_none_or(|closed| closed > day))
        .collect();
    let mut expected = Expected {
        open: open.len(),
        four_point: 0,
        good_or_better: 0,
        pupils: 0,
        in_category: 0,
        not_making_progress: 0,
    };
    let year = stride_core::AcademicYear::containing(day);
    for school in open {
        let published: Vec<_> = dataset
            .inspections
            .iter()
            .filter(|inspection| inspection.urn == school.urn && inspection.published_on <= day)
            .collect();
        let Some(latest) = published
            .iter()
            .filter(|inspection| inspection.kind == InspectionKind::Graded)
            .max_by_key(|inspection| inspection.started_on)
        else {
            continue;
        };
        let headline = latest.headline();
        if matches!(
            headline,
            HeadlineOutcome::Outstanding
                | HeadlineOutcome::Good
                | HeadlineOutcome::RequiresImprovement
                | HeadlineOutcome::Inadequate
        ) {
            expected.four_point += 1;
        }
        if matches!(headline, HeadlineOutcome::Outstanding | HeadlineOutcome::Good) {
            expected.good_or_better += 1;
            let roll = dataset
                .school_figures
                .iter()
                .filter(|figure| {
                    figure.urn == school.urn
                        && figure.measure == Measure::PupilsOnRoll
                        && figure.group == PupilGroup::All
                        && figure.year <= year
                })
                .max_by_key(|figure| figure.year)
                .and_then(|figure| figure.figure.value())
                .unwrap_or(0.0);
            expected.pupils += roll.round() as u64;
        }
        if latest.category_of_concern.is_some() {
            expected.in_category += 1;
            let monitoring = published
                .iter()
                .filter(|inspection| {
                    inspection.kind == InspectionKind::Monitoring && inspection.started_on > latest.started_on
                })
                .max_by_key(|inspection| inspection.started_on);
            if monitoring.and_then(|inspection| inspection.ungraded_outcome)
                == Some(UngradedOutcome::NotTakingEffectiveAction)
            {
                expected.not_making_progress += 1;
            }
        }
    }
    expected
}

/// A report's CSV as its tables: each its title, header and rows.
type CsvTables = Vec<(String, Vec<String>, Vec<Vec<String>>)>;

/// The CSV's tables by title: each its header and rows.
fn csv_tables(bytes: &[u8]) -> CsvTables {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|record| record.expect("record").iter().map(str::to_owned).collect())
        .collect();
    let mut tables = Vec::new();
    let mut index = 1;
    while index < records.len() {
        // A blank record, the title, the header, then rows to the next blank.
        let title = records[index + 1][0].clone();
        let header = records[index + 2].clone();
        let mut rows = Vec::new();
        index += 3;
        while index < records.len() && !(records[index].len() == 1 && records[index][0].is_empty()) {
            rows.push(records[index].clone());
            index += 1;
        }
        tables.push((title, header, rows));
    }
    tables
}

#[test]
fn the_reports_are_listed_and_an_unknown_one_is_refused_naming_them() {
    let listed = String::from_utf8(stride(&["report", "--list"])).expect("text");
    assert!(listed.contains("monthly-data-set"));
    assert!(listed.contains("termly-movement"));
    let refused = Command::new(env!("CARGO_BIN_EXE_stride"))
        .args(["report", "no-such-report", "--db", &database()])
        .output()
        .expect("runs");
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("no report 'no-such-report'") && message.contains("monthly-data-set"),
        "{message}"
    );
}

#[test]
fn the_monthly_data_set_equals_the_generated_data_in_csv_workbook_and_pdf() {
    let csv = stride(&[
        "report",
        "monthly-data-set",
        "--db",
        &database(),
        "--as-of",
        AS_OF,
        "--format",
        "csv",
    ]);
    let tables = csv_tables(&csv);
    let (_, header, rows) = &tables[0];
    let all = rows
        .iter()
        .find(|row| row[0] == "All schools")
        .expect("the row for all schools");
    let column = |name: &str| {
        header
            .iter()
            .position(|heading| heading == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let expected = expected_on(as_of());
    assert_eq!(all[column("Open schools")], expected.open.to_string());
    assert_eq!(all[column("With a four-point grade")], expected.four_point.to_string());
    assert_eq!(all[column("Good or outstanding")], expected.good_or_better.to_string());
    assert_eq!(
        all[column("Good or outstanding (%)")],
        format!(
            "{:.1}",
            100.0 * expected.good_or_better as f64 / expected.four_point as f64
        )
    );
    assert_eq!(
        all[column("Pupils in good or outstanding schools")],
        expected.pupils.to_string()
    );
    assert_eq!(all[column("In an Ofsted category")], expected.in_category.to_string());
    assert_eq!(
        all[column("In a category, not making progress")],
        expected.not_making_progress.to_string()
    );
    // The phases add up to all schools.
    let phases: usize = rows
        .iter()
        .filter(|row| Phase::ALL.iter().any(|phase| phase.label() == row[0]))
        .map(|row| row[column("Open schools")].parse::<usize>().expect("a count"))
        .sum();
    assert_eq!(phases, expected.open);
    // Twelve months of trend, the first a year back, each as the inspections stood then.
    let (_, trend_header, trend) = &tables[1];
    assert_eq!(trend.len(), 12);
    let year_before: chrono::NaiveDate = trend[0][0].parse().expect("a date");
    assert_eq!(year_before, "2025-12-31".parse::<chrono::NaiveDate>().expect("a date"));
    let then = expected_on(year_before);
    let in_category = trend_header
        .iter()
        .position(|heading| heading == "In an Ofsted category")
        .expect("column");
    assert_eq!(trend[0][in_category], then.in_category.to_string());

    let directory = tempfile::tempdir().expect("temporary directory");
    let workbook = directory.path().join("monthly.xlsx");
    let pdf = directory.path().join("monthly.pdf");
    for (format, path) in [("xlsx", &workbook), ("pdf", &pdf)] {
        stride(&[
            "report",
            "monthly-data-set",
            "--db",
            &database(),
            "--as-of",
            AS_OF,
            "--format",
            format,
            "--out",
            path.to_str().expect("utf-8"),
        ]);
    }
    let mut opened: Xlsx<_> = calamine::open_workbook(&workbook).expect("opens");
    let names = opened.sheet_names();
    assert_eq!(names[0], "Report");
    let range = opened.worksheet_range(&names[1]).expect("the first table's sheet");
    let good = range
        .rows()
        .find(|row| row[0] == Data::String("All schools".into()))
        .map(|row| row[column("Good or outstanding")].clone())
        .expect("the row for all schools");
    assert_eq!(good, Data::Float(expected.good_or_better as f64));

    let document = lopdf::Document::load(&pdf).expect("a valid PDF");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    let text = document
        .extract_text(&pages)
        .expect("its text")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for heading in ["Monthly county data set", "Headlines", "The trend over twelve months"] {
        assert!(text.contains(heading), "{heading} in the PDF");
    }
    assert!(
        text.contains(&format!(
            "{} of the {} schools whose latest graded inspection gave a four-point grade were good or outstanding",
            expected.good_or_better, expected.four_point
        )),
        "{text}"
    );
}

#[test]
fn the_termly_movement_lists_every_school_inspected_in_the_term() {
    let calendar = stride_core::calendar::Calendar::default();
    let term = calendar.terms_back(as_of(), 1).expect("last term");
    let csv = stride(&[
        "report",
        "termly-movement",
        "--db",
        &database(),
        "--as-of",
        AS_OF,
        "--terms-back",
        "1",
        "--format",
        "csv",
    ]);
    let tables = csv_tables(&csv);
    let (_, header, rows) = &tables[0];
    let urn = header.iter().position(|heading| heading == "URN").expect("URN");
    let listed: HashSet<String> = rows.iter().map(|row| row[urn].clone()).collect();
    let dataset = &fixture().authority.dataset;
    let held: HashSet<Urn> = dataset.establishments.iter().map(|school| school.urn).collect();
    let expected: HashSet<String> = dataset
        .inspections
        .iter()
        .filter(|inspection| inspection.kind == InspectionKind::Graded && term.dates.contains(inspection.published_on))
        .filter(|inspection| held.contains(&inspection.urn))
        .map(|inspection| inspection.urn.to_string())
        .collect();
    assert!(
        !expected.is_empty(),
        "the synthetic authority had inspections last term"
    );
    assert_eq!(listed, expected);
}

#[tokio::test]
async fn readers_of_reports_open_them_in_the_browser_and_download_them_and_others_may_not() {
    let server = server().await;
    let member = server.sign_in("elected.member").await;
    let (status, page) = server.text("/reports", &member).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("href=\"/reports/monthly-data-set\""));
    let (status, page) = server.text("/reports/monthly-data-set", &member).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("schools whose latest graded inspection gave a four-point grade"));
    let pdf = server.get("/reports/monthly-data-set.pdf", Some(&member)).await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.expect("body");
    let document = lopdf::Document::load_mem(&bytes).expect("a valid PDF");
    assert!(!document.get_pages().is_empty());
    let workbook = server.get("/reports/termly-movement.xlsx?back=1", Some(&member)).await;
    assert_eq!(workbook.status(), StatusCode::OK);
    assert_eq!(
        server.text("/reports/no-such-report", &member).await.0,
        StatusCode::NOT_FOUND
    );
    for username in ["headteacher", "inclusion.officer"] {
        let reader = server.sign_in(username).await;
        for path in ["/reports", "/reports/monthly-data-set", "/reports/monthly-data-set.pdf"] {
            assert_eq!(
                server.text(path, &reader).await.0,
                StatusCode::FORBIDDEN,
                "{username} {path}"
            );
        }
    }
}

#[test]
fn every_report_listed_is_made_in_every_format() {
    let listed = String::from_utf8(stride(&["report", "--list"])).expect("text");
    let names: Vec<&str> = listed
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert_eq!(names.len(), stride_core::report::REPORTS.len());
    for name in names {
        for format in ["html", "xlsx", "pdf", "csv"] {
            let bytes = stride(&[
                "report",
                name,
                "--db",
                &database(),
                "--as-of",
                AS_OF,
                "--format",
                format,
            ]);
            assert!(!bytes.is_empty(), "{name} as {format}");
        }
    }
}

#[test]
fn exclusions_and_absence_hold_the_las_figures_beside_its_neighbours_and_englands() {
    use stride_core::{Comparator, PhaseGroup};
    let csv = stride(&[
        "report",
        "exclusions-and-absence",
        "--db",
        &database(),
        "--as-of",
        AS_OF,
        "--format",
        "csv",
    ]);
    let tables = csv_tables(&csv);
    let dataset = &fixture().authority.dataset;
    let held = |comparator: Comparator, phase: PhaseGroup, measure: Measure, year: stride_core::AcademicYear| {
        dataset
            .comparator_figures
            .iter()
            .find(|figure| {
                figure.comparator == comparator
                    && figure.phase_group == phase
                    && figure.measure == measure
                    && figure.year == year
                    && figure.group == PupilGroup::All
            })
            .and_then(|figure| figure.figure.value())
            .map(|value| measure.format(value).trim_end_matches('%').to_owned())
    };
    let latest = *stride_synth::DATA_YEARS.last().expect("years");
    let year = stride_core::AcademicYear::starting(latest);
    let (title, header, rows) = &tables[0];
    assert_eq!(title, &format!("Absence by phase, {year}"));
    for (row, comparator) in rows.iter().zip([
        Comparator::LocalAuthority,
        Comparator::StatisticalNeighbours,
        Comparator::England,
    ]) {
        assert_eq!(row[0], comparator.label());
        for (phase, label) in [(PhaseGroup::Primary, "Primary"), (PhaseGroup::Secondary, "Secondary")] {
            let column = header
                .iter()
                .position(|heading| heading == &format!("{label}: overall absence (%)"))
                .expect("column");
            assert_eq!(
                Some(row[column].clone()),
                held(comparator, phase, Measure::OverallAbsence, year),
                "{comparator} {label}"
            );
        }
    }
    let (_, header, rows) = tables
        .iter()
        .find(|(title, _, _)| title == "Permanent exclusions per 100 pupils by year")
        .expect("the table");
    let all_la = header
        .iter()
        .position(|heading| heading == "All schools: LA")
        .expect("column");
    for row in rows {
        let year: stride_core::AcademicYear = row[0].parse().expect("a year");
        assert_eq!(
            Some(row[all_la].clone()),
            held(
                Comparator::LocalAuthority,
                PhaseGroup::AllSchools,
                Measure::PermanentExclusionRate,
                year
            ),
            "{year}"
        );
    }
}

#[test]
fn the_gaps_and_the_standards_report_hold_the_generated_figures_with_sentences_from_them() {
    use stride_core::{Comparator, PhaseGroup};
    let dataset = &fixture().authority.dataset;
    let held = |comparator: Comparator, measure: Measure, group: PupilGroup, year: stride_core::AcademicYear| {
        dataset
            .comparator_figures
            .iter()
            .find(|figure| {
                figure.comparator == comparator
                    && figure.phase_group == PhaseGroup::AllSchools
                    && figure.measure == measure
                    && figure.year == year
                    && figure.group == group
            })
            .and_then(|figure| figure.figure.value())
    };
    let csv = stride(&[
        "report",
        "gaps",
        "--db",
        &database(),
        "--as-of",
        AS_OF,
        "--format",
        "csv",
    ]);
    let tables = csv_tables(&csv);
    let rwm = Measure::Ks2ReadingWritingMathsExpected;
    let (_, header, rows) = tables
        .iter()
        .find(|(title, _, _)| title == &format!("Gaps in {}", rwm.label()))
        .expect("the key stage 2 gaps");
    let la = header
        .iter()
        .position(|heading| heading == "Disadvantaged against others: LA")
        .expect("column");
    assert_eq!(rows.len(), stride_synth::DATA_YEARS.len());
    for row in rows {
        let year: stride_core::AcademicYear = row[0].parse().expect("a year");
        let gap = held(Comparator::LocalAuthority, rwm, PupilGroup::NotDisadvantaged, year).expect("held")
            - held(Comparator::LocalAuthority, rwm, PupilGroup::Disadvantaged, year).expect("held");
        assert_eq!(row[la], format!("{gap:.1}"), "{year}");
    }

    let directory = tempfile::tempdir().expect("temporary directory");
    let pdf = directory.path().join("standards.pdf");
    stride(&[
        "report",
        "standards",
        "--db",
        &database(),
        "--as-of",
        AS_OF,
        "--format",
        "pdf",
        "--out",
        pdf.to_str().expect("utf-8"),
    ]);
    let document = lopdf::Document::load(&pdf).expect("a valid PDF");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    let text = document
        .extract_text(&pages)
        .expect("its text")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for heading in [
        "Annual report on the standards of schools",
        "Headlines",
        "Key stage 2",
        "Key stage 4",
        "Vulnerable groups: the gaps over time",
        "Suspensions and permanent exclusions",
        "The quality of schools",
    ] {
        assert!(text.contains(heading), "{heading} in the PDF");
    }
    let latest = stride_core::AcademicYear::starting(*stride_synth::DATA_YEARS.last().expect("years"));
    let now = held(Comparator::LocalAuthority, rwm, PupilGroup::All, latest).expect("held");
    let before = held(Comparator::LocalAuthority, rwm, PupilGroup::All, latest.previous()).expect("held");
    let england = held(Comparator::England, rwm, PupilGroup::All, latest).expect("held");
    let sentence = format!(
        "The percentage of pupils reaching the expected standard in reading, writing and maths at key stage 2 {} from {before:.1}% in {} to {now:.1}% in {latest}, {:.1} percentage points {} England ({england:.1}%).",
        if now > before { "rose" } else { "fell" },
        latest.previous(),
        (now - england).abs(),
        if now > england { "above" } else { "below" },
    );
    assert!(text.contains(&sentence), "{sentence} in {text}");
    // Each key stage names the sources its figures were imported from.
    let source = &dataset
        .comparator_figures
        .iter()
        .find(|figure| figure.measure == rwm)
        .expect("held")
        .source;
    assert!(text.contains(&format!("Sources: {source}.")), "{source} in {text}");
}

#[test]
fn outcomes_are_rag_rated_against_each_comparator_by_the_measures_polarity() {
    use stride_core::{Comparator, PhaseGroup};
    let csv = stride(&[
        "report",
        "rag",
        "--db",
        &database(),
        "--as-of",
        AS_OF,
        "--format",
        "csv",
    ]);
    let tables = csv_tables(&csv);
    let (_, header, rows) = &tables[0];
    let column = |name: &str| {
        header
            .iter()
            .position(|heading| heading == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let dataset = &fixture().authority.dataset;
    let held = |comparator: Comparator, measure: Measure, group: PupilGroup, year: stride_core::AcademicYear| {
        dataset
            .comparator_figures
            .iter()
            .find(|figure| {
                figure.comparator == comparator
                    && figure.phase_group == PhaseGroup::AllSchools
                    && figure.measure == measure
                    && figure.year == year
                    && figure.group == group
            })
            .and_then(|figure| figure.figure.value())
    };
    let mut checked = 0;
    for row in rows {
        let measure = Measure::ALL
            .iter()
            .copied()
            .find(|measure| measure.label() == row[column("Measure")])
            .expect("a measure");
        let group = PupilGroup::ALL
            .iter()
            .copied()
            .find(|group| group.label() == row[column("Pupils")])
            .expect("a group");
        let year: stride_core::AcademicYear = row[column("Year")].parse().expect("a year");
        let (Some(la), Some(england)) = (
            held(Comparator::LocalAuthority, measure, group, year),
            held(Comparator::England, measure, group, year),
        ) else {
            continue;
        };
        // Worked out again: better is higher, or lower for absence and suspensions.
        let low_is_good = matches!(
            measure,
            Measure::OverallAbsence | Measure::PersistentAbsence | Measure::SuspensionRate
        );
        let better_by = if low_is_good { england - la } else { la - england };
        let margin = match measure {
            Measure::Ks4Progress8 | Measure::SuspensionRate => 0.1,
            _ => 1.0,
        };
        let expected = if better_by >= -1e-9 {
            "Green"
        } else if better_by >= -margin - 1e-9 {
            "Amber"
        } else {
            "Red"
        };
        assert_eq!(row[column("Against England")], expected, "{measure} {group}");
        checked += 1;
    }
    assert!(checked >= 20, "checked {checked}");
    // The synthetic authority is the only LA held: too few for bands and ranks, and said so.
    assert!(rows.iter().all(|row| row[column("Quartile band")].is_empty()));
    let html = String::from_utf8(stride(&[
        "report",
        "rag",
        "--db",
        &database(),
        "--as-of",
        AS_OF,
        "--format",
        "html",
    ]))
    .expect("text");
    assert!(
        html.contains("Quartile bands and ranks need every LA&#39;s figures")
            || html.contains("Quartile bands and ranks need every LA's figures")
    );
}

/// A figure of the generated data at its latest release.
fn generated_figure(
    urn: Urn,
    measure: Measure,
    group: PupilGroup,
    year: i32,
) -> Option<&'static stride_core::SchoolFigure> {
    fixture()
        .authority
        .dataset
        .school_figures
        .iter()
        .filter(|figure| {
            figure.urn == urn && figure.measure == measure && figure.group == group && figure.year.start_year() == year
        })
        .max_by_key(|figure| figure.release)
}

/// A school's share of disadvantaged pupils in the latest year its roll is held, from the
/// generated data.
fn disadvantaged_share(urn: Urn) -> Option<f64> {
    let year = fixture()
        .authority
        .dataset
        .school_figures
        .iter()
        .filter(|figure| {
            figure.urn == urn && figure.measure == Measure::PupilsOnRoll && figure.group == PupilGroup::All
        })
        .map(|figure| figure.year.start_year())
        .max()?;
    let all = generated_figure(urn, Measure::PupilsOnRoll, PupilGroup::All, year)?
        .figure
        .value()?;
    let disadvantaged = generated_figure(urn, Measure::PupilsOnRoll, PupilGroup::Disadvantaged, year)?
        .figure
        .value()?;
    Some(100.0 * disadvantaged / all)
}

/// The shares of disadvantaged pupils of the open schools of the school's phase nearest to it
/// in that share, worked out without the report's code, sorted (ties of share may be taken in
/// either order, so the schools themselves are not compared).
fn expected_similar_shares(school: &Establishment) -> Vec<f64> {
    use stride_core::EstablishmentStatus;
    let share = disadvantaged_share(school.urn).expect("the school's share");
    let mut distances: Vec<(f64, f64)> = fixture()
        .authority
        .dataset
        .establishments
        .iter()
        .filter(|other| other.urn != school.urn && other.phase == school.phase)
        .filter(|other| {
            matches!(
                other.status,
                EstablishmentStatus::Open | EstablishmentStatus::ProposedToClose
            )
        })
        .filter_map(|other| {
            let theirs = disadvantaged_share(other.urn)?;
            Some(((theirs - share).abs(), theirs))
        })
        .collect();
    distances.sort_by(|left, right| left.0.total_cmp(&right.0));
    let mut shares: Vec<f64> = distances.iter().take(10).map(|(_, theirs)| *theirs).collect();
    shares.sort_by(f64::total_cmp);
    shares
}

fn profiled_primary() -> &'static Establishment {
    fixture()
        .authority
        .dataset
        .establishments
        .iter()
        .filter(|school| school.phase == Phase::Primary)
        .find(|school| {
            (2023..=2025).all(|year| {
                generated_figure(
                    school.urn,
                    Measure::Ks2ReadingWritingMathsExpected,
                    PupilGroup::All,
                    year,
                )
                .and_then(|figure| figure.figure.value())
                .is_some()
            })
        })
        .expect("a primary school with results")
}

#[test]
fn a_school_data_profile_holds_the_school_against_the_la_similar_schools_and_england() {
    use stride_core::Comparator;
    let school = profiled_primary();
    let urn = school.urn.to_string();
    let csv = stride(&[
        "report",
        "school-data-profile",
        "--db",
        &database(),
        "--as-of",
        AS_OF,
        "--urn",
        &urn,
        "--format",
        "csv",
    ]);
    let tables = csv_tables(&csv);
    let table = |title: &str| {
        tables
            .iter()
            .find(|(held, _, _)| held.starts_with(title))
            .unwrap_or_else(|| panic!("a table {title}"))
    };
    let (_, header, similar) = table("Similar schools");
    let share_column = column(header, "Disadvantaged (%)");
    let mut shares: Vec<f64> = similar
        .iter()
        .map(|row| row[share_column].parse().expect("a share"))
        .collect();
    shares.sort_by(f64::total_cmp);
    let expected = expected_similar_shares(school);
    assert_eq!(shares.len(), expected.len());
    for (shown, expected) in shares.iter().zip(&expected) {
        assert!((shown - expected).abs() < 0.051, "{shares:?} against {expected:?}");
    }
    let similar_urns: Vec<Urn> = similar.iter().map(|row| row[0].parse().expect("a URN")).collect();
    let (_, header, rows) = table("Attainment");
    let england = fixture()
        .authority
        .dataset
        .comparator_figures
        .iter()
        .filter(|figure| {
            figure.comparator == Comparator::England
                && figure.measure == Measure::Ks2ReadingWritingMathsExpected
                && figure.group == PupilGroup::All
                && figure.phase_group == stride_core::PhaseGroup::AllSchools
        })
        .collect::<Vec<_>>();
    let label = Measure::Ks2ReadingWritingMathsExpected.label();
    let row = rows.iter().find(|row| row[0] == label).expect("the KS2 row");
    for year in 2023..=2025 {
        let name = format!("{year}/{:02}", (year + 1) % 100);
        let expected_school = generated_figure(
            school.urn,
            Measure::Ks2ReadingWritingMathsExpected,
            PupilGroup::All,
            year,
        )
        .and_then(|figure| figure.figure.value())
        .expect("the school's figure");
        assert_eq!(
            row[column(header, &format!("School, {name}"))],
            format!("{expected_school:.1}")
        );
    }
    let expected_england = england
        .iter()
        .filter(|figure| figure.year.start_year() == 2025)
        .max_by_key(|figure| figure.release)
        .and_then(|figure| figure.figure.value())
        .expect("England's figure");
    assert_eq!(
        row[column(header, "England, 2025/26")],
        format!("{expected_england:.1}")
    );
    let values: Vec<f64> = similar_urns
        .iter()
        .filter_map(|other| generated_figure(*other, Measure::Ks2ReadingWritingMathsExpected, PupilGroup::All, 2025))
        .filter(|figure| figure.cohort.is_none_or(|pupils| pupils > 5))
        .filter_map(|figure| figure.figure.value())
        .collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    assert_eq!(row[column(header, "Similar schools, 2025/26")], format!("{mean:.1}"));
}

#[test]
fn every_schools_profile_is_made_as_one_pdf_and_one_workbook() {
    let pdf = stride(&[
        "report",
        "school-data-profile",
        "--db",
        &database(),
        "--as-of",
        AS_OF,
        "--format",
        "pdf",
    ]);
    let document = lopdf::Document::load_mem(&pdf).expect("a valid PDF");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    let text = document.extract_text(&pages).expect("its text");
    let profiled: Vec<&Establishment> = fixture()
        .authority
        .dataset
        .establishments
        .iter()
        .filter(|school| school.phase != Phase::NotApplicable)
        .filter(|school| {
            matches!(
                school.status,
                stride_core::EstablishmentStatus::Open | stride_core::EstablishmentStatus::ProposedToClose
            )
        })
        .collect();
    assert_eq!(
        text.matches("Produced by Stride from the data it holds.").count(),
        profiled.len(),
        "a profile for each school"
    );
    let school = profiled_primary();
    assert!(text.contains(&format!("School data profile: {} ({})", school.name, school.urn)));
    assert!(text.contains("The chart shows: School: "));
    let workbook = stride(&[
        "report",
        "school-data-profile",
        "--db",
        &database(),
        "--as-of",
        AS_OF,
        "--format",
        "xlsx",
    ]);
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(workbook)).expect("opens");
    let sheet = workbook
        .sheet_names()
        .into_iter()
        .find(|name| name.starts_with("Similar schools"))
        .expect("the similar schools' sheet");
    let range = workbook.worksheet_range(&sheet).expect("the sheet");
    let schools: HashSet<String> = range
        .rows()
        .skip(1)
        .filter_map(|row| match &row[0] {
            Data::Float(urn) => Some(format!("{urn}")),
            Data::Int(urn) => Some(urn.to_string()),
            Data::String(urn) => Some(urn.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(schools.len(), profiled.len(), "every school's similar schools");
}

#[tokio::test]
async fn profiles_are_made_in_the_background_for_their_reader_and_a_headteacher_reads_their_own() {
    let server = server().await;
    let member = server.sign_in("elected.member").await;
    let (status, page) = server.text("/reports/school-data-profile", &member).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Make all"));
    let started = server
        .post_form("/reports/school-data-profile/batches", &member, &[])
        .await;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    let batch = started.headers()["location"].to_str().expect("a location").to_owned();
    let mut finished = false;
    for _ in 0..600 {
        let (status, page) = server.text(&batch, &member).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("<progress") || page.contains("School data profiles made"),
            "{page}"
        );
        if page.contains("School data profiles made") {
            finished = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(finished, "the batch finished");
    let pdf = server.get(&format!("{batch}.pdf"), Some(&member)).await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let document = lopdf::Document::load_mem(&pdf.bytes().await.expect("body")).expect("a valid PDF");
    assert!(document.get_pages().len() > 100);
    let manager = server.sign_in("improvement.manager").await;
    assert_eq!(
        server.text(&batch, &manager).await.0,
        StatusCode::NOT_FOUND,
        "a batch is its maker's"
    );

    let head = server.sign_in("headteacher").await;
    let own = server
        .get("/schools.csv", Some(&head))
        .await
        .bytes()
        .await
        .expect("body");
    let (headers, rows) = csv_records(&own);
    let own = &rows[0][column(&headers, "URN")];
    let (status, page) = server.text(&format!("/schools/{own}/data-profile"), &head).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Similar schools") && page.contains("<svg"),
        "a profile with its charts"
    );
    let link = page
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/sources?name="))
        .expect("a figure linked to its source")
        .replace("&amp;", "&");
    let (status, source) = server.text(&link, &head).await;
    assert_eq!(status, StatusCode::OK);
    assert!(source.contains("generated by Stride"), "{source}");
    let workbook = server
        .get(&format!("/schools/{own}/data-profile.xlsx"), Some(&head))
        .await;
    assert_eq!(workbook.status(), StatusCode::OK);
    let other = profiled_primary().urn.to_string();
    let other = if &other == own { "914026".to_owned() } else { other };
    assert_eq!(
        server.text(&format!("/schools/{other}/data-profile"), &head).await.0,
        StatusCode::NOT_FOUND
    );
    let officer = server.sign_in("inclusion.officer").await;
    assert_eq!(
        server.text(&format!("/schools/{own}/data-profile"), &officer).await.0,
        StatusCode::FORBIDDEN
    );
}

/// A task's rating on a day, worked out again from its updates: complete when completed; green
/// when on target or ongoing within its timescale; amber when that has passed, or when delayed
/// to a month not yet passed, or not started and due within 90 days; red when delayed or not
/// started past it.
fn expected_rating(task: &stride_core::action_plan::Task, day: chrono::NaiveDate) -> &'static str {
    use chrono::Datelike;
    use stride_core::action_plan::{TaskStatus, Timescale};
    let made: Vec<_> = task
        .updates
        .iter()
        .filter(|update| update.at.date_naive() <= day)
        .collect();
    let status = made.last().map_or(TaskStatus::NotStarted, |update| update.status);
    let timescale = made
        .iter()
        .rev()
        .find_map(|update| update.revised_timescale)
        .unwrap_or(task.timescale);
    let due = match timescale {
        Timescale::By { year, month } => {
            let (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
            chrono::NaiveDate::from_ymd_opt(year, month, 1).map(|first| first - chrono::Days::new(1))
        }
        Timescale::Ongoing => None,
    };
    let passed = due.is_some_and(|due| due < day);
    let _ = day.year();
    match status {
        TaskStatus::Completed | TaskStatus::CompletedAndOngoing => "Complete",
        TaskStatus::OnTarget | TaskStatus::Ongoing => {
            if passed {
                "Amber"
            } else {
                "Green"
            }
        }
        TaskStatus::Delayed => {
            if passed {
                "Red"
            } else {
                "Amber"
            }
        }
        TaskStatus::NotStarted => match due {
            _ if passed => "Red",
            Some(due) if (due - day).num_days() <= 90 => "Amber",
            _ => "Green",
        },
    }
}

#[test]
fn the_action_plans_progress_report_rates_each_task_and_says_what_changed_since_the_last() {
    let csv = stride(&[
        "report",
        "action-plan-progress",
        "--db",
        &database(),
        "--as-of",
        AS_OF,
        "--plan",
        "1",
        "--format",
        "csv",
    ]);
    let tables = csv_tables(&csv);
    let plan = &fixture().authority.dataset.action_plans[0];
    let last = *plan.reports_issued.last().expect("a report issued");
    let mut checked = 0;
    for action in &plan.actions {
        let (_, header, rows) = tables
            .iter()
            .find(|(title, _, _)| title.ends_with(&format!("action {}: tasks", action.number)))
            .expect("the action's table");
        assert_eq!(rows.len(), action.tasks.len());
        let changed = header
            .iter()
            .position(|heading| heading == &format!("Changed since {}", last.format("%-d %B %Y")))
            .expect("what changed since the last report");
        for (task, row) in action.tasks.iter().zip(rows) {
            assert_eq!(row[0], task.description);
            assert_eq!(
                row[column(header, "RAG")],
                expected_rating(task, as_of()),
                "{}",
                task.description
            );
            let updated_since = task
                .updates
                .iter()
                .any(|update| update.at.date_naive() > last && update.at.date_naive() <= as_of());
            assert_eq!(
                row[changed] != "No change",
                updated_since,
                "{}: {}",
                task.description,
                row[changed]
            );
            checked += 1;
        }
    }
    assert!(checked >= 8);
    let ratings: HashSet<&str> = plan.tasks().map(|task| expected_rating(task, as_of())).collect();
    assert!(ratings.len() >= 3, "the plan shows several ratings: {ratings:?}");
    let (_, header, summary) = tables
        .iter()
        .find(|(title, _, _)| title == "Tasks by rating")
        .expect("the summary");
    let red = plan
        .tasks()
        .filter(|task| expected_rating(task, as_of()) == "Red")
        .count();
    assert_eq!(summary[0][column(header, "Red")], red.to_string());
    let refused = Command::new(env!("CARGO_BIN_EXE_stride"))
        .args(["report", "action-plan-progress", "--db", &database(), "--plan", "99"])
        .output()
        .expect("runs");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no action plan 99 is held"));
}

#[tokio::test]
async fn an_officer_keeps_a_plan_in_the_browser_and_the_next_report_says_what_changed() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (database, store) = generated_database(&directory).await;
    let served_on = |day: &str| stride_web::Config {
        today: Some(day.parse().expect("a date")),
        ..stride_web::Config::default()
    };
    let september = server_with(&database, served_on("2026-09-10")).await;
    let officer = september.sign_in("inclusion.officer").await;
    let made = september
        .post_form("/plans", &officer, &[("title", "Children missing education strategy")])
        .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let plan = made.headers()["location"].to_str().expect("a location").to_owned();
    let added = september
        .post_form(
            &format!("{plan}/actions"),
            &officer,
            &[("title", "Find children sooner")],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let plans = store.action_plans().await.expect("reads");
    let held = plans
        .iter()
        .find(|held| format!("/plans/{}", held.id) == plan)
        .expect("the plan");
    let action = held.actions[0].id.to_string();
    let refused = september
        .post_form(
            &format!("{plan}/tasks"),
            &officer,
            &[
                ("action", &action),
                ("description", "Share data with admissions"),
                ("month", ""),
                ("year", ""),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "a task needs its timescale");
    let added = september
        .post_form(
            &format!("{plan}/tasks"),
            &officer,
            &[
                ("action", &action),
                ("description", "Share data with admissions"),
                ("month", "10"),
                ("year", "2026"),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let plans = store.action_plans().await.expect("reads");
    let held = plans
        .iter()
        .find(|held| format!("/plans/{}", held.id) == plan)
        .expect("the plan");
    assert_eq!(held.actions[0].tasks.len(), 1, "the refused task was not kept");
    let task = format!("{plan}/tasks/{}", held.actions[0].tasks[0].id);
    let updated = september
        .post_form(
            &format!("{task}/updates"),
            &officer,
            &[
                ("status", "on-target"),
                ("progress", "Agreement drafted"),
                ("month", ""),
                ("year", ""),
            ],
        )
        .await;
    assert_eq!(updated.status(), StatusCode::SEE_OTHER);
    let issued = september.post_form(&format!("{plan}/reports"), &officer, &[]).await;
    assert_eq!(issued.status(), StatusCode::SEE_OTHER);

    let november = server_with(&database, served_on("2026-11-20")).await;
    let officer = november.sign_in("inclusion.officer").await;
    let (_, page) = november.text(&plan, &officer).await;
    assert!(
        page.contains("Amber") && page.contains("has passed without it being completed"),
        "{page}"
    );
    let updated = november
        .post_form(
            &format!("{task}/updates"),
            &officer,
            &[
                ("status", "delayed"),
                ("progress", "Admissions system replaced"),
                ("month", "2"),
                ("year", "2027"),
            ],
        )
        .await;
    assert_eq!(updated.status(), StatusCode::SEE_OTHER);
    let (status, history) = november.text(&task, &officer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        history.find("Admissions system replaced") < history.find("Agreement drafted"),
        "newest first"
    );
    let member = november.sign_in("elected.member").await;
    let (status, report) = november.text(&format!("{plan}/report"), &member).await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "Changed since 10 September 2026",
        "On target to delayed; timescale October 2026 to February 2027; progress updated",
        "Delayed, now due by February 2027",
    ] {
        assert!(report.contains(expected), "{expected} in {report}");
    }
    let pdf = november.get(&format!("{plan}/report.pdf"), Some(&member)).await;
    let document = lopdf::Document::load_mem(&pdf.bytes().await.expect("body")).expect("a valid PDF");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    assert!(
        document
            .extract_text(&pages)
            .expect("text")
            .contains("Admissions system replaced")
    );
    assert_eq!(
        november
            .post_form(&format!("{plan}/actions"), &member, &[("title", "Not theirs")])
            .await
            .status(),
        StatusCode::FORBIDDEN,
        "an elected member reads plans, and does not keep them"
    );
    let head = november.sign_in("headteacher").await;
    assert_eq!(november.text("/plans", &head).await.0, StatusCode::FORBIDDEN);
}

/// The rows of a published CSV file, by its header.
fn published_rows(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).expect("opens");
    let headers = reader
        .headers()
        .expect("a header")
        .iter()
        .map(|heading| heading.trim_start_matches('\u{feff}').to_owned())
        .collect();
    let rows = reader
        .records()
        .map(|record| record.expect("a record").iter().map(str::to_owned).collect())
        .collect();
    (headers, rows)
}

/// A new database with Surrey (LA 936) as its own LA and these real files imported into it, each
/// with its arguments, after the LA codes; and a report of it as at 1 December 2019, by tables.
fn surrey_report(directory: &tempfile::TempDir, files: &[(&str, &[&str])], report: &str) -> (String, CsvTables) {
    let database = stride_store::scratch::database(directory.path(), "real");
    let codes = real_data("performance_tables/2018-2019_england/la_and_region_codes_meta.csv");
    stride(&["import", "--db", &database, codes.to_str().expect("utf-8")]);
    for (file, arguments) in files {
        let path = real_data(file);
        let mut command = vec!["import", "--db", &database];
        command.extend(arguments.iter());
        command.push(path.to_str().expect("utf-8"));
        stride(&command);
    }
    stride(&["setup", "--db", &database, "--la", "936"]);
    let csv = stride(&[
        "report",
        report,
        "--db",
        &database,
        "--as-of",
        "2019-12-01",
        "--format",
        "csv",
    ]);
    (database, csv_tables(&csv))
}

/// The quartiles as a spreadsheet's QUARTILE.INC gives them: linear between the ordered values.
fn quartile(sorted: &[f64], fraction: f64) -> f64 {
    let position = fraction * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
}

#[tokio::test]
async fn on_the_real_performance_tables_the_la_is_rated_banded_and_ranked_among_every_la_with_each_figure_linked_to_its_file()
 {
    let directory = tempfile::tempdir().expect("temporary directory");
    let results = real_data("performance_tables/2018-2019_england/england_ks4provisional.csv");
    let (database, tables) = surrey_report(
        &directory,
        &[(
            "performance_tables/2018-2019_england/england_ks4provisional.csv",
            &["--year", "2018/19"],
        )],
        "rag",
    );
    let (_, header, rows) = tables.first().expect("the RAG table");
    let row = rows
        .iter()
        .find(|row| row[0] == Measure::Ks4Attainment8.label() && row[1] == PupilGroup::All.label())
        .expect("Attainment 8 for all pupils");

    // Worked out again from the published file: the LA's row, England's, every LA's.
    let (headers, published) = published_rows(&results);
    let at = |name: &str| headers.iter().position(|heading| heading == name).expect(name);
    let (record_type, la_code, attainment) = (at("RECTYPE"), at("LEA"), at("ATT8SCR"));
    let surrey: f64 = published
        .iter()
        .find(|row| row[record_type] == "4" && row[la_code] == "936")
        .expect("Surrey's row")[attainment]
        .parse()
        .expect("a figure");
    let england: f64 = published
        .iter()
        .find(|row| row[record_type] == "7")
        .expect("England's row")[attainment]
        .parse()
        .expect("a figure");
    let mut every_la: Vec<f64> = published
        .iter()
        .filter(|row| row[record_type] == "4")
        .filter_map(|row| row[attainment].parse().ok())
        .collect();
    every_la.sort_by(f64::total_cmp);
    assert!(every_la.len() > 140, "{} LAs", every_la.len());
    assert_eq!(row[column(header, "LA")], format!("{surrey:.1}"));
    assert_eq!(row[column(header, "England")], format!("{england:.1}"));
    let expected_rating = if surrey >= england {
        "Green"
    } else if surrey >= england - 1.0 {
        "Amber"
    } else {
        "Red"
    };
    assert_eq!(row[column(header, "Against England")], expected_rating);
    let (lower, median, upper) = (
        quartile(&every_la, 0.25),
        quartile(&every_la, 0.5),
        quartile(&every_la, 0.75),
    );
    let expected_band = if surrey <= lower {
        "A"
    } else if surrey <= median {
        "B"
    } else if surrey <= upper {
        "C"
    } else {
        "D"
    };
    assert_eq!(row[column(header, "Quartile band")], expected_band);
    let better = every_la.iter().filter(|other| **other > surrey).count();
    assert_eq!(
        row[column(header, "Rank among LAs")],
        format!("{} of {}", better + 1, every_la.len())
    );

    // On the page each figure links to the file it was imported from, whose page names it.
    let server = server_on(&database).await;
    let store = stride_store::open(&database).await.expect("opens");
    let accounts = stride::new_accounts(&fixture().authority.accounts)
        .await
        .expect("hashes");
    let account = accounts
        .iter()
        .find(|account| account.username == "data.manager")
        .expect("the data manager");
    store.create_account(account).await.expect("an account");
    let administrator = server.sign_in("data.manager").await;
    let (status, page) = server.text("/reports/rag", &administrator).await;
    assert_eq!(status, StatusCode::OK);
    let href = "/sources?name=england_ks4provisional.csv";
    assert!(
        page.contains(&format!("href=\"{href}\"")),
        "a figure linked to its file"
    );
    let (status, source) = server.text(href, &administrator).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        source.contains("england_ks4provisional.csv") && source.contains("Imported"),
        "{source}"
    );
}

#[test]
fn on_the_real_exclusions_data_set_the_las_rates_stand_beside_englands_as_published() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let exclusions = real_data("la_level/ees/exclusions_by_geographic_level.zip");
    let (_, tables) = surrey_report(
        &directory,
        &[("la_level/ees/exclusions_by_geographic_level.zip", &[])],
        "exclusions-and-absence",
    );

    // Worked out again from the published file, read here without Stride's reader.
    let file = std::fs::File::open(&exclusions).expect("opens");
    let mut archive = zip::ZipArchive::new(file).expect("a zip archive");
    let member = archive
        .by_name("exclusions_by_geographic_level.csv")
        .expect("the data set");
    let mut reader = csv::Reader::from_reader(member);
    let headers: Vec<String> = reader.headers().expect("a header").iter().map(str::to_owned).collect();
    let at = |name: &str| headers.iter().position(|heading| heading == name).expect(name);
    let (period, level, la, school_type) = (
        at("time_period"),
        at("geographic_level"),
        at("old_la_code"),
        at("school_type"),
    );
    let mut published: std::collections::HashMap<(String, String, String), (String, String)> = Default::default();
    for record in reader.records() {
        let record = record.expect("a record");
        let area = match &record[level] {
            "Local authority" if &record[la] == "936" => "LA",
            "National" => "England",
            _ => continue,
        };
        published.insert(
            (
                record[period].to_owned(),
                area.to_owned(),
                record[school_type].to_owned(),
            ),
            (
                record[at("perm_excl_rate")].to_owned(),
                record[at("fixed_excl_rate")].to_owned(),
            ),
        );
    }
    // A rate as published, or the file's own mark where it gives none ("x": not available).
    let shown = |value: &str| match value.parse::<f64>() {
        Ok(rate) => format!("{rate:.2}"),
        Err(_) => value.to_owned(),
    };
    let mut checked = 0;
    for (title, rate) in [
        ("Permanent exclusions per 100 pupils by year", 0),
        ("Suspensions per 100 pupils by year", 1),
    ] {
        let (_, header, rows) = tables
            .iter()
            .find(|(held, _, _)| held == title)
            .unwrap_or_else(|| panic!("the table {title}"));
        for row in rows {
            let year = &row[0];
            let period = format!("{}{}", &year[..4], &year[5..7]);
            for (phase, published_type) in [
                ("All schools", "Total"),
                ("Special", "Special"),
                ("Primary", "State-funded primary"),
            ] {
                for area in ["LA", "England"] {
                    let Some(figures) = published.get(&(period.clone(), area.to_owned(), published_type.to_owned()))
                    else {
                        continue;
                    };
                    let expected = shown(if rate == 0 { &figures.0 } else { &figures.1 });
                    assert_eq!(
                        row[column(header, &format!("{phase}: {area}"))],
                        expected,
                        "{title} {year} {phase} {area}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 40, "{checked} figures checked");
    assert!(
        tables
            .iter()
            .flat_map(|(_, _, rows)| rows)
            .flatten()
            .any(|cell| cell == "x"),
        "Surrey's special schools' rate that was not published is shown as not available, not as a figure"
    );
}

#[tokio::test]
async fn the_counts_of_schools_by_outcome_name_the_ofsted_files_they_were_made_from() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (database, _) = generated_database(&directory).await;
    let ofsted = real_data("ofsted/leeds_ofsted_data.csv");
    stride(&["import", "--db", &database, ofsted.to_str().expect("utf-8")]);
    let html = String::from_utf8(stride(&[
        "report",
        "monthly-data-set",
        "--db",
        &database,
        "--as-of",
        AS_OF,
        "--format",
        "html",
    ]))
    .expect("text");
    assert!(
        html.contains(&format!(
            "Counts made from: leeds_ofsted_data.csv; Synthetic (seed {SEED}): school census, January."
        )),
        "the inspections' file, and the rolls' for the pupils in good or better schools: {html}"
    );
    let server = server_on(&database).await;
    let manager = server.sign_in("improvement.manager").await;
    let (_, page) = server.text("/reports/monthly-data-set", &manager).await;
    let href = "/sources?name=leeds_ofsted_data.csv";
    assert!(
        page.contains(&format!("href=\"{href}\"")),
        "the counts link to the file"
    );
    let (status, source) = server.text(href, &manager).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        source.contains("Ofsted state-funded schools inspections MI"),
        "{source}"
    );
}
