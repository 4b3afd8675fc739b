//! Ofsted's management information for Leeds, in the 2025/26 layout: every inspection a row
//! carries is held under its own framework, read back through the store and compared with the
//! file as the csv crate reads it here.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use stride_core::inspection::{EvaluationArea, InspectionKind};
use stride_core::{Framework, Inspection, Urn};
use stride_store::Store;

use crate::performance::{import_with, records};
use crate::{data, fresh_store, import};

fn leeds() -> PathBuf {
    data("ofsted/leeds_ofsted_data.csv")
}

fn rows() -> Vec<HashMap<String, String>> {
    records(csv::Reader::from_path(leeds()).expect("readable"))
}

fn given(row: &HashMap<String, String>, column: &str) -> Option<String> {
    let value = row.get(column).unwrap_or_else(|| panic!("column {column}"));
    (!matches!(value.as_str(), "" | "NULL")).then(|| value.clone())
}

fn urn(value: &str) -> Urn {
    value.parse().expect("a URN")
}

/// The URN an inspection was held under: the current one, or the predecessor's where Ofsted
/// says the inspection does not relate to the current URN.
fn urn_inspected(row: &HashMap<String, String>, relates: &str, urn_then: &str) -> Urn {
    if given(row, relates).as_deref() == Some("No") {
        urn(&given(row, urn_then).expect("URN at the time"))
    } else {
        urn(&row["URN"])
    }
}

fn date_of(value: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(value, "%d/%m/%Y").expect("a date")
}

async fn held(store: &Arc<dyn Store>, urn: Urn, started: &str, kind: InspectionKind) -> Inspection {
    store
        .inspections_of(urn)
        .await
        .expect("reads")
        .into_iter()
        .find(|inspection| inspection.started_on == date_of(started) && inspection.kind == kind)
        .unwrap_or_else(|| panic!("URN {urn}: the {kind} inspection of {started} is held"))
}

#[tokio::test]
async fn every_inspection_in_the_ofsted_file_is_held_under_its_own_framework() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (store, _) = fresh_store(&directory).await;
    let summary = import(&store, &leeds(), false).await;
    let rows = rows();
    let started_columns = [
        "Inspection start date",
        "Inspection start date of latest OEIF graded inspection",
        "Date of latest ungraded inspection",
    ];
    let stated: usize = rows
        .iter()
        .map(|row| {
            started_columns
                .iter()
                .filter(|column| given(row, column).is_some())
                .count()
        })
        .sum();
    assert_eq!(
        summary.added, stated,
        "one inspection for every start date the file gives"
    );
    assert!(
        summary.schools_not_held > 0,
        "Leeds schools are not in the GIAS files here"
    );

    for row in &rows {
        if let Some(started) = given(row, "Inspection start date") {
            let urn = urn_inspected(
                row,
                "Does the latest full inspection relate to the URN of the current school?",
                "URN at time of latest full inspection",
            );
            let report_card = held(&store, urn, &started, InspectionKind::Graded).await;
            assert_eq!(report_card.framework, Framework::ReportCard2025);
            let inclusion = report_card.grade_of(EvaluationArea::Inclusion).expect("inclusion");
            assert_eq!(Some(inclusion.label().to_owned()), given(row, "Inclusion"));
            let safeguarding = report_card
                .grade_of(EvaluationArea::Safeguarding)
                .expect("safeguarding");
            assert_eq!(
                Some(safeguarding.label().to_owned()),
                given(row, "Safeguarding standards")
            );
        }
        if let Some(started) = given(row, "Inspection start date of latest OEIF graded inspection") {
            let urn = urn_inspected(
                row,
                "Does the latest OEIF graded inspection relate to the URN of the current school?",
                "URN at time of latest OEIF graded inspection",
            );
            let graded = held(&store, urn, &started, InspectionKind::Graded).await;
            let overall = graded
                .grade_of(EvaluationArea::OverallEffectiveness)
                .map(|grade| grade.code().to_owned());
            let published = given(row, "Latest OEIF overall effectiveness").expect("a grade or Not judged");
            if published == "Not judged" {
                assert_eq!(graded.framework, Framework::Education2024, "URN {urn}");
                assert_eq!(overall, None);
            } else {
                assert_eq!(graded.framework, Framework::Education2019, "URN {urn}");
                assert_eq!(overall, Some(published), "URN {urn}");
            }
            let quality = graded
                .grade_of(EvaluationArea::QualityOfEducation)
                .map(|grade| grade.code().to_owned());
            assert_eq!(quality, given(row, "Latest OEIF quality of education"), "URN {urn}");
            let early_years =
                given(row, "Latest OEIF early years provision (where applicable)").filter(|grade| grade != "9");
            let held_early_years = graded
                .grade_of(EvaluationArea::EarlyYears)
                .map(|grade| grade.code().to_owned());
            assert_eq!(held_early_years, early_years, "URN {urn}: 9 is not applicable");
            let category = given(row, "Latest OEIF category of concern").map(|code| match code.as_str() {
                "SM" => "special-measures",
                "SWK" => "serious-weaknesses",
                other => panic!("a category {other}"),
            });
            assert_eq!(graded.category_of_concern.map(|category| category.code()), category);
        }
        if let Some(started) = given(row, "Date of latest ungraded inspection") {
            let urn = urn_inspected(
                row,
                "Does the ungraded inspection relate to the URN of the current school?",
                "URN at time of the ungraded inspection",
            );
            let ungraded = held(&store, urn, &started, InspectionKind::Ungraded).await;
            let published = given(row, "Ungraded inspection overall outcome").expect("an outcome");
            let expected = if published.contains("(Concerns)") {
                "concerns"
            } else if published.contains("(Improving)") {
                "may-improve"
            } else if published == "Some aspects not as strong" {
                "some-aspects-not-as-strong"
            } else {
                "standards-maintained"
            };
            assert_eq!(ungraded.ungraded_outcome.map(|outcome| outcome.code()), Some(expected));
            assert!(ungraded.judgements.is_empty());
        }
    }

    let again = import(&store, &leeds(), false).await;
    assert_eq!((again.added, again.changed, again.unchanged), (0, 0, stated));
}

