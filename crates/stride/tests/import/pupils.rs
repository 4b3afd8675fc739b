//! Pupil files as a school returns them: census returns and register marks. What `stride export
//! attendance` writes back is worked out again here from the marks, by the DfE's guidance on what
//! each code counts as, without Stride's code; a second import changes nothing; a bad file is
//! refused whole, naming the row and column, and never repeating a child's details.

use std::collections::HashMap;
use std::process::Command;

use stride_core::pupils::Upn;

use super::{fresh_store, import};

/// Each code as the guidance counts it: present, an approved educational activity (which is
/// attendance), authorised or unauthorised absence, or not a possible session.
fn counted_as(code: &str) -> &'static str {
    match code {
        "/" | "\\" | "L" => "present",
        "K" | "V" | "P" | "W" | "B" | "J" => "activity",
        "C" | "C1" | "C2" | "E" | "H" | "I" | "M" | "R" | "S" | "T" | "J1" => "authorised",
        "G" | "N" | "O" | "U" => "unauthorised",
        "D" | "Q" | "X" | "Y" | "Y1" | "Y2" | "Y3" | "Y4" | "Y5" | "Y6" | "Y7" | "Z" | "#" => "not possible",
        other => panic!("no such code {other}"),
    }
}

fn upn(serial: u32) -> Upn {
    Upn::with_check_letter(&format!("99020012{serial:04}")).expect("a valid UPN")
}

const SCHOOL: u32 = 914_001;

fn census_csv() -> String {
    let mut text = String::from(
        "CensusDate,URN,UPN,Surname,Forename,DOB,Gender,NCyearActual,FSMeligible,EVERFSM_6,SENprovision,LookedAfter\n",
    );
    for serial in 0..6 {
        text.push_str(&format!(
            "2024-10-03,{SCHOOL},{},Pupil,Number{serial},2016-0{}-11,{},3,{},{},{},{}\n",
            upn(serial),
            serial + 1,
            if serial % 2 == 0 { "F" } else { "M" },
            u8::from(serial % 3 == 0),
            u8::from(serial % 3 == 0),
            if serial == 4 { "K" } else { "N" },
            u8::from(serial == 5),
        ));
    }
    text
}

/// Marks across both code sets: summer 2024 in the earlier one, autumn 2024 in the new, with
/// each pupil's own pattern of absence.
fn marks_csv() -> String {
    let before = ["/", "\\", "H", "J", "N", "I", "Y", "L", "O", "M"];
    let after = ["/", "\\", "K", "C2", "J1", "N", "Y1", "L", "G", "I", "#", "D", "U", "B"];
    let mut text = String::from("UPN,URN,Date,Session,Mark\n");
    for serial in 0..6u32 {
        for (index, day) in ["2024-06-10", "2024-06-11", "2024-06-12", "2024-06-13", "2024-06-14"]
            .iter()
            .enumerate()
        {
            for (offset, session) in ["AM", "PM"].iter().enumerate() {
                let code = if serial == 0 {
                    ["/", "\\"][offset]
                } else {
                    before[(serial as usize * 3 + index * 2 + offset) % before.len()]
                };
                text.push_str(&format!("{},{SCHOOL},{day},{session},{code}\n", upn(serial)));
            }
        }
        for day in 9..=27 {
            for (offset, session) in ["AM", "PM"].iter().enumerate() {
                // Pupil 0 attends throughout; the others miss more the higher their number.
                let code = if serial == 0 {
                    if offset == 0 { "/" } else { "\\" }
                } else {
                    after[(serial as usize * 5 + day * 3 + offset) % (after.len() - 6 + serial as usize)]
                };
                text.push_str(&format!("{},{SCHOOL},2024-09-{day:02},{session},{code}\n", upn(serial)));
            }
        }
    }
    text
}

#[derive(Debug, Default, PartialEq, Eq, Clone, Copy)]
struct Sessions {
    possible: u64,
    attended: u64,
    authorised: u64,
    unauthorised: u64,
}

