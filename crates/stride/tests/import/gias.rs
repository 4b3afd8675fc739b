//! The GIAS establishment extracts and links file.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use stride_core::Urn;

use crate::{data, everyone, fresh_store, import};

const EXTRACTS: [&str; 2] = ["gias/2021_936_gias.csv", "gias/20220420_gias.csv"];
const LINKS: &str = "gias/links_edubasealldata20250422.csv";

/// The rows of a GIAS extract, read with the csv crate alone, by URN.
fn independent_rows(path: &str) -> HashMap<String, HashMap<String, String>> {
    let text = String::from_utf8_lossy(&std::fs::read(data(path)).expect("readable")).into_owned();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = reader.headers().expect("headers").iter().map(str::to_owned).collect();
    reader
        .records()
        .map(|record| {
            let record = record.expect("record");
            let row: HashMap<String, String> = headers.iter().cloned().zip(record.iter().map(str::to_owned)).collect();
            (row["URN"].clone(), row)
        })
        .collect()
}

/// dd-mm-yyyy as GIAS writes it, to the ISO date Stride holds.
fn iso(gias_date: &str) -> Option<String> {
    let parts: Vec<&str> = gias_date.split('-').collect();
    (parts.len() == 3).then(|| format!("{}-{}-{}", parts[2], parts[1], parts[0]))
}

#[tokio::test]
async fn every_establishment_in_the_extracts_is_held_as_the_file_states_it() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (store, _) = fresh_store(&directory).await;
    for path in EXTRACTS {
        import(&store, &data(path), false).await;
    }
    let older = independent_rows(EXTRACTS[0]);
    let newer = independent_rows(EXTRACTS[1]);
    let urns: HashSet<&String> = older.keys().chain(newer.keys()).collect();
    assert_eq!(store.establishment_count().await.expect("counts"), urns.len() as u64);

    let (mut checked, mut located) = (0, 0);
    for (urn, row) in newer
        .iter()
        .step_by(37)
        .chain(older.iter().filter(|(urn, _)| !newer.contains_key(*urn)).step_by(23))
    {
        let school = everyone()
            .visible_school(urn.parse::<Urn>().expect("URN"))
            .expect("in scope");
        let held = store
            .school_profile(school, 5)
            .await
            .expect("reads")
            .expect("held")
            .establishment;
        assert_eq!(held.name, row["EstablishmentName"], "{urn}");
        assert_eq!(held.la.to_string(), row["LA (code)"], "{urn}");
        let number = held.dfe_number.map(|number| number.to_string());
        let expected = (!row["EstablishmentNumber"].is_empty())
            .then(|| format!("{}/{}", row["LA (code)"], row["EstablishmentNumber"]));
        assert_eq!(number, expected, "{urn}");
        assert_eq!(
            held.opened_on.map(|date| date.to_string()),
            iso(&row["OpenDate"]),
            "{urn}"
        );
        assert_eq!(
            held.closed_on.map(|date| date.to_string()),
            iso(&row["CloseDate"]),
            "{urn}"
        );
        assert_eq!(
            held.statutory_high_age.map(|age| age.to_string()).unwrap_or_default(),
            row["StatutoryHighAge"],
            "{urn}"
        );
        assert_eq!(
            held.establishment_type.is_academy(),
            row["EstablishmentTypeGroup (name)"] == "Academies"
                || row["EstablishmentTypeGroup (name)"] == "Free Schools",
            "{urn}"
        );
        // Where the school is on the grid, as GIAS gives it; none where either is blank.
        let location = held
            .location
            .map(|at| (at.easting.to_string(), at.northing.to_string()));
        let expected = (!row["Easting"].is_empty() && !row["Northing"].is_empty())
            .then(|| (row["Easting"].clone(), row["Northing"].clone()));
        assert_eq!(location, expected, "{urn}");
        located += usize::from(expected.is_some());
        checked += 1;
    }
    assert!(checked > 40, "checked {checked}");
    assert!(located > 30, "located {located}");
}

#[tokio::test]
async fn a_second_import_changes_nothing_and_a_dry_run_writes_nothing() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (store, _) = fresh_store(&directory).await;
    let dry = import(&store, &data(EXTRACTS[1]), true).await;
    assert_eq!(dry.added, 1_096);
    assert_eq!(
        store.establishment_count().await.expect("counts"),
        0,
        "a dry run writes nothing"
    );

    let mut paths: Vec<PathBuf> = EXTRACTS.iter().map(|path| data(path)).collect();
    paths.push(data(LINKS));
    for path in &paths {
        import(&store, path, false).await;
    }
    let count = store.establishment_count().await.expect("counts");
    for path in &paths {
        let again = import(&store, path, false).await;
        assert_eq!((again.added, again.changed), (0, 0), "{}", path.display());
        assert!(again.previously_imported_at.is_some());
    }
    assert_eq!(store.establishment_count().await.expect("counts"), count);
    let older_again = import(&store, &data(EXTRACTS[0]), false).await;
    assert!(
        older_again.older_than_held > 0,
        "the 2021 extract does not undo the 2022 one"
    );
}

