//! The performance tables' downloads, imported with the real `stride import` and read back with
//! the real `stride export figures`; the files are read here with the csv crate alone, and the
//! codes for missing values mapped by this test's own table, not the importer's.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use stride_core::{AcademicYear, Figure, Measure, PupilGroup, Release};

use crate::{data, fresh_store, import, import_stated};

const TABLES: &str = "performance_tables/2018-2019_LA850_Hampshire_LA936_Surrey";
const ENGLAND: &str = "performance_tables/2018-2019_england";

fn stride(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stride"))
        .args(arguments)
        .output()
        .expect("stride runs")
}

pub fn import_with(database: &str, file: &Path, extra: &[&str]) -> String {
    let mut arguments = vec!["import", "--db", database];
    arguments.extend_from_slice(extra);
    arguments.push(file.to_str().expect("utf-8"));
    let output = stride(&arguments);
    let said = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{} was imported: {said}", file.display());
    said
}

type Key = (String, String, String, String, String, String, String);

/// `stride export figures` as CSV, read back by (subject, code, phase group, year, measure,
/// pupil group, release), with the values superseded within a release left out.
pub fn exported(database: &str, history: bool) -> Vec<HashMap<String, String>> {
    let folder = tempfile::tempdir().expect("a folder for the export");
    let output_file = folder.path().join(if history { "history.csv" } else { "figures.csv" });
    let mut arguments = vec![
        "export",
        "figures",
        "--db",
        database,
        "--output",
        output_file.to_str().expect("utf-8"),
    ];
    if history {
        arguments.push("--history");
    }
    let output = stride(&arguments);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    records(csv::Reader::from_path(&output_file).expect("export readable"))
}

