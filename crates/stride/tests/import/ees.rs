//! Explore Education Statistics data sets, imported with the real `stride import` (with their
//! `.meta.csv` where the DfE gives one, plain and zipped) and read back with the real
//! `stride export statistics`; the files are read here with the csv crate alone.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::data;
use crate::performance::{import_with, records, rewrite};

const EES: &str = "la_level/ees";

/// Columns that place a row rather than filter or count it, as this test reads the files.
const PLACING: &[&str] = &[
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "estab",
    "laestab",
    "version",
];

/// This test's own reading of the statistical symbols.
fn missing_reason(code: &str) -> Option<&'static str> {
    Some(match code {
        "" => "blank",
        "." | "z" => "not-applicable",
        "x" | ":" => "not-available",
        "c" => "suppressed",
        "low" => "rounds-to-zero",
        "u" => "low-reliability",
        _ => return None,
    })
}

/// A count read from the database itself, for what is too large to export in a test.
fn count_in(database: &str, sql: &'static str) -> i64 {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let raw = stride_store::scratch::Raw::connect(database).await;
            stride_store::with_raw_pool!(&raw, |pool| sqlx::query_scalar(sql).fetch_one(pool).await).expect("counts")
        })
}

fn exported_statistics(database: &str, data_set: &str) -> Vec<HashMap<String, String>> {
    exported_statistics_of(database, data_set, &[])
}

fn exported_statistics_of(database: &str, data_set: &str, extra: &[&str]) -> Vec<HashMap<String, String>> {
    let folder = tempfile::tempdir().expect("a folder for the export");
    let output_file = folder.path().join(format!("{data_set}.csv"));
    let output = Command::new(env!("CARGO_BIN_EXE_stride"))
        .args(["export", "statistics", "--db", database])
        .args(["--data-set", data_set, "--output", output_file.to_str().expect("utf-8")])
        .args(extra)
        .output()
        .expect("stride runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    records(csv::Reader::from_path(&output_file).expect("export readable"))
}

/// The indicator columns: as the `.meta.csv` says, or, without one, those whose every value is
/// a number or a symbol, not every one blank.
fn indicators(headers: &[String], rows: &[HashMap<String, String>], meta: Option<&Path>) -> Vec<String> {
    if let Some(meta) = meta {
        return records(csv::Reader::from_path(meta).expect("meta readable"))
            .into_iter()
            .filter(|column| column["col_type"] == "Indicator")
            .map(|column| column["col_name"].clone())
            .collect();
    }
    headers
        .iter()
        .filter(|header| !PLACING.contains(&header.as_str()))
        .filter(|header| {
            rows.iter()
                .all(|row| row[*header].parse::<f64>().is_ok() || missing_reason(&row[*header]).is_some())
                && rows.iter().any(|row| !row[*header].is_empty())
        })
        .cloned()
        .collect()
}

fn area_of(row: &HashMap<String, String>) -> (String, String) {
    match row["geographic_level"].as_str() {
        "National" => ("england".into(), "E92000001".into()),
        "Regional" => ("region".into(), row["region_name"].to_lowercase()),
        "Local authority" => ("la".into(), row["old_la_code"].clone()),
        other => panic!("a level this test knows: {other}"),
    }
}

type Key = (String, String, String, String, String, String);

fn check_data_set(file: &str, meta: Option<&str>) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = stride_store::scratch::database(directory.path(), "ees");
    let path = data(&format!("{EES}/{file}"));
    let meta_path: Option<PathBuf> = meta.map(|meta| data(&format!("{EES}/{meta}")));
    let mut extra: Vec<&str> = Vec::new();
    if let Some(meta_path) = &meta_path {
        extra.push(meta_path.to_str().expect("utf-8"));
    }
    import_with(&database, &path, &extra);
    let data_set = file.trim_end_matches(".csv");
    let exported: HashMap<Key, HashMap<String, String>> = exported_statistics(&database, data_set)
        .into_iter()
        .map(|row| {
            let key = (
                row["Subject"].clone(),
                row["Code"].to_lowercase(),
                format!("{} {}", row["Time period"], row["Time identifier"]),
                row["Filters"].clone(),
                row["Indicator"].clone(),
                row["Release"].clone(),
            );
            (key, row)
        })
        .collect();

    let mut reader = csv::Reader::from_path(&path).expect("readable");
    let headers: Vec<String> = reader.headers().expect("header").iter().map(str::to_owned).collect();
    let rows = records(reader);
    let indicators = indicators(&headers, &rows, meta_path.as_deref());
    assert!(!indicators.is_empty(), "{file}: has indicators");
    let filters: Vec<&String> = headers
        .iter()
        .filter(|header| !PLACING.contains(&header.as_str()) && !indicators.contains(header))
        .collect();
    assert_eq!(
        exported.len(),
        rows.len() * indicators.len(),
        "{file}: one figure per row and indicator"
    );
    for row in &rows {
        let (subject, code) = area_of(row);
        let period = format!(
            "{} {}",
            row["time_period"],
            row.get("time_identifier").map_or("", String::as_str)
        );
        let filters = filters
            .iter()
            .map(|name| format!("{name}: {}", row[*name]))
            .collect::<Vec<_>>()
            .join("; ");
        let release = row
            .get("version")
            .map_or("final".to_owned(), |version| version.to_lowercase());
        for indicator in &indicators {
            let key = (
                subject.clone(),
                code.to_lowercase(),
                period.clone(),
                filters.clone(),
                indicator.clone(),
                release.clone(),
            );
            let held = exported.get(&key).unwrap_or_else(|| panic!("{file}: {key:?} is held"));
            let published = &row[indicator];
            match published.parse::<f64>() {
                Ok(value) => {
                    let held_value: f64 = held["Value"].parse().expect("a value");
                    assert!(
                        (held_value - value).abs() < 1e-9,
                        "{file}: {key:?}: {held_value} is {value}"
                    );
                }
                Err(_) => assert_eq!(
                    Some(held["Missing reason"].as_str()),
                    missing_reason(published),
                    "{file}: {key:?}"
                ),
            }
        }
    }
}