#[tokio::test]
async fn the_links_file_is_held_whole() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (store, _) = fresh_store(&directory).await;
    let summary = import(&store, &data(LINKS), false).await;
    let text = String::from_utf8_lossy(&std::fs::read(data(LINKS)).expect("readable")).into_owned();
    let rows = text.lines().skip(1).filter(|line| !line.trim().is_empty()).count();
    assert_eq!(summary.added + summary.changed + summary.unchanged, rows);
    assert_eq!(
        summary.links_to_establishments_not_held, rows,
        "no establishment is held yet, and every link is kept"
    );
}

#[tokio::test]
async fn a_gzipped_copy_imports_the_same() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (store, _) = fresh_store(&directory).await;
    let zipped = directory.path().join("2021_936_gias.csv.gz");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(&std::fs::read(data(EXTRACTS[0])).expect("readable"))
        .expect("compresses");
    std::fs::write(&zipped, encoder.finish().expect("finishes")).expect("written");
    assert_eq!(import(&store, &zipped, false).await.added, 590);
    assert_eq!(
        import(&store, &data(EXTRACTS[0]), false).await.unchanged,
        590,
        "the same records, whatever the packing"
    );
}

/// Runs the real `stride import` on a corrupted copy and returns what it said on stderr, after
/// checking that it failed and wrote nothing.
async fn refused(directory: &tempfile::TempDir, name: &str, corrupt: impl Fn(&str) -> String) -> String {
    refused_after(directory, &[], name, corrupt).await
}