/// Every record of a CSV file, by its header's names.
pub fn records<R: std::io::Read>(mut reader: csv::Reader<R>) -> Vec<HashMap<String, String>> {
    let headers = reader.headers().expect("headers").clone();
    reader
        .records()
        .map(|record| {
            let record = record.expect("record");
            headers
                .iter()
                .map(str::to_owned)
                .zip(record.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

pub fn by_key(rows: &[HashMap<String, String>]) -> HashMap<Key, HashMap<String, String>> {
    rows.iter()
        .filter(|row| row["Superseded by"].is_empty())
        .map(|row| {
            let key = (
                row["Subject"].clone(),
                row["Code"].clone(),
                row["Phase group"].clone(),
                row["Academic year"].clone(),
                row["Measure"].clone(),
                row["Pupil group"].clone(),
                row["Release"].clone(),
            );
            (key, row.clone())
        })
        .collect()
}

/// A published file read with the csv crate alone: its header and rows, the byte-order mark
/// dropped.
pub fn independent(path: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = String::from_utf8_lossy(&std::fs::read(data(path)).expect("readable")).into_owned();
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .expect("headers")
        .iter()
        .map(|header| header.trim().to_owned())
        .collect();
    let rows = reader
        .records()
        .map(|record| {
            record
                .expect("record")
                .iter()
                .map(|field| field.trim().to_owned())
                .collect()
        })
        .collect();
    (headers, rows)
}

/// This test's own reading of the DfE's codes for a missing value.
fn reason_for(code: &str) -> Option<&'static str> {
    Some(match code {
        "SUPP" | "SP" => "suppressed",
        "NE" => "no-pupils",
        "NA" => "not-applicable",
        "NP" => "not-published",
        "LOWCOV" => "low-coverage",
        "" => "blank",
        _ => return None,
    })
}

/// The exported figure is the published one: the same number, or the reason for the code.
pub fn assert_same(published: &str, exported: &HashMap<String, String>, context: &str) {
    let number = published.strip_suffix('%').unwrap_or(published);
    match number.parse::<f64>() {
        Ok(value) => {
            let held: f64 = exported["Value"]
                .parse()
                .unwrap_or_else(|_| panic!("{context}: a value"));
            assert_eq!(held, value, "{context}");
            assert_eq!(exported["Missing reason"], "", "{context}");
        }
        Err(_) => {
            let reason = reason_for(published).unwrap_or_else(|| panic!("{context}: unknown code '{published}'"));
            assert_eq!(exported["Missing reason"], reason, "{context}");
        }
    }
}

/// Which rows of a file are schools, LAs and England.
enum Rows {
    /// Results files: by RECTYPE.
    RecordTypes {
        school: [&'static str; 2],
        local_authority: &'static str,
        england: &'static str,
    },
    /// The census and absence: national rows carry NAT and a phase.
    NationalOrSchool,
}

const KS2_ROWS: Rows = Rows::RecordTypes {
    school: ["1", "2"],
    local_authority: "3",
    england: "5",
};
const KS4_ROWS: Rows = Rows::RecordTypes {
    school: ["1", "2"],
    local_authority: "4",
    england: "7",
};

struct Case {
    path: String,
    arguments: &'static [&'static str],
    year: &'static str,
    release: &'static str,
    rows: Rows,
    /// Published column, measure code, pupil group code.
    checks: &'static [(&'static str, &'static str, &'static str)],
}

const KS4_CHECKS: &[(&str, &str, &str)] = &[
    ("ATT8SCR", "ks4-attainment-8", "all"),
    ("P8MEA", "ks4-progress-8", "all"),
    ("PTL2BASICS_94", "ks4-english-maths-4", "all"),
];

const KS4_FINAL_CHECKS: &[(&str, &str, &str)] = &[
    ("ATT8SCR", "ks4-attainment-8", "all"),
    ("P8MEA", "ks4-progress-8", "all"),
    ("PTL2BASICS_94", "ks4-english-maths-4", "all"),
    ("ATT8SCR_FSM6CLA1A", "ks4-attainment-8", "disadvantaged"),
    ("P8MEA_BOYS", "ks4-progress-8", "boys"),
    ("PTNOTFSM6CLA1ABASICS_94", "ks4-english-maths-4", "not-disadvantaged"),
];

const KS2_CHECKS: &[(&str, &str, &str)] = &[
    ("PTRWM_EXP", "ks2-rwm-expected", "all"),
    ("READPROG", "ks2-reading-progress", "all"),
    ("WRITPROG", "ks2-writing-progress", "all"),
    ("MATPROG", "ks2-maths-progress", "all"),
    ("PTRWM_EXP_G", "ks2-rwm-expected", "girls"),
    ("MATPROG_FSM6CLA1A", "ks2-maths-progress", "disadvantaged"),
];

fn cases() -> Vec<Case> {
    vec![
        Case {
            path: format!("{ENGLAND}/england_ks4provisional.csv"),
            arguments: &["--year", "2018/19"],
            year: "2018/19",
            release: "provisional",
            rows: KS4_ROWS,
            checks: KS4_CHECKS,
        },
        Case {
            path: format!("{TABLES}/2018-2019_936_ks4final.csv"),
            arguments: &[],
            year: "2018/19",
            release: "final",
            rows: KS4_ROWS,
            checks: KS4_FINAL_CHECKS,
        },
        Case {
            path: format!("{TABLES}/2017-2018_850_ks4final.csv"),
            arguments: &[],
            year: "2017/18",
            release: "final",
            rows: KS4_ROWS,
            checks: KS4_FINAL_CHECKS,
        },
        Case {
            path: format!("{TABLES}/2018-850-ks2.csv"),
            arguments: &["--release", "final"],
            year: "2018/19",
            release: "final",
            rows: KS2_ROWS,
            checks: KS2_CHECKS,
        },
        Case {
            path: format!("{TABLES}/2018-936-ks2.csv"),
            arguments: &["--release", "final"],
            year: "2018/19",
            release: "final",
            rows: KS2_ROWS,
            checks: KS2_CHECKS,
        },
        Case {
            path: format!("{ENGLAND}/england_census.csv"),
            arguments: &["--year", "2018/19"],
            year: "2018/19",
            release: "final",
            rows: Rows::NationalOrSchool,
            checks: &[
                ("NOR", "pupils-on-roll", "all"),
                ("NORB", "pupils-on-roll", "boys"),
                ("NUMFSMEVER", "pupils-on-roll", "disadvantaged"),
                ("TSENELK", "pupils-on-roll", "sen-support"),
                ("TSENELSE", "pupils-on-roll", "ehc-plan"),
                ("NUMEAL", "pupils-on-roll", "eal"),
            ],
        },
        Case {
            // The tables of 2018/19 carry the absence of 2017/18.
            path: format!("{ENGLAND}/england_abs.csv"),
            arguments: &["--year", "2018/19"],
            year: "2017/18",
            release: "final",
            rows: Rows::NationalOrSchool,
            checks: &[
                ("PERCTOT", "overall-absence", "all"),
                ("PPERSABS10", "persistent-absence", "all"),
            ],
        },
    ]
}

/// The exported subject (kind, code, phase group) a published row is about, if any.
fn subject_of(rows: &Rows, column: &HashMap<&str, usize>, row: &[String]) -> Option<(String, String, String)> {
    let field = |name: &str| row.get(column[name]).cloned().unwrap_or_default();
    match rows {
        Rows::RecordTypes {
            school,
            local_authority,
            england,
        } => {
            let record_type = field("RECTYPE");
            if school.contains(&record_type.as_str()) {
                Some(("school".into(), field("URN"), "all".into()))
            } else if record_type == *local_authority {
                Some(("la".into(), field("LEA"), "all".into()))
            } else if record_type == *england {
                Some(("england".into(), "E92000001".into(), "all".into()))
            } else {
                None
            }
        }
        Rows::NationalOrSchool => {
            if field("URN") == "NAT" || field("LA") == "NAT" {
                let phase = match field("ESTAB").as_str() {
                    "PRI" => "primary",
                    "SEC" => "secondary",
                    _ => "special",
                };
                Some(("england".into(), "E92000001".into(), phase.into()))
            } else {
                Some(("school".into(), field("URN"), "all".into()))
            }
        }
    }
}

#[test]
fn every_performance_tables_file_reads_back_as_published() {
    let directory = tempfile::tempdir().expect("temporary directory");
    for (number, case) in cases().iter().enumerate() {
        let database = stride_store::scratch::database(directory.path(), &format!("case-{number}"));
        import_with(&database, &data(&case.path), case.arguments);
        let held = by_key(&exported(&database, false));
        let (headers, rows) = independent(&case.path);
        let column: HashMap<&str, usize> = headers
            .iter()
            .enumerate()
            .map(|(index, name)| (name.as_str(), index))
            .collect();
        let mut schools = HashSet::new();
        let mut compared = 0;
        for row in &rows {
            let Some((kind, code, phase)) = subject_of(&case.rows, &column, row) else {
                continue;
            };
            if kind == "school" {
                schools.insert(code.clone());
            }
            for (published_column, measure, group) in case.checks {
                let key = (
                    kind.clone(),
                    code.clone(),
                    phase.clone(),
                    case.year.to_owned(),
                    (*measure).to_owned(),
                    (*group).to_owned(),
                    case.release.to_owned(),
                );
                let context = format!("{}: {key:?}", case.path);
                let exported = held.get(&key).unwrap_or_else(|| panic!("{context} is held"));
                // The DfE publishes some rows short: the fields they lack are blank.
                let published = row.get(column[published_column]).map_or("", String::as_str);
                assert_same(published, exported, &context);
                compared += 1;
            }
        }
        let (headline_measure, headline_group) = (case.checks[0].1, case.checks[0].2);
        let held_schools: HashSet<&String> = held
            .keys()
            .filter(|key| key.0 == "school" && key.4 == headline_measure && key.5 == headline_group)
            .map(|key| &key.1)
            .collect();
        assert_eq!(
            held_schools.len(),
            schools.len(),
            "{}: every school row is held",
            case.path
        );
        assert!(compared >= schools.len(), "{}: compared {compared}", case.path);
    }
}

#[tokio::test]
async fn the_reference_files_import_whole() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (store, _) = fresh_store(&directory).await;
    for path in [
        format!("{ENGLAND}/la_and_region_codes_meta.csv"),
        format!("{TABLES}/ks2_meta_2018-2019.csv"),
        format!("{TABLES}/2018_2019_ks4_final_meta.csv"),
    ] {
        let (_, rows) = independent(&path);
        let first = import(&store, &data(&path), false).await;
        assert_eq!(first.added, rows.len(), "{path}");
        let again = import(&store, &data(&path), false).await;
        assert_eq!(
            (again.added, again.changed, again.unchanged),
            (0, 0, rows.len()),
            "{path}"
        );
    }
}