#[test]
fn every_plain_ees_data_set_reads_back_as_published() {
    check_data_set("absence_by_term.csv", Some("absence_by_term.meta.csv"));
    check_data_set(
        "KS4_2018_LA_Char_Testdata.csv",
        Some("KS4_2018_LA_Char_Testdata.meta.csv"),
    );
    check_data_set("EES_ytd_data.csv", None);
    check_data_set("week_29_persistent_absence.csv", None);
    check_data_set("exclusions_la_regional_national_2006-07_to_2016-17.csv", None);
}

#[test]
fn a_zipped_data_set_imports_with_its_meta_and_its_school_rows() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = stride_store::scratch::database(directory.path(), "zip");
    let said = import_with(
        &database,
        &data(&format!("{EES}/exclusions_by_geographic_level.zip")),
        &[],
    );
    assert!(
        said.contains("exclusions_by_geographic_level.zip/exclusions_by_geographic_level.csv"),
        "{said}"
    );
    assert!(
        said.contains("exclusions_by_geographic_level.zip/exclusions_by_geographic_level.meta.csv"),
        "{said}"
    );
    // The archive's own rows, read here by unzipping it with the system's unzip.
    let unzipped = Command::new("unzip")
        .args([
            "-p",
            data(&format!("{EES}/exclusions_by_geographic_level.zip"))
                .to_str()
                .expect("utf-8"),
        ])
        .arg("exclusions_by_geographic_level.csv")
        .output()
        .expect("unzip runs");
    let rows = records(csv::Reader::from_reader(unzipped.stdout.as_slice()));
    // Its .meta.csv names eight indicators. Two million figures are counted in the database
    // itself rather than exported.
    // Each engine's own way of measuring a JSON array.
    let figures = if stride_store::is_postgres(&database) {
        "SELECT CAST(SUM(json_array_length(CAST(figures AS JSON))) AS BIGINT) FROM statistics_rows
         JOIN statistics_data_sets data_set ON data_set.id = statistics_rows.data_set
         WHERE data_set.name = 'exclusions_by_geographic_level'"
    } else {
        "SELECT SUM(json_array_length(figures)) FROM statistics_rows
         JOIN statistics_data_sets data_set ON data_set.id = statistics_rows.data_set
         WHERE data_set.name = 'exclusions_by_geographic_level'"
    };
    let held = count_in(&database, figures);
    assert_eq!(held as usize, rows.len() * 8);
    let school = rows
        .iter()
        .find(|row| {
            row["geographic_level"] == "School" && row["perm_excl"].parse::<f64>().is_ok_and(|count| count > 0.0)
        })
        .expect("a school with a permanent exclusion");
    let laestab = &school["laestab"];
    let number = format!("{}/{}", &laestab[..3], &laestab[3..]);
    let exported = exported_statistics_of(&database, "exclusions_by_geographic_level", &["--code", &number]);
    let held = exported
        .iter()
        .find(|figure| {
            figure["Subject"] == "school-laestab"
                && figure["Time period"] == school["time_period"]
                && figure["Indicator"] == "perm_excl"
        })
        .expect("the school's permanent exclusions are held under its DfE number");
    assert_eq!(
        held["Value"].parse::<f64>().ok(),
        school["perm_excl"].parse::<f64>().ok()
    );
}

