//! LAIT's long data set and dictionary, and the DfE's statistical neighbours tables.

use std::collections::HashMap;
use std::io::Read;

use crate::performance::{assert_same, by_key, exported, import_with, independent, records};
use crate::{data, fresh_store, import};

const LAIT: &str = "la_level/lait";

/// The long data set read with flate2 and the csv crate alone.
fn long_rows() -> Vec<HashMap<String, String>> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(data(&format!("{LAIT}/bds_long.csv.gz"))).expect("readable"))
        .read_to_string(&mut text)
        .expect("decompresses");
    records(csv::Reader::from_reader(text.as_bytes()))
}

/// This test's own reading of the LAIT indicators that are Stride's measures.
const MAPPED: &[(&str, &str, &str, &str)] = &[
    ("KS2RWM_Expected_STD", "ks2-rwm-expected", "all", "all"),
    ("AVG_Attain8_Score", "ks4-attainment-8", "all", "all"),
    ("DAP_KS4_Prog8", "ks4-progress-8", "disadvantaged", "all"),
    ("PriTotAbs", "overall-absence", "all", "primary"),
    ("SecFixedEx", "suspension-rate", "all", "secondary"),
];

#[test]
fn the_long_data_set_imports_whole_and_its_measures_read_back_as_published() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = directory.path().join("lait.sqlite");
    let said = import_with(&database, &data(&format!("{LAIT}/bds_long.csv.gz")), &[]);
    let rows = long_rows();
    assert!(said.contains(&format!("has {} added, 0 changed", rows.len())), "{said}");
    let held = by_key(&exported(&database, false));
    let mut compared = 0;
    for row in &rows {
        let Some((_, measure, group, phase)) = MAPPED.iter().find(|mapped| mapped.0 == row["Short Desc"]) else {
            continue;
        };
        // LAIT numbers England 970 and its regions 980 to 990; "2024" is the year ending then.
        let number = row["LA Number"].trim_end_matches(".0");
        let (kind, code) = match (row["Region"].as_str(), number) {
            ("NA", "970") => ("england", "E92000001".to_owned()),
            ("NA", _) => continue,
            _ => ("la", number.to_owned()),
        };
        let year = if row["Years"].contains('/') {
            row["Years"].clone()
        } else {
            let ending: i32 = row["Years"].parse().expect("a year");
            format!("{}/{:02}", ending - 1, ending % 100)
        };
        let key = (
            kind.to_owned(),
            code,
            (*phase).to_owned(),
            year,
            (*measure).to_owned(),
            (*group).to_owned(),
            "final".to_owned(),
        );
        let context = format!("{key:?}");
        let figure = held.get(&key).unwrap_or_else(|| panic!("{context} is held"));
        let published = if row["Values"] == "-" {
            "x"
        } else {
            row["Values"].as_str()
        };
        if published == "x" {
            assert_eq!(figure["Missing reason"], "not-available", "{context}");
        } else {
            assert_same(published, figure, &context);
        }
        compared += 1;
    }
    assert!(compared > 5_000, "compared {compared}");
    let again = import_with(&database, &data(&format!("{LAIT}/bds_long.csv.gz")), &[]);
    assert!(again.contains("has 0 added, 0 changed"), "{again}");
}

#[tokio::test]
async fn the_dictionary_the_neighbours_and_the_la_list_import_whole() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (store, _) = fresh_store(&directory).await;
    let (_, dictionary) = independent(&format!("{LAIT}/lait_data_dictionary.csv"));
    assert_eq!(
        import(&store, &data(&format!("{LAIT}/lait_data_dictionary.csv")), false)
            .await
            .added,
        dictionary.len()
    );
    for edition in ["may_2025", "april_2021"] {
        let path = format!("{LAIT}/statistical_neighbours_{edition}.csv");
        let (headers, rows) = independent(&path);
        let neighbours = rows
            .iter()
            .flat_map(|row| {
                headers
                    .iter()
                    .zip(row)
                    .filter(|(header, value)| header.starts_with("SN") && !header.contains('_') && *value != "-")
            })
            .count();
        let summary = import(&store, &data(&path), false).await;
        assert_eq!(
            (summary.added, summary.changed),
            (neighbours, 0),
            "{path}: an edition of its own"
        );
    }
    let (headers, rows) = independent(&format!("{LAIT}/la_code_list.csv"));
    let region = headers.iter().position(|header| header == "Region").expect("Region");
    let authorities = rows.iter().filter(|row| !row[region].is_empty()).count();
    assert_eq!(
        import(&store, &data(&format!("{LAIT}/la_code_list.csv")), false)
            .await
            .added,
        authorities
    );
}

#[test]
fn a_neighbours_table_without_its_edition_in_its_name_is_refused() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let copy = directory.path().join("neighbours.csv");
    std::fs::copy(data(&format!("{LAIT}/statistical_neighbours_may_2025.csv")), &copy).expect("copied");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stride"))
        .args([
            "import",
            "--db",
            directory.path().join("n.sqlite").to_str().expect("utf-8"),
        ])
        .arg(&copy)
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("neighbours.csv: cannot be filed under a year and release"),
        "{said}"
    );
    assert!(said.contains("month and year of its edition"), "{said}");
}
