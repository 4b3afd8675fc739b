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
    let database = stride_store::scratch::database(directory.path(), "lait");
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
    // The parquet file LAIT publishes holds exactly what its gzipped CSV copy does.
    let parquet = import_with(&database, &data(&format!("{LAIT}/bds_long_0.parquet")), &[]);
    assert!(
        parquet.contains(&format!("has 0 added, 0 changed, {} left alone", rows.len())),
        "{parquet}"
    );
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
        let again = import(&store, &data(&path), false).await;
        assert_eq!(
            (again.added, again.changed, again.unchanged),
            (0, 0, neighbours),
            "{path} again: each neighbour found as held"
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
    let again = import(&store, &data(&format!("{LAIT}/la_code_list.csv")), false).await;
    assert_eq!(
        (again.added, again.changed, again.unchanged),
        (0, 0, authorities),
        "the LA list again: each LA found as held"
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
            &stride_store::scratch::database(directory.path(), "n"),
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

/// A Surrey secondary school's comparators come from LAIT: its LA's figure, its region's, and the
/// mean of Surrey's ten statistical neighbours in the May 2025 table, computed here from the files.
#[tokio::test]
async fn a_schools_comparators_are_its_la_region_and_statistical_neighbours_from_lait() {
    use stride_core::{Comparator, Figure};
    let directory = tempfile::tempdir().expect("temporary directory");
    let (store, _) = fresh_store(&directory).await;
    for path in [
        "gias/2021_936_gias.csv".to_owned(),
        "performance_tables/2018-2019_LA850_Hampshire_LA936_Surrey/2018-2019_936_ks4final.csv".to_owned(),
        format!("{LAIT}/bds_long.csv.gz"),
        format!("{LAIT}/statistical_neighbours_may_2025.csv"),
        format!("{LAIT}/la_code_list.csv"),
    ] {
        import(&store, &data(&path), false).await;
    }
    let attainment: HashMap<String, f64> = long_rows()
        .iter()
        .filter(|row| row["Short Desc"] == "AVG_Attain8_Score" && row["Years"] == "2019")
        .filter_map(|row| {
            let value = row["Values"].parse().ok()?;
            Some((row["LA and Regions"].clone(), value))
        })
        .collect();
    let numbers: HashMap<String, String> = long_rows()
        .iter()
        .map(|row| {
            (
                row["LA Number"].trim_end_matches(".0").to_owned(),
                row["LA and Regions"].clone(),
            )
        })
        .collect();
    let (headers, rows) = independent(&format!("{LAIT}/statistical_neighbours_may_2025.csv"));
    let surrey = rows.iter().find(|row| row[0] == "936").expect("Surrey's neighbours");
    let neighbour_values: Vec<f64> = headers
        .iter()
        .zip(surrey)
        .filter(|(header, _)| header.starts_with("SN") && !header.contains('_'))
        .filter_map(|(_, code)| attainment.get(&numbers[code.as_str()]).copied())
        .collect();
    let mean = neighbour_values.iter().sum::<f64>() / neighbour_values.len() as f64;

    let (gias_headers, gias_rows) = independent("gias/2021_936_gias.csv");
    let column = |name: &str| gias_headers.iter().position(|header| header == name).expect("column");
    let secondary = gias_rows
        .iter()
        .find(|row| row[column("PhaseOfEducation (name)")] == "Secondary")
        .expect("a Surrey secondary school");
    let year = crate::attainment_8_in_2018(&store, &secondary[column("URN")]).await;
    assert_eq!(
        year.comparator(Comparator::LocalAuthority),
        Some(Figure::Value(attainment["Surrey"]))
    );
    assert_eq!(
        year.comparator(Comparator::Region),
        Some(Figure::Value(attainment["South East"]))
    );
    let held = year
        .comparator(Comparator::StatisticalNeighbours)
        .and_then(Figure::value)
        .expect("a mean");
    assert!(
        (held - mean).abs() < 1e-9,
        "{held} against {mean} from {neighbour_values:?}"
    );
    assert_eq!(neighbour_values.len(), 10);
}