/// Runs `stride import` on a changed copy of the Leeds file; checks it failed and that nothing
/// of it is held, and returns what it said.
fn refused(directory: &tempfile::TempDir, name: &str, change: impl FnMut(usize, &mut Vec<String>)) -> String {
    let copy = directory.path().join(name);
    std::fs::write(
        &copy,
        crate::performance::rewrite(&std::fs::read_to_string(leeds()).expect("readable"), change),
    )
    .expect("written");
    let database = stride_store::scratch::database(directory.path(), name);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stride"))
        .args(["import", "--db", &database, copy.to_str().expect("utf-8")])
        .output()
        .expect("stride runs");
    assert!(!output.status.success(), "{name} was refused");
    assert_eq!(inspections_held(&database), 0, "{name}: nothing was written");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn inspections_held(database: &str) -> usize {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = stride_store::open(database).await.expect("opens");
        let mut held = 0;
        for row in rows() {
            held += store.inspections_of(urn(&row["URN"])).await.expect("reads").len();
        }
        held
    })
}

#[test]
fn a_corrupted_ofsted_file_is_refused_whole_with_its_location() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let header: Vec<String> = csv::Reader::from_path(leeds())
        .expect("readable")
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let position = |name: &str| header.iter().position(|column| column == name).expect(name);
    let overall = position("Latest OEIF overall effectiveness");
    let target = rows()
        .iter()
        .position(|row| given(row, "Latest OEIF overall effectiveness").as_deref() == Some("2"))
        .expect("a school graded good")
        + 1;

    let bad_grade = refused(&directory, "leeds-bad-grade.csv", |index, record| {
        if index == target {
            record[overall] = "Gd".to_owned();
        }
    });
    assert!(
        bad_grade.contains(&format!(
            "row {}, column Latest OEIF overall effectiveness: 'Gd' is not a grade from 1 (outstanding) to 4",
            target + 1
        )),
        "{bad_grade}"
    );

    let published = position("Publication date of latest OEIF graded inspection");
    let missing_column = refused(&directory, "leeds-missing-column.csv", |index, record| {
        if index == 0 {
            record[published] = "Published".to_owned();
        }
    });
    assert!(
        missing_column.contains("has no column 'Publication date of latest OEIF graded inspection'"),
        "{missing_column}"
    );

    let truncated = refused(&directory, "leeds-truncated.csv", |index, record| {
        if index == target {
            record.truncate(overall);
        }
    });
    assert!(
        truncated.contains(&format!(
            "row {}, column Most recent category of concern: '' is not a value: the row ends before this column",
            target + 1
        )),
        "{truncated}"
    );

    let directory_database = stride_store::scratch::database(directory.path(), "good");
    let said = import_with(&directory_database, &leeds(), &["--dry-run"]);
    assert!(said.contains("would"), "a dry run says what it would do: {said}");
    assert_eq!(inspections_held(&directory_database), 0, "a dry run writes nothing");
}