/// Every column Stride reads is one the published dictionary describes as that measure.
#[test]
fn the_columns_stride_reads_mean_what_the_dictionaries_say() {
    let describe = |path: &str| -> HashMap<String, String> {
        let (headers, rows) = independent(path);
        let name = headers
            .iter()
            .position(|header| header == "Metafile heading" || header == "Field Name");
        let name = name.expect("a column of names");
        rows.iter()
            .map(|row| (row[name].clone(), row[name + 1].to_lowercase()))
            .collect()
    };
    let ks4 = describe(&format!("{TABLES}/2018_2019_ks4_final_meta.csv"));
    let ks2 = describe(&format!("{TABLES}/ks2_meta_2018-2019.csv"));
    let words = |measure: Measure| match measure {
        Measure::Ks4Attainment8 => "attainment 8",
        Measure::Ks4Progress8 => "progress 8",
        Measure::Ks4EnglishMathsGrade4 => "english and mathematics",
        Measure::Ks2ReadingWritingMathsExpected => "expected standard in reading, writing and maths",
        Measure::Ks2ReadingProgress => "reading progress",
        Measure::Ks2WritingProgress => "writing progress",
        Measure::Ks2MathsProgress => "maths progress",
        other => panic!("no dictionary words for {other:?}"),
    };
    let group_words = |group: PupilGroup| match group {
        PupilGroup::All => None,
        PupilGroup::Disadvantaged => Some("disadvantaged"),
        PupilGroup::NotDisadvantaged => Some("non-disadvantaged"),
        PupilGroup::Boys => Some("boy"),
        PupilGroup::Girls => Some("girl"),
        PupilGroup::EnglishAdditionalLanguage => Some("eal"),
        other => panic!("no dictionary words for {other:?}"),
    };
    for (dictionary, columns) in [
        (&ks4, stride_ingest::performance::KS4_COLUMNS),
        (&ks2, stride_ingest::performance::KS2_COLUMNS),
    ] {
        for column in columns {
            let description = dictionary
                .get(column.column)
                .unwrap_or_else(|| panic!("{} is in the dictionary", column.column));
            let description = description
                .replace("maths gcses", "mathematics")
                .replace("gcse english and maths", "english and mathematics");
            assert!(
                description.contains(words(column.measure)),
                "{}: {description}",
                column.column
            );
            if let Some(group) = group_words(column.group) {
                let group_word = if group == "non-disadvantaged" && column.column.contains("NotFSM") {
                    "non-disadvantaged"
                } else {
                    group
                };
                let eal = group_word == "eal" && description.contains("additional language");
                assert!(
                    description.contains(group_word) || description.contains("not disadvantaged") || eal,
                    "{}: {description}",
                    column.column
                );
            }
            if let Some(cohort) = column.cohort {
                assert!(
                    dictionary.get(cohort).is_some_and(|text| text.contains("number")),
                    "{cohort}"
                );
            }
        }
    }
}