/// As [`refused`], with `before` imported ahead of the corrupted copy in the same batch.
async fn refused_after(
    directory: &tempfile::TempDir,
    before: &[std::path::PathBuf],
    name: &str,
    corrupt: impl Fn(&str) -> String,
) -> String {
    let original = String::from_utf8_lossy(&std::fs::read(data(EXTRACTS[0])).expect("readable")).into_owned();
    let copy = directory.path().join(name);
    std::fs::write(&copy, corrupt(&original)).expect("written");
    let database = stride_store::scratch::database(directory.path(), name);
    let output = Command::new(env!("CARGO_BIN_EXE_stride"))
        .args(["import", "--db", &database])
        .args(before)
        .arg(&copy)
        .output()
        .expect("stride runs");
    assert!(!output.status.success(), "{name} was refused");
    let store = stride_store::open(&database).await.expect("opens");
    assert_eq!(
        store.establishment_count().await.expect("counts"),
        0,
        "{name}: nothing was written"
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn a_batch_with_a_refused_file_writes_nothing_of_the_files_before_it() {
    let directory = tempfile::tempdir().expect("temporary directory");
    // The good file comes first, so it is read and handed to the writer before the refusal.
    let said = refused_after(&directory, &[data(EXTRACTS[0])], "z-truncated.csv", |text| {
        let lines: Vec<&str> = text.lines().take(12).collect();
        format!("{}\n{}", lines.join("\n"), "100000,\"unfinished")
    })
    .await;
    assert!(said.contains("z-truncated.csv"), "the refusal names the file: {said}");
    let database = stride_store::scratch::database(directory.path(), "z-truncated.csv");
    let store = stride_store::open(&database).await.expect("opens");
    assert!(store.imports(10).await.expect("reads").is_empty(), "no import recorded");
}

#[tokio::test]
async fn a_corrupted_copy_is_refused_whole_with_its_location() {
    let directory = tempfile::tempdir().expect("temporary directory");

    let bad_number = refused(&directory, "bad-number.csv", |text| {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines[9] = lines[9].replacen(',', "X,", 1);
        lines.join("\n")
    })
    .await;
    assert!(
        bad_number.contains("bad-number.csv: refused, nothing was imported"),
        "{bad_number}"
    );
    assert!(bad_number.contains("row 10, column URN:"), "{bad_number}");
    assert!(bad_number.contains("is not a URN"), "{bad_number}");

    let missing_column = refused(&directory, "missing-column.csv", |text| {
        text.replacen("EstablishmentName", "Name", 1)
    })
    .await;
    assert!(
        missing_column.contains("missing-column.csv: has no column 'EstablishmentName'"),
        "{missing_column}"
    );

    let truncated = refused(&directory, "truncated.csv", |text| {
        let lines: Vec<&str> = text.lines().collect();
        let last = lines[lines.len() - 1];
        let cut: Vec<&str> = last.splitn(6, ',').take(5).collect();
        format!("{}\n{}\n", lines[..lines.len() - 1].join("\n"), cut.join(","))
    })
    .await;
    assert!(
        truncated.contains(&format!("row {}, column TypeOfEstablishment (name): '' is not", 591)),
        "{truncated}"
    );
}

#[tokio::test]
async fn a_schools_predecessors_and_successors_show_in_its_history() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (store, _) = fresh_store(&directory).await;
    import(&store, &data(EXTRACTS[1]), false).await;
    import(&store, &data(LINKS), false).await;
    let held = independent_rows(EXTRACTS[1]);
    let text = String::from_utf8_lossy(&std::fs::read(data(LINKS)).expect("readable")).into_owned();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let (urn, linked, link_type) = reader
        .records()
        .map(|record| record.expect("record"))
        .map(|record| (record[0].to_owned(), record[1].to_owned(), record[3].to_owned()))
        .find(|(urn, linked, _)| held.contains_key(urn) && held.contains_key(linked))
        .expect("a link between two held establishments");
    let school = everyone()
        .visible_school(urn.parse::<Urn>().expect("URN"))
        .expect("in scope");
    let profile = store.school_profile(school, 5).await.expect("reads").expect("held");
    let entry = profile
        .history
        .iter()
        .find(|entry| entry.link.linked_urn.to_string() == linked)
        .unwrap_or_else(|| panic!("{urn} links to {linked}"));
    assert!(entry.held);
    assert_eq!(entry.link.link_type, link_type);
}

#[tokio::test]
async fn the_spine_adds_the_schools_gias_has_not_given_and_leaves_gias_alone() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (store, _) = fresh_store(&directory).await;
    let gias_path = "gias/20220420_gias.csv";
    import(&store, &data(gias_path), false).await;
    let spine_path = "performance_tables/2017-2018_england/england_spine_2017-2018.csv";
    let summary = import(&store, &data(spine_path), false).await;
    let gias = independent_rows(gias_path);
    let spine: Vec<HashMap<String, String>> =
        crate::performance::records(csv::Reader::from_path(data(spine_path)).expect("readable"));
    let in_both = spine.iter().filter(|row| gias.contains_key(&row["URN"])).count();
    assert_eq!(summary.added, spine.len() - in_both);
    assert_eq!(summary.held_already, in_both);

    let held: HashMap<String, String> = store
        .school_list_rows(None)
        .await
        .expect("reads")
        .into_iter()
        .map(|row| (row.urn.to_string(), row.name))
        .collect();
    for row in &spine {
        let urn = &row["URN"];
        match gias.get(urn) {
            // The list shows schools that are not closed, as GIAS states them.
            Some(gias_row) if gias_row["EstablishmentStatus (name)"] != "Closed" => {
                assert_eq!(
                    held.get(urn),
                    Some(&gias_row["EstablishmentName"]),
                    "URN {urn}: GIAS's name stands"
                )
            }
            Some(_) => assert!(!held.contains_key(urn), "URN {urn} is closed in GIAS"),
            // ICLOSE 2 is closed.
            None if row["ICLOSE"] == "2" => assert!(!held.contains_key(urn), "URN {urn} is closed"),
            None => assert_eq!(held.get(urn), Some(&row["SCHNAME"]), "URN {urn}"),
        }
    }
    let again = import(&store, &data(spine_path), false).await;
    assert_eq!((again.added, again.changed), (0, 0));
}

#[tokio::test]
async fn an_la_set_up_after_its_schools_were_imported_takes_their_districts_as_localities() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (store, _) = fresh_store(&directory).await;
    import(&store, &data("la_level/lait/la_code_list.csv"), false).await;
    import(&store, &data("gias/2021_936_gias.csv"), false).await;
    assert!(
        store.localities().await.expect("reads").is_empty(),
        "no LA of its own yet"
    );

    let surrey = stride_core::LaCode::new(936).expect("valid code");
    let own = store
        .set_local_authority(surrey)
        .await
        .expect("sets")
        .expect("a known LA");
    assert_eq!(own.name, "Surrey");
    let rows = independent_rows("gias/2021_936_gias.csv");
    let listed = store.school_list_rows(Some(surrey)).await.expect("reads");
    assert!(!listed.is_empty());
    for school in &listed {
        let district = &rows[&school.urn.to_string()]["DistrictAdministrative (name)"];
        assert_eq!(&school.locality, district, "URN {}", school.urn);
    }
    let unknown = stride_core::LaCode::new(999).expect("valid code");
    assert!(
        store.set_local_authority(unknown).await.expect("runs").is_none(),
        "an LA Stride does not know"
    );
}