#[test]
fn a_corrupted_ees_file_is_refused_whole_with_its_location() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let original = std::fs::read_to_string(data(&format!("{EES}/absence_by_term.csv"))).expect("readable");
    let meta = data(&format!("{EES}/absence_by_term.meta.csv"));
    let header: Vec<String> = original
        .lines()
        .next()
        .expect("header")
        .split(',')
        .map(str::to_owned)
        .collect();
    let overall = header
        .iter()
        .position(|name| name == "sess_overall_percent")
        .expect("column");
    let refused = |name: &str, text: String| -> String {
        let folder = directory.path().join(name);
        std::fs::create_dir_all(&folder).expect("folder");
        let copy = folder.join("absence_by_term.csv");
        std::fs::write(&copy, text).expect("written");
        let database = stride_store::scratch::database(&folder, "refused");
        let output = Command::new(env!("CARGO_BIN_EXE_stride"))
            .args(["import", "--db", &database])
            .args([copy.to_str().expect("utf-8"), meta.to_str().expect("utf-8")])
            .output()
            .expect("stride runs");
        assert!(!output.status.success(), "{name} was refused");
        assert!(
            exported_statistics(&database, "absence_by_term").is_empty(),
            "{name}: nothing was written"
        );
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let bad_number = refused(
        "bad",
        rewrite(&original, |index, record| {
            if index == 40 {
                record[overall] = "4,7".to_owned();
            }
        }),
    );
    assert!(
        bad_number.contains("row 41, column sess_overall_percent: '4,7' is not a number"),
        "{bad_number}"
    );
    let missing = refused(
        "missing",
        rewrite(&original, |index, record| {
            if index == 0 {
                record[overall] = "overall".to_owned();
            }
        }),
    );
    assert!(missing.contains("has no column 'sess_overall_percent'"), "{missing}");
    let truncated = refused(
        "truncated",
        rewrite(&original, |index, record| {
            if index == 100 {
                record.truncate(overall);
            }
        }),
    );
    assert!(
        truncated
            .contains("row 101, column sess_overall_totalreasons: '' is not a value: the row ends before this column"),
        "{truncated}"
    );
}

#[test]
fn the_dfe_spreadsheets_give_what_their_csv_copies_give() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = stride_store::scratch::database(directory.path(), "xlsx");
    for (csv_copy, spreadsheet) in [
        ("la_level/lait/la_code_list.csv", "la_level/lait/la_code_list.xlsx"),
        (
            "la_level/lait/statistical_neighbours_may_2025.csv",
            "la_level/lait/sn_may_2025.xlsx",
        ),
        (
            "la_level/lait/statistical_neighbours_april_2021.csv",
            "la_level/lait/sn_april_2021.xlsx",
        ),
    ] {
        let first = import_with(&database, &data(csv_copy), &[]);
        assert!(first.contains(" added, 0 changed"), "{first}");
        let second = import_with(&database, &data(spreadsheet), &[]);
        assert!(
            second.contains("has 0 added, 0 changed"),
            "{spreadsheet} holds what {csv_copy} holds: {second}"
        );
    }
}