/// Each pupil's sessions in an academic year, from the marks file as the guidance counts them.
fn expected(marks: &str, year_starting: i32) -> HashMap<String, Sessions> {
    let mut sessions: HashMap<String, Sessions> = HashMap::new();
    for line in marks.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let date: chrono::NaiveDate = fields[2].parse().expect("a date");
        let starts = if chrono::Datelike::month(&date) >= 9 {
            chrono::Datelike::year(&date)
        } else {
            chrono::Datelike::year(&date) - 1
        };
        if starts != year_starting {
            continue;
        }
        let pupil = sessions.entry(fields[0].to_owned()).or_default();
        match counted_as(fields[4]) {
            "not possible" => continue,
            "present" | "activity" => pupil.attended += 1,
            "authorised" => pupil.authorised += 1,
            _ => pupil.unauthorised += 1,
        }
        pupil.possible += 1;
    }
    sessions
}

fn exported(database: &str, year: i32) -> HashMap<String, (Sessions, bool, bool)> {
    let output = Command::new(env!("CARGO_BIN_EXE_stride"))
        .args([
            "export",
            "attendance",
            "--db",
            database,
            "--year",
            &year.to_string(),
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let records: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("json");
    records
        .iter()
        .map(|record| {
            let number = |name: &str| record[name].as_u64().unwrap_or_else(|| panic!("{name} in {record}"));
            (
                record["upn"].as_str().expect("upn").to_owned(),
                (
                    Sessions {
                        possible: number("possible_sessions"),
                        attended: number("sessions_attended"),
                        authorised: number("authorised_absence"),
                        unauthorised: number("unauthorised_absence"),
                    },
                    record["persistent_absence"].as_bool().expect("flag"),
                    record["severe_absence"].as_bool().expect("flag"),
                ),
            )
        })
        .collect()
}

fn write(directory: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = directory.path().join(name);
    std::fs::write(&path, text).expect("written");
    path
}

#[tokio::test]
async fn attendance_reads_back_as_the_guidance_counts_each_mark_and_a_second_import_changes_nothing() {
    let directory = tempfile::tempdir().expect("a folder");
    let (store, database) = fresh_store(&directory).await;
    let census = write(&directory, "autumn-census.csv", &census_csv());
    let marks_text = marks_csv();
    let marks = write(&directory, "register-marks.csv", &marks_text);
    let first = import(&store, &census, false).await;
    assert_eq!((first.added, first.changed), (6, 0));
    let first = import(&store, &marks, false).await;
    assert_eq!(
        first.added, 12,
        "a year of marks for each of six pupils in each of two years"
    );
    for year in [2023, 2024] {
        let expected = expected(&marks_text, year);
        let exported = exported(&database, year);
        assert_eq!(exported.len(), 6);
        for (upn, (sessions, persistent, severe)) in &exported {
            let wanted = expected[upn];
            assert_eq!(*sessions, wanted, "{upn} in {year}");
            let absent = wanted.authorised + wanted.unauthorised;
            assert_eq!(
                *persistent,
                absent * 10 >= wanted.possible,
                "{upn}: {absent} of {}",
                wanted.possible
            );
            assert_eq!(*severe, absent * 2 >= wanted.possible, "{upn}");
        }
        assert!(
            exported.values().any(|(_, persistent, _)| *persistent),
            "some pupil is persistently absent"
        );
        assert!(exported.values().any(|(_, persistent, _)| !*persistent), "and some not");
    }
    let before = exported(&database, 2024);
    for path in [&census, &marks] {
        let again = import(&store, path, false).await;
        assert_eq!((again.added, again.changed), (0, 0), "{}", path.display());
        assert!(again.previously_imported_at.is_some());
    }
    assert_eq!(exported(&database, 2024), before);
}

#[tokio::test]
async fn a_later_census_moves_a_pupil_and_keeps_the_first_return() {
    let directory = tempfile::tempdir().expect("a folder");
    let (store, _) = fresh_store(&directory).await;
    import(&store, &write(&directory, "autumn.csv", &census_csv()), false).await;
    let moved = census_csv().replace("2024-10-03", "2025-01-16").replacen(
        &format!("{SCHOOL},{}", upn(1)),
        &format!("914002,{}", upn(1)),
        1,
    );
    let spring = import(&store, &write(&directory, "spring.csv", &moved), false).await;
    assert_eq!(spring.added, 6, "a new return for each pupil");
    let pupils = store.pupils(stride_store::PupilFilter::All).await.expect("reads");
    let moved = pupils.iter().find(|pupil| pupil.upn == upn(1)).expect("held");
    let placements = moved.placements();
    assert_eq!(placements.len(), 2, "{placements:?}");
    assert_eq!(placements[1].urn.get(), 914_002);
    assert_eq!(moved.returns.len(), 2);
}

fn refusal(directory: &tempfile::TempDir, database: &str, name: &str, text: &str) -> String {
    let path = write(directory, name, text);
    let output = Command::new(env!("CARGO_BIN_EXE_stride"))
        .args(["import", "--db", database, path.to_str().expect("utf-8")])
        .output()
        .expect("runs");
    assert!(!output.status.success(), "{name} should be refused");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn a_bad_pupil_file_is_refused_whole_naming_the_place_but_not_the_child() {
    let directory = tempfile::tempdir().expect("a folder");
    let (store, database) = fresh_store(&directory).await;
    let census = census_csv();
    // A UPN with a wrong check letter on the fourth data row (row 5 of the file).
    let wrong = upn(3).as_str().replacen(
        &upn(3).as_str()[..1],
        if upn(3).as_str().starts_with('A') { "B" } else { "A" },
        1,
    );
    let bad_upn = census.replace(upn(3).as_str(), &wrong);
    let error = refusal(&directory, &database, "bad-upn.csv", &bad_upn);
    assert!(
        error.contains("bad-upn.csv") && error.contains("row 5, column UPN"),
        "{error}"
    );
    assert!(!error.contains(&wrong[1..]), "the UPN is not repeated: {error}");
    let missing = census.replace(",NCyearActual", ",Year");
    let error = refusal(&directory, &database, "no-year.csv", &missing);
    assert!(
        error.contains("no-year.csv") && error.contains("NCyearActual"),
        "{error}"
    );
    assert!(
        store
            .pupils(stride_store::PupilFilter::All)
            .await
            .expect("reads")
            .is_empty(),
        "nothing written"
    );
    // Marks for children no census has returned are refused: marks do not say who a child is.
    let error = refusal(&directory, &database, "marks-first.csv", &marks_csv());
    assert!(error.contains("import the census returns first"), "{error}");
    import(&store, &write(&directory, "census.csv", &census), false).await;
    let marks = marks_csv();
    let truncated: String =
        marks.lines().take(40).collect::<Vec<_>>().join("\n") + "\n" + &upn(2).to_string() + ",914001,2024-09-30\n";
    let error = refusal(&directory, &database, "truncated.csv", &truncated);
    assert!(
        error.contains("truncated.csv") && error.contains("row 41") && error.contains("cut short"),
        "{error}"
    );
    let bad_code = marks.replacen(",AM,K", ",AM,A", 1);
    let error = refusal(&directory, &database, "bad-code.csv", &bad_code);
    assert!(
        error.contains("column Mark: 'A'") && error.contains("attendance codes"),
        "{error}"
    );
    let held = store
        .attendance_marks(
            stride_core::AcademicYear::starting(2024),
            stride_store::MarksOf::Everyone,
        )
        .await
        .expect("reads");
    assert!(held.is_empty(), "no marks were written by a refused file");
}

/// Termly totals for 2022/23, and for two terms of 2024/25: autumn 2024, whose marks are held,
/// and spring 2025, whose are not.
fn totals_csv() -> String {
    let mut text = String::from("UPN,URN,AcademicYear,Term,SessionsPossible,SessionsAuthorised,SessionsUnauthorised\n");
    for serial in 0..6u32 {
        for (term, possible) in [("Autumn", 140), ("Spring", 118), ("Summer", 126)] {
            text.push_str(&format!(
                "{},{SCHOOL},2022/23,{term},{possible},{},{}\n",
                upn(serial),
                serial * 3,
                serial * 2
            ));
        }
        text.push_str(&format!("{},{SCHOOL},2024/25,AUT,150,40,40\n", upn(serial)));
        text.push_str(&format!("{},{SCHOOL},2024/25,SPR,100,{serial},0\n", upn(serial)));
    }
    text
}

/// What the totals of a year give each pupil, added up here from the file's text.
fn totals_of(text: &str, year: &str, terms: &[&str]) -> HashMap<String, Sessions> {
    let mut sessions: HashMap<String, Sessions> = HashMap::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        if fields[2] != year || !terms.contains(&fields[3]) {
            continue;
        }
        let number = |index: usize| fields[index].parse::<u64>().expect("a number");
        let pupil = sessions.entry(fields[0].to_owned()).or_default();
        pupil.possible += number(4);
        pupil.authorised += number(5);
        pupil.unauthorised += number(6);
        pupil.attended += number(4) - number(5) - number(6);
    }
    sessions
}

#[tokio::test]
async fn termly_totals_fill_the_terms_without_marks_and_a_second_import_changes_nothing() {
    let directory = tempfile::tempdir().expect("a folder");
    let (store, database) = fresh_store(&directory).await;
    import(&store, &write(&directory, "census.csv", &census_csv()), false).await;
    let marks_text = marks_csv();
    import(&store, &write(&directory, "marks.csv", &marks_text), false).await;
    let text = totals_csv();
    let totals = write(&directory, "attendance-totals.csv", &text);
    let first = import(&store, &totals, false).await;
    assert_eq!(first.added, 30, "five terms for each of six pupils");

    let exported_2022 = exported(&database, 2022);
    let expected_2022 = totals_of(&text, "2022/23", &["Autumn", "Spring", "Summer"]);
    assert_eq!(exported_2022.len(), 6);
    for (upn, (sessions, persistent, _)) in &exported_2022 {
        assert_eq!(*sessions, expected_2022[upn], "{upn}");
        let absent = sessions.authorised + sessions.unauthorised;
        assert_eq!(*persistent, absent * 10 >= sessions.possible, "{upn}");
    }
    // 2024/25: the autumn from its marks, not its totals; the spring from its totals.
    let marked = expected(&marks_text, 2024);
    let spring = totals_of(&text, "2024/25", &["SPR"]);
    for (upn, (sessions, _, _)) in exported(&database, 2024) {
        let (autumn, spring) = (marked[&upn], spring[&upn]);
        assert_eq!(sessions.possible, autumn.possible + spring.possible, "{upn}");
        assert_eq!(
            sessions.unauthorised,
            autumn.unauthorised + spring.unauthorised,
            "{upn}"
        );
    }

    let again = import(&store, &totals, false).await;
    assert_eq!((again.added, again.changed), (0, 0));
    assert_eq!(exported(&database, 2022), exported_2022);
    let corrected = text.replacen("2022/23,Autumn,140,3,2", "2022/23,Autumn,140,4,2", 1);
    let corrected = import(&store, &write(&directory, "corrected.csv", &corrected), false).await;
    assert_eq!((corrected.added, corrected.changed, corrected.unchanged), (0, 1, 29));

    // A row missing more sessions than were possible is refused whole, naming its place.
    let impossible = text.replacen("2022/23,Spring,118,3,2", "2022/23,Spring,4,3,2", 1);
    let error = refusal(&directory, &database, "impossible.csv", &impossible);
    assert!(
        error.contains("impossible.csv") && error.contains("row 8") && error.contains("more than the 4 possible"),
        "{error}"
    );
    assert!(!error.contains(upn(1).as_str()), "the UPN is not repeated: {error}");
    let held = store
        .attendance_summaries(stride_store::MarksOf::Everyone)
        .await
        .expect("reads");
    assert_eq!(held.len(), 30, "nothing of the refused file is written");
}