fn ks4_provisional() -> PathBuf {
    data(&format!("{ENGLAND}/england_ks4provisional.csv"))
}

fn ks4_final_936() -> PathBuf {
    data(&format!("{TABLES}/2018-2019_936_ks4final.csv"))
}

fn stated_2018() -> stride_ingest::Stated {
    stride_ingest::Stated {
        year: Some(AcademicYear::starting(2018)),
        release: None,
    }
}

/// A Surrey school open in 2021 whose provisional and final Attainment 8 both have a value, and
/// differ.
fn a_school_revised_between_releases() -> (String, f64, f64) {
    let (headers, rows) = independent("gias/2021_936_gias.csv");
    let urn_column = headers.iter().position(|header| header == "URN").expect("URN");
    let open_in_2021: HashSet<String> = rows.iter().map(|row| row[urn_column].clone()).collect();
    let values = |path: &str| -> HashMap<String, String> {
        let (headers, rows) = independent(path);
        let (urn, attainment) = (
            headers.iter().position(|header| header == "URN").expect("URN"),
            headers.iter().position(|header| header == "ATT8SCR").expect("ATT8SCR"),
        );
        rows.iter()
            .map(|row| (row[urn].clone(), row.get(attainment).cloned().unwrap_or_default()))
            .collect()
    };
    let provisional = values(&format!("{ENGLAND}/england_ks4provisional.csv"));
    let final_values = values(&format!("{TABLES}/2018-2019_936_ks4final.csv"));
    let mut revised: Vec<(String, f64, f64)> = final_values
        .iter()
        .filter(|(urn, _)| open_in_2021.contains(*urn))
        .filter_map(|(urn, final_value)| {
            let early: f64 = provisional.get(urn)?.parse().ok()?;
            let late: f64 = final_value.parse().ok()?;
            (early != late).then(|| (urn.clone(), early, late))
        })
        .collect();
    revised.sort_by(|a, b| a.0.cmp(&b.0));
    revised.into_iter().next().expect("a school revised between releases")
}