#[test]
fn the_ks4_destinations_are_held_for_every_school_la_and_england_as_published() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = stride_store::scratch::database(directory.path(), "destinations");
    let path = data("performance_tables/2018-2019_england/england_ks4-pupdest.csv");
    import_with(&database, &path, &[]);
    let exported: HashMap<(String, String, String), HashMap<String, String>> =
        exported_statistics(&database, "ks4-destinations")
            .into_iter()
            .map(|row| {
                (
                    (row["Subject"].clone(), row["Code"].clone(), row["Indicator"].clone()),
                    row,
                )
            })
            .collect();
    let mut reader = csv::Reader::from_path(&path).expect("readable");
    let headers: Vec<String> = reader.headers().expect("header").iter().map(str::to_owned).collect();
    let rows = records(reader);
    // This year's columns: not the school's details, and not an earlier year's (COHORT_18).
    let placing = ["RECTYPE", "LEA", "ESTAB", "URN", "ICLOSE", "SCHNAME", "NFTYPE"];
    let indicators: Vec<&String> = headers
        .iter()
        .filter(|name| !placing.contains(&name.as_str()))
        .filter(|name| {
            !(name.len() > 3 && name.as_bytes()[name.len() - 3] == b'_' && name[name.len() - 2..].parse::<u8>().is_ok())
        })
        .collect();
    assert_eq!(exported.len(), rows.len() * indicators.len());
    for row in &rows {
        let (subject, code) = match row["RECTYPE"].as_str() {
            "1" | "2" => ("school", row["URN"].clone()),
            "LA" => ("la", row["LEA"].clone()),
            "NAT" => ("england", "E92000001".to_owned()),
            other => panic!("a record type {other}"),
        };
        for indicator in &indicators {
            let key = (subject.to_owned(), code.clone(), (*indicator).clone());
            let held = exported.get(&key).unwrap_or_else(|| panic!("{key:?} is held"));
            assert_eq!(
                held["Time period"], "201718",
                "the destinations of 2016/17's leavers, in 2017/18"
            );
            let published = row[*indicator].trim_end_matches('%');
            match published.parse::<f64>() {
                Ok(value) => assert_eq!(held["Value"].parse::<f64>().ok(), Some(value), "{key:?}"),
                Err(_) => {
                    let reason = match published {
                        "SUPP" | "SP" => "suppressed",
                        "NA" => "not-applicable",
                        "NE" => "no-pupils",
                        "NP" => "not-published",
                        "" => "blank",
                        other => panic!("{key:?}: a code this test knows: {other}"),
                    };
                    assert_eq!(held["Missing reason"], reason, "{key:?}");
                }
            }
        }
    }
    // The share in a sustained destination is Stride's measure too, for each pupil group.
    let measured: HashMap<(String, String, String), HashMap<String, String>> =
        crate::performance::exported(&database, false)
            .into_iter()
            .filter(|figure| figure["Measure"] == "ks4-sustained-destination" && figure["Academic year"] == "2017/18")
            .map(|figure| {
                (
                    (
                        figure["Subject"].clone(),
                        figure["Code"].clone(),
                        figure["Pupil group"].clone(),
                    ),
                    figure,
                )
            })
            .collect();
    assert_eq!(
        measured.len(),
        rows.len() * 3,
        "all, disadvantaged and not, for every row"
    );
    for row in &rows {
        let (subject, code) = match row["RECTYPE"].as_str() {
            "1" | "2" => ("school", row["URN"].clone()),
            "LA" => ("la", row["LEA"].clone()),
            _ => ("england", "E92000001".to_owned()),
        };
        for (column, cohort, group) in [
            ("OVERALL_DESTPER", "COHORT", "all"),
            ("OVERALL_DESTPER_DIS", "COHORT_DIS", "disadvantaged"),
            ("OVERALL_DESTPER_NONDIS", "COHORT_NONDIS", "not-disadvantaged"),
        ] {
            let key = (subject.to_owned(), code.clone(), group.to_owned());
            let held = &measured[&key];
            if let Ok(value) = row[column].trim_end_matches('%').parse::<f64>() {
                assert_eq!(held["Value"].parse::<f64>().ok(), Some(value), "{key:?}");
            } else {
                assert!(!held["Missing reason"].is_empty(), "{key:?}");
            }
            assert_eq!(
                held["Cohort"],
                row[cohort]
                    .parse::<u32>()
                    .map_or(String::new(), |cohort| cohort.to_string())
            );
        }
    }
}

/// Subject, code, phase group, academic year and measure of an area's figure.
type AreaMeasureKey = (String, String, String, String, String);

#[test]
fn ees_absence_and_exclusion_rates_are_strides_measures_for_every_area() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = stride_store::scratch::database(directory.path(), "measures");
    let cases = [
        ("absence_by_term.csv", "sess_overall_percent", "overall-absence"),
        (
            "exclusions_la_regional_national_2006-07_to_2016-17.csv",
            "perm_excl_rate",
            "permanent-exclusion-rate",
        ),
        (
            "exclusions_la_regional_national_2006-07_to_2016-17.csv",
            "fixed_excl_rate",
            "suspension-rate",
        ),
    ];
    import_with(&database, &data(&format!("{EES}/absence_by_term.csv")), &[]);
    import_with(&database, &data(&format!("{EES}/{}", cases[1].0)), &[]);
    let held: HashMap<AreaMeasureKey, HashMap<String, String>> = crate::performance::exported(&database, false)
        .into_iter()
        .map(|figure| {
            let key = (
                figure["Subject"].clone(),
                figure["Code"].to_lowercase(),
                figure["Phase group"].clone(),
                figure["Academic year"].clone(),
                figure["Measure"].clone(),
            );
            (key, figure)
        })
        .collect();
    for (file, indicator, measure) in cases {
        let rows = records(csv::Reader::from_path(data(&format!("{EES}/{file}"))).expect("readable"));
        let mut compared = 0;
        for row in &rows {
            // This test's own reading: totals of every other filter, a phase by school type.
            let others_total = ["term", "academy_type", "academy_open_date"]
                .iter()
                .all(|filter| row.get(*filter).is_none_or(|value| value == "Total"));
            let phase = match row["school_type"].as_str() {
                "Total" => "all",
                "State-funded primary" => "primary",
                "State-funded secondary" => "secondary",
                "Special" => "special",
                _ => continue,
            };
            if !others_total {
                continue;
            }
            let (subject, code) = area_of(row);
            let period = &row["time_period"];
            let year = format!("{}/{}", &period[..4], &period[4..]);
            let key = (
                subject,
                code.to_lowercase(),
                phase.to_owned(),
                year.clone(),
                measure.to_owned(),
            );
            let figure = held
                .get(&key)
                .unwrap_or_else(|| panic!("{file}: {measure} for {code} {phase} {year} is held"));
            match row[indicator].parse::<f64>() {
                Ok(value) => assert_eq!(figure["Value"].parse::<f64>().ok(), Some(value), "{file} {code} {year}"),
                Err(_) => assert_eq!(Some(figure["Missing reason"].as_str()), missing_reason(&row[indicator])),
            }
            compared += 1;
        }
        assert!(compared > 500, "{file}: compared {compared}");
    }
}

#[test]
fn a_named_sheet_is_read_and_a_missing_one_is_refused_naming_the_sheets_there_are() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = stride_store::scratch::database(directory.path(), "sheets");
    let workbook = data("la_level/lait/sn_may_2025.xlsx");
    let said = import_with(&database, &workbook, &["--sheet", "LA SN Groups"]);
    assert!(said.contains("sn_may_2025.xlsx: has 1580 added"), "{said}");
    let output = Command::new(env!("CARGO_BIN_EXE_stride"))
        .args(["import", "--db", &database, "--sheet", "Neighbours"])
        .arg(&workbook)
        .output()
        .expect("stride runs");
    assert!(!output.status.success());
    let refused = String::from_utf8_lossy(&output.stderr);
    assert!(
        refused.contains("sn_may_2025.xlsx")
            && refused.contains("no sheet 'Neighbours'")
            && refused.contains("LA SN Groups"),
        "{refused}"
    );
}

#[test]
fn a_corrected_data_set_replaces_the_row_it_changes_and_keeps_the_old_one() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = stride_store::scratch::database(directory.path(), "corrected");
    let original = data(&format!("{EES}/absence_by_term.csv"));
    let meta = data(&format!("{EES}/absence_by_term.meta.csv"));
    import_with(&database, &original, &[meta.to_str().expect("utf-8")]);
    let text = std::fs::read_to_string(&original).expect("readable");
    let header: Vec<&str> = text.lines().next().expect("header").split(',').collect();
    let overall = header
        .iter()
        .position(|name| *name == "sess_overall_percent")
        .expect("column");
    let corrected_folder = directory.path().join("corrected");
    std::fs::create_dir(&corrected_folder).expect("folder");
    let corrected = corrected_folder.join("absence_by_term.csv");
    std::fs::write(
        &corrected,
        rewrite(&text, |index, record| {
            if index == 7 {
                record[overall] = "99.9".to_owned();
            }
        }),
    )
    .expect("written");
    let said = import_with(&database, &corrected, &[meta.to_str().expect("utf-8")]);
    let indicators = indicators(&[], &[], Some(&meta)).len();
    assert!(
        said.contains(&format!("has 0 added, {indicators} changed")),
        "the row's figures are replaced: {said}"
    );
    let kept = count_in(&database, "SELECT COUNT(*) FROM superseded_statistics_rows");
    assert_eq!(kept, 1, "the row as it was is kept");
    let held = exported_statistics(&database, "absence_by_term");
    assert!(
        held.iter()
            .any(|figure| figure["Indicator"] == "sess_overall_percent" && figure["Value"] == "99.9")
    );
}