#[tokio::test]
async fn a_final_release_supersedes_the_provisional_and_the_history_stays() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (store, database) = fresh_store(&directory).await;
    import(&store, &data("gias/2021_936_gias.csv"), false).await;
    import_stated(&store, &ks4_provisional(), stated_2018(), false).await;
    let final_summary = import(&store, &ks4_final_936(), false).await;
    assert!(final_summary.superseded_earlier_release > 0, "{final_summary:?}");

    let (urn, provisional, final_value) = a_school_revised_between_releases();
    let year = crate::attainment_8_in_2018(&store, &urn).await;
    assert_eq!(
        (year.school, year.release),
        (Figure::Value(final_value), Some(Release::Final))
    );

    let held = by_key(&exported(&database, false));
    let key = |release: &str| {
        (
            "school".to_owned(),
            urn.clone(),
            "all".to_owned(),
            "2018/19".to_owned(),
            "ks4-attainment-8".to_owned(),
            "all".to_owned(),
            release.to_owned(),
        )
    };
    assert_eq!(
        held[&key("provisional")]["Value"].parse::<f64>().ok(),
        Some(provisional)
    );
    assert_eq!(held[&key("final")]["Value"].parse::<f64>().ok(), Some(final_value));
    assert_eq!(held[&key("final")]["Source"], "2018-2019_936_ks4final.csv");
    assert_eq!(held[&key("final")]["Source file SHA-256"].len(), 64);
}

#[tokio::test]
async fn a_corrected_file_of_the_same_release_keeps_the_value_it_replaces() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (store, database) = fresh_store(&directory).await;
    import(&store, &ks4_final_936(), false).await;
    let (urn, _, final_value) = a_school_revised_between_releases();
    let original = std::fs::read_to_string(ks4_final_936()).expect("readable");
    let corrected_value = final_value + 1.0;
    let corrected = rewrite(&original, |_, record| {
        if record[3] == urn {
            let attainment = 60;
            assert_eq!(record[attainment].parse::<f64>().ok(), Some(final_value));
            record[attainment] = corrected_value.to_string();
        }
    });
    let copy = directory.path().join("2018-2019_936_ks4final-corrected.csv");
    std::fs::write(&copy, corrected).expect("written");
    let summary = import(&store, &copy, false).await;
    assert_eq!((summary.added, summary.changed), (0, 1), "{summary:?}");

    let history = exported(&database, true);
    let mine: Vec<&HashMap<String, String>> = history
        .iter()
        .filter(|row| row["Code"] == urn && row["Measure"] == "ks4-attainment-8" && row["Pupil group"] == "all")
        .collect();
    assert_eq!(mine.len(), 2, "{mine:?}");
    let current = mine
        .iter()
        .find(|row| row["Superseded by"].is_empty())
        .expect("current");
    let replaced = mine
        .iter()
        .find(|row| !row["Superseded by"].is_empty())
        .expect("replaced");
    assert_eq!(current["Value"].parse::<f64>().ok(), Some(corrected_value));
    assert_eq!(replaced["Value"].parse::<f64>().ok(), Some(final_value));
    assert_eq!(replaced["Superseded by"], "2018-2019_936_ks4final-corrected.csv");
}

#[tokio::test]
async fn a_second_import_changes_nothing_and_schools_not_held_are_reported() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (store, _) = fresh_store(&directory).await;
    let census = data(&format!("{ENGLAND}/england_census.csv"));
    let dry = import_stated(&store, &census, stated_2018(), true).await;
    let first = import_stated(&store, &census, stated_2018(), false).await;
    assert_eq!(dry.added, first.added, "a dry run says what would be written");
    let (headers, rows) = independent(&format!("{ENGLAND}/england_census.csv"));
    let urn = headers.iter().position(|header| header == "URN").expect("URN");
    let schools: HashSet<&String> = rows.iter().map(|row| &row[urn]).filter(|urn| *urn != "NAT").collect();
    assert_eq!(
        first.schools_not_held,
        schools.len(),
        "no establishment file was imported"
    );
    // Each row's pupils on roll: all, boys, girls, disadvantaged, SEN support, EHC plan, EAL.
    let figures_per_row = 7;
    assert_eq!(
        first.added,
        rows.len() * figures_per_row,
        "the roll and its groups, per row"
    );
    let again = import_stated(&store, &census, stated_2018(), false).await;
    assert_eq!(
        (again.added, again.changed, again.unchanged),
        (0, 0, rows.len() * figures_per_row)
    );
    assert!(again.previously_imported_at.is_some());
}

/// The text of a CSV file with some of its records changed, written back with the csv crate (the
/// header is record 0).
pub fn rewrite(text: &str, mut change: impl FnMut(usize, &mut Vec<String>)) -> String {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    for (index, record) in reader.records().enumerate() {
        let mut fields: Vec<String> = record.expect("record").iter().map(str::to_owned).collect();
        change(index, &mut fields);
        writer.write_record(&fields).expect("written");
    }
    String::from_utf8(writer.into_inner().expect("flushed")).expect("utf-8")
}

/// Runs `stride import` on a corrupted copy of a KS4 download; checks it failed and wrote
/// nothing, and returns what it said.
fn refused(directory: &tempfile::TempDir, name: &str, corrupt: impl Fn(&str) -> String) -> String {
    let original = std::fs::read_to_string(ks4_final_936()).expect("readable");
    let copy = directory.path().join(name);
    std::fs::write(&copy, corrupt(&original)).expect("written");
    let database = stride_store::scratch::database(directory.path(), name);
    let output = stride(&["import", "--db", &database, copy.to_str().expect("utf-8")]);
    assert!(!output.status.success(), "{name} was refused");
    assert!(exported(&database, true).is_empty(), "{name}: nothing was written");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_corrupted_results_file_is_refused_whole_with_its_location() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (headers, _) = independent(&format!("{TABLES}/2018-2019_936_ks4final.csv"));
    let attainment = headers.iter().position(|header| header == "ATT8SCR").expect("ATT8SCR");

    let bad_number = refused(&directory, "2018-2019_936_ks4final-bad.csv", |text| {
        rewrite(text, |index, record| {
            if index == 9 {
                record[attainment] = "4x.1".to_owned();
            }
        })
    });
    assert!(bad_number.contains("refused, nothing was imported"), "{bad_number}");
    assert!(
        bad_number.contains("row 10, column ATT8SCR: '4x.1' is not a figure from 0 to 90"),
        "{bad_number}"
    );

    let missing_column = refused(&directory, "2018-2019_936_ks4final-missing.csv", |text| {
        let (header, rest) = text.split_once('\n').expect("a header");
        let header: Vec<&str> = header
            .split(',')
            .map(|name| if name == "P8MEA" { "P8MEASURE" } else { name })
            .collect();
        format!("{}\n{rest}", header.join(","))
    });
    assert!(missing_column.contains("has no column 'P8MEA'"), "{missing_column}");

    let (_, rows) = independent(&format!("{TABLES}/2018-2019_936_ks4final.csv"));
    let last_row = rows.len() + 1;
    let truncated = refused(&directory, "2018-2019_936_ks4final-truncated.csv", |text| {
        rewrite(text, |index, record| {
            if index == last_row - 1 {
                record.truncate(attainment + 5);
            }
        })
    });
    assert!(
        truncated.contains(&format!(
            "row {last_row}, column P8MEA: '' is not a value: the row ends before this column"
        )),
        "{truncated}"
    );
}
