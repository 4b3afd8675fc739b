//! Pupil records in the browser: each officer sees only the children of their scope, in pages,
//! searches, downloads and counts; every pupil read is in the audit log, which no one can edit;
//! and the counts shown to readers without pupil access give no small number away, not even by
//! subtraction.

use std::collections::{BTreeSet, HashMap};

use reqwest::StatusCode;
use stride_core::pupils::overlap::CountedPupil;
use stride_core::pupils::{AuditAction, Characteristic, Pupil};
use stride_core::suppression::{Relation, recoverable};
use stride_core::{SchoolScope, Urn};
use stride_store::PupilFilter;

mod common;
use common::*;

/// The characteristics the overlap page counts, in its order.
const COUNTED: [Characteristic; 8] = stride_core::pupils::overlap::VULNERABLE_GROUPS;

struct North {
    id: i64,
    patch: Vec<Urn>,
    caseload: BTreeSet<i64>,
}

impl North {
    fn sees(&self, pupil: &Pupil) -> bool {
        self.caseload.contains(&pupil.id)
            || pupil
                .latest_return()
                .is_some_and(|latest| self.patch.contains(&latest.urn))
    }
}

async fn north(store: &dyn stride_store::Store) -> North {
    let caseloads = store.caseloads().await.expect("reads");
    let id = caseloads.first().expect("the demo has a caseload").1;
    let account = store.account(id).await.expect("reads").expect("held");
    assert_eq!(account.username, stride_synth::INCLUSION_NORTH);
    let SchoolScope::Assigned(patch) = account.scope else {
        panic!("a patch")
    };
    North {
        id,
        patch,
        caseload: caseloads.iter().map(|(pupil, _)| *pupil).collect(),
    }
}

fn audited(entries: &[stride_core::pupils::AuditEntry], account: i64, action: AuditAction) -> Vec<i64> {
    entries
        .iter()
        .filter(|entry| entry.account_id == account && entry.action == action)
        .filter_map(|entry| entry.pupil_id)
        .collect()
}

#[tokio::test]
async fn an_officer_sees_only_the_pupils_of_their_scope_and_every_read_is_audited() {
    let directory = tempfile::tempdir().expect("a folder");
    let (database, store) = generated_database(&directory).await;
    let server = server_on(&database).await;
    let north = north(store.as_ref()).await;
    let pupils = store.pupils(PupilFilter::All).await.expect("reads");
    let school_of = |pupil: &Pupil| pupil.latest_return().map(|latest| latest.urn).expect("on roll");
    let on_caseload_elsewhere = pupils
        .iter()
        .find(|pupil| north.caseload.contains(&pupil.id) && !north.patch.contains(&school_of(pupil)))
        .expect("a child in care at a school outside the patch");
    let outside = pupils
        .iter()
        .find(|pupil| !north.sees(pupil))
        .expect("a pupil outside the scope");
    let officer = server.sign_in(stride_synth::INCLUSION_NORTH).await;

    let (status, html) = server
        .text(&format!("/pupils/{}", on_caseload_elsewhere.id), &officer)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&on_caseload_elsewhere.full_name()),
        "a child on their caseload, wherever they are"
    );
    let (status, html) = server.text(&format!("/pupils/{}", outside.id), &officer).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains(&outside.full_name()));

    // A search by the outside pupil's UPN finds nothing; by their name, only pupils in scope.
    let found = server
        .post_form("/pupils/search", &officer, &[("name", outside.upn.as_str())])
        .await;
    let found = found.text().await.expect("body");
    assert!(found.contains("0 pupils found"), "{found}");
    let found = server
        .post_form("/pupils/search", &officer, &[("name", &outside.surname)])
        .await;
    let found = found.text().await.expect("body");
    assert!(!found.contains(&format!("/pupils/{}\"", outside.id)));
    let results = found.split("Your caseload").next().expect("the results come first");
    let listed: Vec<i64> = results
        .split("href=\"/pupils/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect();
    assert!(!listed.is_empty(), "someone of that surname is in scope");
    let by_id: HashMap<i64, &Pupil> = pupils.iter().map(|pupil| (pupil.id, pupil)).collect();
    assert!(listed.iter().all(|id| north.sees(by_id[id])));

    // A school outside the patch has no list for them; one inside lists its pupils, each audited.
    let elsewhere = school_of(outside);
    let response = server
        .get(&format!("/attendance/schools/{elsewhere}.csv"), Some(&officer))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let patch_school = north.patch[0];
    let response = server
        .get(&format!("/attendance/schools/{patch_school}.csv"), Some(&officer))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let (headers, rows) = csv_records(&response.bytes().await.expect("body"));
    let upns: BTreeSet<&str> = rows.iter().map(|row| row[column(&headers, "UPN")].as_str()).collect();
    // Every pupil with marks at the school this year, and no one else (a child home educated
    // since the summer has none).
    let year = stride_core::AcademicYear::containing(chrono::Utc::now().date_naive());
    let marked: BTreeSet<i64> = store
        .attendance_marks(year, stride_store::MarksOf::School(patch_school))
        .await
        .expect("reads")
        .into_iter()
        .map(|(pupil, _, _)| pupil)
        .collect();
    let on_roll: BTreeSet<&str> = marked.iter().map(|id| by_id[id].upn.as_str()).collect();
    assert_eq!(upns, on_roll);

    // The counts they see are of their scope.
    let response = server.get("/vulnerable-learners.csv", Some(&officer)).await;
    let (headers, rows) = csv_records(&response.bytes().await.expect("body"));
    let all = rows.iter().find(|row| row[0] == "All pupils").expect("a total");
    assert_eq!(
        all[column(&headers, "Pupils")],
        pupils.iter().filter(|pupil| north.sees(pupil)).count().to_string()
    );

    let log = store.audit_log(None, 100_000).await.expect("reads");
    assert_eq!(
        audited(&log, north.id, AuditAction::ViewPupil),
        vec![on_caseload_elsewhere.id]
    );
    assert_eq!(audited(&log, north.id, AuditAction::Refused), vec![outside.id]);
    let exported: BTreeSet<i64> = audited(&log, north.id, AuditAction::ExportPupils).into_iter().collect();
    assert_eq!(exported.len(), rows_on_roll(&pupils, patch_school));
    assert!(exported.len() >= upns.len(), "every pupil listed is audited");
    let searched: BTreeSet<i64> = audited(&log, north.id, AuditAction::SearchPupils).into_iter().collect();
    assert_eq!(searched, listed.iter().copied().collect());
    assert!(
        !log.iter()
            .any(|entry| entry.pupil_id == Some(outside.id) && entry.action != AuditAction::Refused)
    );
    assert!(
        log.iter()
            .any(|entry| entry.action == AuditAction::CountPupils && entry.account_id == north.id)
    );
}

fn rows_on_roll(pupils: &[Pupil], school: Urn) -> usize {
    pupils
        .iter()
        .filter(|pupil| pupil.latest_return().is_some_and(|latest| latest.urn == school))
        .count()
}

#[tokio::test]
async fn roles_without_pupil_access_are_refused_and_a_headteacher_has_their_own_school() {
    let server = server().await;
    let store = stride_store::open(&fixture().database).await.expect("opens");
    let pupil = store
        .pupils(PupilFilter::All)
        .await
        .expect("reads")
        .into_iter()
        .next()
        .expect("a pupil");
    for username in [
        "data.manager",
        "improvement.manager",
        "adviser.north",
        "elected.member",
        "administrator",
    ] {
        let user = server.sign_in(username).await;
        for path in [
            "/pupils".to_owned(),
            format!("/pupils/{}", pupil.id),
            "/attendance/schools/914001".to_owned(),
        ] {
            let response = server.get(&path, Some(&user)).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{username} at {path}");
        }
        let response = server
            .post_form("/pupils/search", &user, &[("name", &pupil.surname)])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{username} searching");
    }
    let head = server.sign_in("headteacher").await;
    let (_, html) = server.text("/pupils", &head).await;
    let own: Vec<&str> = html
        .split("href=\"/attendance/schools/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(own.len(), 1, "their own school only");
    let (status, html) = server.text(&format!("/attendance/schools/{}", own[0]), &head).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("For the targeting meeting"));
    let other = store.pupils(PupilFilter::All).await.expect("reads");
    let other = other
        .iter()
        .find(|each| {
            each.latest_return()
                .is_some_and(|latest| latest.urn.to_string() != own[0])
        })
        .expect("another");
    let elsewhere = other.latest_return().expect("on roll").urn;
    let response = server
        .get(&format!("/attendance/schools/{elsewhere}"), Some(&head))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = server.get(&format!("/pupils/{}", other.id), Some(&head)).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_audit_log_refuses_every_edit() {
    let server = server().await;
    let officer = server.sign_in("inclusion.officer").await;
    let store = stride_store::open(&fixture().database).await.expect("opens");
    let pupil = store
        .pupils(PupilFilter::All)
        .await
        .expect("reads")
        .into_iter()
        .nth(5)
        .expect("a pupil");
    let (status, _) = server.text(&format!("/pupils/{}", pupil.id), &officer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!store.audit_log(Some(pupil.id), 10).await.expect("reads").is_empty());
    let pool = stride_store::scratch::Raw::connect(&fixture().database).await;
    for edit in [
        "UPDATE audit_log SET what = 'nothing'",
        "DELETE FROM audit_log",
        "UPDATE audit_seals SET seal = upper(seal)",
        "DELETE FROM audit_seals",
    ] {
        let refused = stride_store::with_raw_pool!(&pool, |pool| sqlx::query(edit).execute(pool).await.map(drop))
            .expect_err("refused");
        assert!(refused.to_string().contains("append-only"), "{refused}");
    }
}

fn verify_audit(database: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_stride"))
        .args(["audit", "verify", "--db", database])
        .output()
        .expect("runs")
}

/// The audit log's chain: whole as Stride writes it, broken where an entry is edited behind its
/// back; and the administrator's search of it, which no one else may read.
#[tokio::test]
async fn the_audit_logs_chain_finds_an_edited_entry_and_the_administrator_searches_it() {
    let server = server().await;
    let officer = server.sign_in("inclusion.officer").await;
    let store = stride_store::open(&fixture().database).await.expect("opens");
    let pupil = store
        .pupils(PupilFilter::All)
        .await
        .expect("reads")
        .into_iter()
        .nth(7)
        .expect("a pupil");
    let (status, _) = server.text(&format!("/pupils/{}", pupil.id), &officer).await;
    assert_eq!(status, StatusCode::OK);

    let admin = server.sign_in("administrator").await;
    let (status, html) = server.text("/audit", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Check the chain") && !html.contains("The chain is whole"));
    let (_, html) = server.text("/audit?check=yes", &admin).await;
    assert!(html.contains("The chain is whole"), "as Stride wrote it");
    let response = server
        .get(
            &format!(
                "/audit.csv?username=inclusion.officer&action=view-pupil&pupil={}",
                pupil.id
            ),
            Some(&admin),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let (headers, rows) = csv_records(&response.bytes().await.expect("body"));
    assert!(!rows.is_empty(), "the officer's view is found");
    for row in &rows {
        assert_eq!(row[column(&headers, "Who")], "inclusion.officer");
        assert_eq!(row[column(&headers, "Pupil")], pupil.id.to_string());
        assert_eq!(row[column(&headers, "Action")], "Viewed a pupil's record");
    }
    let (_, html) = server.text("/audit?pupil=seven", &admin).await;
    assert!(html.contains("a whole number"), "a search it cannot read is explained");
    for path in ["/audit", "/audit.csv"] {
        let response = server.get(path, Some(&officer)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }

    let output = verify_audit(&fixture().database);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("whole"));

    // A database of its own edited behind Stride's back, its trigger dropped first, breaks at
    // the edited entry.
    let directory = tempfile::tempdir().expect("a folder");
    let (copy, store) = generated_database(&directory).await;
    let own = server_on(&copy).await;
    let own_officer = own.sign_in("inclusion.officer").await;
    let (status, _) = own.text(&format!("/pupils/{}", pupil.id), &own_officer).await;
    assert_eq!(status, StatusCode::OK);
    drop(store);
    let raw = stride_store::scratch::Raw::connect(&copy).await;
    let drop_trigger = match raw {
        stride_store::scratch::Raw::Sqlite(_) => "DROP TRIGGER audit_log_kept_on_update",
        stride_store::scratch::Raw::Postgres(_) => "DROP TRIGGER audit_log_kept_on_update ON audit_log",
    };
    let edited: i64 = stride_store::with_raw_pool!(&raw, |pool| {
        sqlx::query(drop_trigger).execute(pool).await.expect("dropped");
        let edited: i64 = sqlx::query_scalar("SELECT min(id) FROM audit_log WHERE pupil_id = $1")
            .bind(pupil.id)
            .fetch_one(pool)
            .await
            .expect("an entry of the pupil");
        sqlx::query("UPDATE audit_log SET what = 'nothing to see' WHERE id = $1")
            .bind(edited)
            .execute(pool)
            .await
            .expect("edited");
        edited
    });
    let output = verify_audit(&copy);
    assert!(!output.status.success(), "the edit is found");
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains(&format!("audit entry {edited} ")), "{error}");
}

/// The counts of a school's overlap as its elected member reads them, against the pupils held.
#[tokio::test]
async fn counts_shown_without_pupil_access_give_no_small_number_away() {
    let server = server().await;
    let store = stride_store::open(&fixture().database).await.expect("opens");
    let today = chrono::Utc::now().date_naive();
    let counted: Vec<CountedPupil> = store.pupil_characteristics(today).await.expect("reads");
    let member = server.sign_in("elected.member").await;
    let mut schools: Vec<Urn> = counted
        .iter()
        .map(|pupil| pupil.urn)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    schools.truncate(6);
    let mut suppressed_somewhere = false;
    for school in schools {
        let truth: Vec<&BTreeSet<Characteristic>> = counted
            .iter()
            .filter(|pupil| pupil.urn == school)
            .map(|pupil| &pupil.characteristics)
            .collect();
        let response = server
            .get(
                &format!("/vulnerable-learners.csv?school={school}&year="),
                Some(&member),
            )
            .await;
        let (headers, rows) = csv_records(&response.bytes().await.expect("body"));
        let (_, html) = server
            .text(&format!("/vulnerable-learners?school={school}&year="), &member)
            .await;
        // Cells: each combination, each characteristic's total, all pupils; and the sums the
        // page states between them.
        let mut cells: Vec<Option<u64>> = Vec::new();
        let mut members: Vec<BTreeSet<Characteristic>> = Vec::new();
        for row in rows.iter().filter(|row| row[0] != "All pupils") {
            let combination: BTreeSet<Characteristic> = if row[0] == "None of these" {
                BTreeSet::new()
            } else {
                COUNTED
                    .iter()
                    .copied()
                    .filter(|each| row[0].contains(each.label()))
                    .collect()
            };
            assert_eq!(combination.len().to_string(), row[column(&headers, "Characteristics")]);
            let true_count = truth
                .iter()
                .filter(|set| {
                    COUNTED
                        .iter()
                        .filter(|each| set.contains(each))
                        .copied()
                        .collect::<BTreeSet<_>>()
                        == combination
                })
                .count() as u64;
            let shown = row[column(&headers, "Pupils")].parse::<u64>().ok();
            assert!(
                shown.is_none_or(|shown| shown == true_count),
                "{school} {combination:?}"
            );
            cells.push(shown);
            members.push(combination);
        }
        let combinations = cells.len();
        for characteristic in COUNTED {
            let marker = format!(
                "<dt class=\"govuk-summary-list__key\">{}</dt><dd class=\"govuk-summary-list__value\">",
                characteristic.label()
            );
            let start = html.find(&marker).expect("each characteristic's count") + marker.len();
            let shown = html[start..].split('<').next().expect("a value").parse::<u64>().ok();
            let true_count = truth.iter().filter(|set| set.contains(&characteristic)).count() as u64;
            assert!(shown.is_none_or(|shown| shown == true_count));
            cells.push(shown);
        }
        let all = rows.iter().find(|row| row[0] == "All pupils").expect("a total");
        cells.push(all[column(&headers, "Pupils")].parse().ok());
        for shown in cells.iter().flatten() {
            assert!(*shown == 0 || *shown >= 3, "{school}: a count of {shown} is shown");
        }
        let mut relations: Vec<Relation> = COUNTED
            .iter()
            .enumerate()
            .map(|(position, characteristic)| Relation {
                total: combinations + position,
                parts: (0..combinations)
                    .filter(|&index| members[index].contains(characteristic))
                    .collect(),
            })
            .collect();
        relations.push(Relation {
            total: cells.len() - 1,
            parts: (0..combinations).collect(),
        });
        let hidden: Vec<bool> = cells.iter().map(Option::is_none).collect();
        suppressed_somewhere |= hidden.iter().any(|hidden| *hidden);
        assert!(
            recoverable(cells.len(), &hidden, &relations).is_empty(),
            "{school}: a withheld count can be worked out"
        );
    }
    assert!(
        suppressed_somewhere,
        "the schools tested have small groups, so something was withheld"
    );
    // Those with pupil access see the counts whole.
    let officer = server.sign_in("inclusion.officer").await;
    let response = server.get("/vulnerable-learners.csv", Some(&officer)).await;
    let (_, rows) = csv_records(&response.bytes().await.expect("body"));
    assert!(rows.iter().all(|row| row[2] != "c"));
}

/// What is due on the episodes of the officer's pupils, and recording what was done, which moves
/// the next deadline on; a pupil outside the scope can be neither listed nor changed.
#[tokio::test]
async fn an_officer_sees_what_is_due_for_their_pupils_and_records_it_done() {
    let directory = tempfile::tempdir().expect("a folder");
    let (database, store) = generated_database(&directory).await;
    let server = server_on(&database).await;
    let north = north(store.as_ref()).await;
    let pupils = store.pupils(PupilFilter::All).await.expect("reads");
    let by_id: HashMap<i64, &Pupil> = pupils.iter().map(|pupil| (pupil.id, pupil)).collect();
    let (rules, _, calendar) = store.cycle().await.expect("reads");
    let today = chrono::Utc::now().date_naive();
    let episodes = store.episodes(None).await.expect("reads");
    let expected: Vec<_> = stride_core::pupils::episodes::due_on_episodes(&episodes, &calendar, &rules.pupils, today)
        .into_iter()
        .filter(|due| north.sees(by_id[&due.pupil_id]))
        .collect();
    assert!(!expected.is_empty(), "the demo has duties for the officer");
    let officer = server.sign_in(stride_synth::INCLUSION_NORTH).await;
    let response = server.get("/pupils/due.csv", Some(&officer)).await;
    let (headers, rows) = csv_records(&response.bytes().await.expect("body"));
    assert_eq!(rows.len(), expected.len());
    for (row, due) in rows.iter().zip(&expected) {
        assert_eq!(row[column(&headers, "Pupil")], by_id[&due.pupil_id].full_name());
        assert_eq!(row[column(&headers, "What")], due.what);
        assert_eq!(row[column(&headers, "Due")], due.due_on.to_string());
    }

    // An enquiry recorded on a child missing education moves the next one on.
    let missing = episodes
        .iter()
        .find(|episode| {
            matches!(
                episode.kind,
                stride_core::pupils::episodes::EpisodeKind::MissingEducation { closed: None, .. }
            ) && north.sees(by_id[&episode.pupil_id])
        })
        .or_else(|| {
            episodes.iter().find(|episode| {
                north.sees(by_id[&episode.pupil_id]) && !episode.due(&calendar, &rules.pupils, today).is_empty()
            })
        })
        .expect("an open episode in scope");
    let before = missing.due(&calendar, &rules.pupils, today);
    let event = stride_core::pupils::episodes::events_of(&missing.kind)[0].0;
    let (day, month, year) = (
        today.format("%d").to_string(),
        today.format("%m").to_string(),
        today.format("%Y").to_string(),
    );
    let fields = [
        ("event", event),
        ("on-day", &day),
        ("on-month", &month),
        ("on-year", &year),
        ("words", "The county's own unit"),
    ];
    let response = server
        .post_form(
            &format!("/pupils/{}/episodes/{}", missing.pupil_id, missing.id),
            &officer,
            &fields,
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let after = store.episodes(Some(missing.pupil_id)).await.expect("reads");
    let after = after.iter().find(|episode| episode.id == missing.id).expect("held");
    assert_ne!(after.kind, missing.kind, "the event is recorded");
    assert_ne!(
        after.due(&calendar, &rules.pupils, today),
        before,
        "and what is due moves on"
    );

    // An event that does not belong is refused, with the form's problem, and nothing is kept.
    let wrong = if event == "offered" { "enquiry" } else { "offered" };
    let fields = [
        ("event", wrong),
        ("on-day", &day),
        ("on-month", &month),
        ("on-year", &year),
        ("words", ""),
    ];
    let response = server
        .post_form(
            &format!("/pupils/{}/episodes/{}", missing.pupil_id, missing.id),
            &officer,
            &fields,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.expect("body").contains("There is a problem"));
    let kept = store.episodes(Some(missing.pupil_id)).await.expect("reads");
    assert_eq!(
        kept.iter()
            .find(|episode| episode.id == missing.id)
            .map(|episode| &episode.kind),
        Some(&after.kind)
    );

    // A pupil outside the scope cannot be given an episode.
    let outside = pupils
        .iter()
        .find(|pupil| !north.sees(pupil))
        .expect("a pupil outside the scope");
    let fields = [
        ("kind", "missing-education"),
        ("began-day", day.as_str()),
        ("began-month", &month),
        ("began-year", &year),
    ];
    let response = server
        .post_form(&format!("/pupils/{}/episodes", outside.id), &officer, &fields)
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(
        store
            .episodes(Some(outside.id))
            .await
            .expect("reads")
            .iter()
            .all(|episode| episodes.contains(episode))
    );
    // One in scope can.
    let inside = pupils.iter().find(|pupil| north.sees(pupil)).expect("a pupil in scope");
    let response = server
        .post_form(&format!("/pupils/{}/episodes", inside.id), &officer, &fields)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        store
            .episodes(Some(inside.id))
            .await
            .expect("reads")
            .iter()
            .any(|episode| episode.kind.label() == "Child missing education")
    );
}

/// The LA's attendance by school, as an elected member reads it: every school's counts, with
/// no count under three shown and none withheld that the totals and the other schools give away.
#[tokio::test]
async fn attendance_by_school_gives_no_small_number_away() {
    let server = server().await;
    let store = stride_store::open(&fixture().database).await.expect("opens");
    let today = chrono::Utc::now().date_naive();
    let year = stride_core::AcademicYear::containing(today);
    let member = server.sign_in("elected.member").await;
    let table = |name: &'static str| {
        let server = &server;
        let member = &member;
        async move {
            let response = server.get(&format!("/attendance.csv?table={name}"), Some(member)).await;
            assert_eq!(response.status(), StatusCode::OK);
            csv_records(&response.bytes().await.expect("body"))
        }
    };
    let (headers, schools) = table("school").await;
    let (_, phases) = table("phase").await;
    let whole = phases.iter().find(|row| row[0] == "All pupils").expect("the whole");
    // What each school's pupils' marks give, worked out here.
    let names: HashMap<String, Urn> = store
        .school_list_rows(None)
        .await
        .expect("reads")
        .into_iter()
        .map(|row| (row.name, row.urn))
        .collect();
    let mut truth: HashMap<Urn, [u64; 3]> = HashMap::new();
    for (_, urn, marks) in store
        .attendance_marks(year, stride_store::MarksOf::Everyone)
        .await
        .expect("reads")
    {
        let counts = marks.counts_until(year, today);
        let cell = truth.entry(urn).or_default();
        cell[0] += 1;
        cell[1] += u64::from(counts.persistently_absent());
        cell[2] += u64::from(counts.severely_absent());
    }
    let truth: HashMap<String, Vec<u64>> = schools
        .iter()
        .map(|row| (row[0].clone(), truth[&names[&row[0]]].to_vec()))
        .collect();
    assert_parts_give_nothing_away(
        &headers,
        &schools,
        whole,
        &["Pupils", "Persistently absent", "Severely absent"],
        &truth,
    );

    // The localities make the same whole.
    let (headers, localities) = table("locality").await;
    let summed: u64 = localities
        .iter()
        .map(|row| {
            row[column(&headers, "Pupils")]
                .parse::<u64>()
                .expect("a locality is never small")
        })
        .sum();
    assert_eq!(summed.to_string(), whole[column(&headers, "Pupils")]);

    // Exclusions by school, against the episodes held.
    let (headers, schools) = table("exclusions-school").await;
    let (_, phases) = table("exclusions-phase").await;
    let whole = phases.iter().find(|row| row[0] == "All pupils").expect("the whole");
    let episodes = store.episodes(None).await.expect("reads");
    let counted = store.pupil_characteristics(today).await.expect("reads");
    let on_roll: HashMap<i64, Urn> = counted.iter().map(|pupil| (pupil.pupil_id, pupil.urn)).collect();
    let this_year = |day: &chrono::NaiveDate| stride_core::AcademicYear::containing(*day) == year;
    let mut excluded: HashMap<Urn, [u64; 2]> = HashMap::new();
    let mut suspended: HashMap<Urn, BTreeSet<i64>> = HashMap::new();
    for episode in &episodes {
        let Some(urn) = on_roll.get(&episode.pupil_id) else {
            continue;
        };
        match &episode.kind {
            stride_core::pupils::episodes::EpisodeKind::Suspension { first_day, .. } if this_year(first_day) => {
                excluded.entry(*urn).or_default()[0] += 1;
                suspended.entry(*urn).or_default().insert(episode.pupil_id);
            }
            stride_core::pupils::episodes::EpisodeKind::PermanentExclusion { first_day, .. }
                if this_year(first_day) =>
            {
                excluded.entry(*urn).or_default()[1] += 1;
            }
            _ => {}
        }
    }
    let truth: HashMap<String, Vec<u64>> = schools
        .iter()
        .map(|row| {
            let urn = names[&row[0]];
            let [suspensions, permanent] = excluded.get(&urn).copied().unwrap_or_default();
            (
                row[0].clone(),
                vec![
                    suspended.get(&urn).map_or(0, BTreeSet::len) as u64,
                    suspensions,
                    permanent,
                ],
            )
        })
        .collect();
    let measures = ["Pupils suspended", "Suspensions", "Permanent exclusions"];
    assert_parts_give_nothing_away(&headers, &schools, whole, &measures, &truth);
}

/// Every count shown equals the truth and is none or three or more, and no withheld count
/// follows from the shown ones and the whole, measure by measure.
fn assert_parts_give_nothing_away(
    headers: &[String],
    parts: &[Vec<String>],
    whole: &[String],
    measures: &[&str],
    truth: &HashMap<String, Vec<u64>>,
) {
    let mut cells: Vec<Option<u64>> = Vec::new();
    for row in parts {
        for (index, measure) in measures.iter().enumerate() {
            let shown = row[column(headers, measure)].parse::<u64>().ok();
            assert!(
                shown.is_none_or(|shown| shown == truth[&row[0]][index]),
                "{} {measure}",
                row[0]
            );
            assert!(
                shown.is_none_or(|shown| shown == 0 || shown >= 3),
                "{} {measure}: {shown:?}",
                row[0]
            );
            cells.push(shown);
        }
    }
    let count = measures.len();
    let at = cells.len();
    for measure in measures {
        cells.push(Some(
            whole[column(headers, measure)].parse().expect("the whole is shown"),
        ));
    }
    let relations: Vec<Relation> = (0..count)
        .map(|measure| Relation {
            total: at + measure,
            parts: (0..parts.len()).map(|part| part * count + measure).collect(),
        })
        .collect();
    let hidden: Vec<bool> = cells.iter().map(Option::is_none).collect();
    assert!(
        hidden.iter().any(|hidden| *hidden),
        "some school has a small count, so something is withheld"
    );
    assert!(recoverable(cells.len(), &hidden, &relations).is_empty());
}

/// The register of children not in school full time holds the open episodes of the officer's
/// pupils, and only theirs; it is not for readers without pupil access.
#[tokio::test]
async fn the_register_of_children_not_in_school_holds_the_officers_own() {
    let server = server().await;
    let store = stride_store::open(&fixture().database).await.expect("opens");
    let north = north(store.as_ref()).await;
    let pupils = store.pupils(PupilFilter::All).await.expect("reads");
    let by_id: HashMap<i64, &Pupil> = pupils.iter().map(|pupil| (pupil.id, pupil)).collect();
    let (_, _, calendar) = store.cycle().await.expect("reads");
    let today = chrono::Utc::now().date_naive();
    let expected: BTreeSet<String> = store
        .episodes(None)
        .await
        .expect("reads")
        .iter()
        .filter(|episode| {
            matches!(
                episode.kind,
                stride_core::pupils::episodes::EpisodeKind::HomeEducation { .. }
            )
        })
        .filter(|episode| episode.kind.is_open(&calendar, today) && north.sees(by_id[&episode.pupil_id]))
        .map(|episode| by_id[&episode.pupil_id].full_name())
        .collect();
    assert!(!expected.is_empty());
    let officer = server.sign_in(stride_synth::INCLUSION_NORTH).await;
    let response = server
        .get("/pupils/not-in-school.csv?kind=home-education", Some(&officer))
        .await;
    let (headers, rows) = csv_records(&response.bytes().await.expect("body"));
    let listed: BTreeSet<String> = rows.iter().map(|row| row[column(&headers, "Pupil")].clone()).collect();
    assert_eq!(listed, expected);
    let (status, html) = server.text("/pupils/not-in-school", &officer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Children missing education"));
    let manager = server.sign_in("data.manager").await;
    let response = server.get("/pupils/not-in-school", Some(&manager)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

/// An inclusion officer puts a child of their patch on their caseload and takes them off it;
/// one outside their scope they cannot; a headteacher keeps no caseload.
#[tokio::test]
async fn an_officer_keeps_their_caseload_in_the_browser() {
    let directory = tempfile::tempdir().expect("a folder");
    let (database, store) = generated_database(&directory).await;
    let server = server_on(&database).await;
    let north = north(store.as_ref()).await;
    let pupils = store.pupils(PupilFilter::All).await.expect("reads");
    let inside = pupils
        .iter()
        .find(|pupil| north.sees(pupil) && !north.caseload.contains(&pupil.id))
        .expect("a pupil of the patch");
    let outside = pupils
        .iter()
        .find(|pupil| !north.sees(pupil))
        .expect("a pupil outside the scope");
    let officer = server.sign_in(stride_synth::INCLUSION_NORTH).await;
    let on_caseload = |pupil: i64| {
        let store = store.clone();
        async move { store.caseloads().await.expect("reads").contains(&(pupil, north.id)) }
    };
    let response = server
        .post_form(
            &format!("/pupils/{}/caseload", inside.id),
            &officer,
            &[("change", "add")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(on_caseload(inside.id).await);
    let (_, html) = server.text(&format!("/pupils/{}", inside.id), &officer).await;
    assert!(html.contains("Take off my caseload"));
    let response = server
        .post_form(
            &format!("/pupils/{}/caseload", inside.id),
            &officer,
            &[("change", "remove")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(!on_caseload(inside.id).await);
    let response = server
        .post_form(
            &format!("/pupils/{}/caseload", outside.id),
            &officer,
            &[("change", "add")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(
        !on_caseload(outside.id).await,
        "no way onto a caseload from outside the scope"
    );
    let log = store.audit_log(Some(inside.id), 100).await.expect("reads");
    assert_eq!(
        log.iter()
            .filter(|entry| entry.action == AuditAction::ChangePupil)
            .count(),
        2
    );
    let head = server.sign_in("headteacher").await;
    let response = server
        .post_form(&format!("/pupils/{}/caseload", inside.id), &head, &[("change", "add")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

/// The overlap of a locality counts the pupils of its schools.
#[tokio::test]
async fn the_overlap_of_a_locality_counts_its_schools_pupils() {
    let server = server().await;
    let store = stride_store::open(&fixture().database).await.expect("opens");
    let today = chrono::Utc::now().date_naive();
    let rows = store.school_list_rows(None).await.expect("reads");
    let locality = rows
        .iter()
        .find(|row| !row.locality.is_empty())
        .expect("a locality")
        .locality
        .clone();
    let schools: BTreeSet<Urn> = rows
        .iter()
        .filter(|row| row.locality == locality)
        .map(|row| row.urn)
        .collect();
    let expected = store
        .pupil_characteristics(today)
        .await
        .expect("reads")
        .iter()
        .filter(|pupil| schools.contains(&pupil.urn))
        .count();
    let officer = server.sign_in("inclusion.officer").await;
    let mut address = reqwest::Url::parse("http://stride/vulnerable-learners.csv").expect("an address");
    address.query_pairs_mut().append_pair("locality", &locality);
    let path = format!("{}?{}", address.path(), address.query().unwrap_or_default());
    let response = server.get(&path, Some(&officer)).await;
    let (headers, rows) = csv_records(&response.bytes().await.expect("body"));
    let all = rows.iter().find(|row| row[0] == "All pupils").expect("a total");
    assert_eq!(all[column(&headers, "Pupils")], expected.to_string());
}

/// The LA's absence term by term: last year's terms from the termly totals and this year's from
/// the marks, each worked out again here from what the store holds; for a reader without pupil
/// access, a term's rate is withheld wherever this year's table withholds the count it comes from.
#[tokio::test]
async fn absence_term_by_term_adds_up_the_totals_and_the_marks_and_withholds_what_the_tables_do() {
    use stride_core::pupils::{Term, TermOfYear};
    let server = server().await;
    let store = stride_store::open(&fixture().database).await.expect("opens");
    let today = chrono::Utc::now().date_naive();
    let year = stride_core::AcademicYear::containing(today);
    let officer = server.sign_in("inclusion.officer").await;
    let trend = async |name: &str, user: &User| {
        let response = server.get(&format!("/attendance.csv?table={name}"), Some(user)).await;
        assert_eq!(response.status(), StatusCode::OK);
        csv_records(&response.bytes().await.expect("body"))
    };
    let (headers, rows) = trend("trend-absence", &officer).await;
    let all = rows.iter().find(|row| row[0] == "All pupils").expect("all pupils");
    let last_autumn = TermOfYear {
        year: year.previous(),
        term: Term::Autumn,
    };
    let (mut absent, mut possible) = (0u64, 0u64);
    let (mut pupils, mut persistent) = (0u64, 0u64);
    for (_, _, term, counts) in store
        .attendance_summaries(stride_store::MarksOf::Everyone)
        .await
        .expect("reads")
    {
        if term == last_autumn {
            absent += u64::from(counts.authorised + counts.unauthorised);
            possible += u64::from(counts.possible);
            pupils += 1;
            persistent += u64::from((counts.authorised + counts.unauthorised) * 10 >= counts.possible);
        }
    }
    assert!(possible > 0, "the demo holds last year's totals");
    let shown = |row: &[String], heading: &str| -> f64 { row[column(&headers, heading)].parse().expect("a rate") };
    let worked_out = absent as f64 * 100.0 / possible as f64;
    assert!((shown(all, &last_autumn.to_string()) - worked_out).abs() < 0.05);
    let (mut absent, mut possible) = (0u64, 0u64);
    for (_, _, marks) in store
        .attendance_marks(year, stride_store::MarksOf::Everyone)
        .await
        .expect("reads")
    {
        let counts = marks.counts_until(year, today);
        absent += u64::from(counts.authorised + counts.unauthorised);
        possible += u64::from(counts.possible);
    }
    let this_autumn = TermOfYear {
        year,
        term: Term::Autumn,
    };
    let worked_out = absent as f64 * 100.0 / possible as f64;
    assert!((shown(all, &this_autumn.to_string()) - worked_out).abs() < 0.05);
    let (headers, rows) = trend("trend-persistent", &officer).await;
    let all = rows.iter().find(|row| row[0] == "All pupils").expect("all pupils");
    let worked_out = persistent as f64 * 100.0 / pupils as f64;
    let rate: f64 = all[column(&headers, &last_autumn.to_string())].parse().expect("a rate");
    assert!((rate - worked_out).abs() < 0.05, "{rate} against {worked_out}");

    // An elected member: where this year's table withholds a group's persistently absent, this
    // term's rate of them is withheld too, since with the group's pupils it would give it away.
    let member = server.sign_in("elected.member").await;
    let (group_headers, groups) = trend("group", &member).await;
    let (headers, rows) = trend("trend-persistent", &member).await;
    let this_term = column(&headers, &this_autumn.to_string());
    let mut withheld = 0;
    for group in &groups {
        if group[column(&group_headers, "Persistently absent")] == "c" {
            withheld += 1;
            let row = rows.iter().find(|row| row[0] == group[0]).expect("the group's trend");
            assert_eq!(row[this_term], "c", "{}", group[0]);
        }
    }
    assert!(withheld > 0, "some group is small enough to be withheld");
}

/// The vulnerable groups' outcomes: looked-after children's absence this year, worked out here
/// from their marks, beside all pupils' with the gap; and the report's downloads.
#[tokio::test]
async fn each_groups_outcomes_stand_beside_all_pupils_with_the_gap() {
    let server = server().await;
    let store = stride_store::open(&fixture().database).await.expect("opens");
    let today = chrono::Utc::now().date_naive();
    let year = stride_core::AcademicYear::containing(today);
    let officer = server.sign_in("inclusion.officer").await;
    let response = server.get("/vulnerable-learners/outcomes.csv", Some(&officer)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.expect("body");
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes.as_ref());
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|record| record.expect("a record").iter().map(str::to_owned).collect())
        .collect();
    let find = |group: &str| {
        records
            .iter()
            .find(|record| record.len() > 4 && record[0] == "Overall absence" && record[1] == group)
            .unwrap_or_else(|| panic!("a row of {group}"))
    };
    let rate = |text: &str| text.trim_start_matches('+').parse::<f64>().expect("a rate");
    let looked_after: BTreeSet<i64> = store
        .pupil_characteristics(today)
        .await
        .expect("reads")
        .into_iter()
        .filter(|pupil| pupil.characteristics.contains(&Characteristic::LookedAfter))
        .map(|pupil| pupil.pupil_id)
        .collect();
    let (mut absent, mut possible) = (0u64, 0u64);
    for (pupil, _, marks) in store
        .attendance_marks(year, stride_store::MarksOf::Everyone)
        .await
        .expect("reads")
    {
        if looked_after.contains(&pupil) {
            let counts = marks.counts_until(year, today);
            absent += u64::from(counts.authorised + counts.unauthorised);
            possible += u64::from(counts.possible);
        }
    }
    let worked_out = absent as f64 * 100.0 / possible as f64;
    let row = find("Looked after");
    assert!(
        (rate(&row[3]) - worked_out).abs() < 0.05,
        "{} against {worked_out}",
        row[3]
    );
    let all = find("All pupils");
    assert!(
        (rate(&row[4]) - (rate(&row[3]) - rate(&all[3]))).abs() < 0.11,
        "the gap"
    );
    assert!(
        records.iter().any(|record| record[0].starts_with("Gaps in")),
        "the gaps over time follow"
    );
    // Primary schools' pupils (nursery schools' with them, as the DfE counts them) beside
    // primary schools elsewhere.
    let primary_schools: BTreeSet<Urn> = store
        .school_list_rows(None)
        .await
        .expect("reads")
        .into_iter()
        .filter(|row| row.phase.comparator_group() == stride_core::PhaseGroup::Primary)
        .map(|row| row.urn)
        .collect();
    let on_roll: HashMap<i64, Urn> = store
        .pupil_characteristics(today)
        .await
        .expect("reads")
        .into_iter()
        .map(|pupil| (pupil.pupil_id, pupil.urn))
        .collect();
    let (mut absent, mut possible) = (0u64, 0u64);
    for (pupil, _, marks) in store
        .attendance_marks(year, stride_store::MarksOf::Everyone)
        .await
        .expect("reads")
    {
        if on_roll.get(&pupil).is_some_and(|urn| primary_schools.contains(urn)) {
            let counts = marks.counts_until(year, today);
            absent += u64::from(counts.authorised + counts.unauthorised);
            possible += u64::from(counts.possible);
        }
    }
    let worked_out = absent as f64 * 100.0 / possible as f64;
    let primary = find("Primary");
    assert!(
        (rate(&primary[3]) - worked_out).abs() < 0.05,
        "{} against {worked_out}",
        primary[3]
    );

    for (ending, kind) in [("pdf", "application/pdf"), ("xlsx", "spreadsheetml")] {
        let response = server
            .get(&format!("/vulnerable-learners/outcomes.{ending}"), Some(&officer))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response.headers()["content-type"].to_str().expect("ascii").to_owned();
        assert!(content_type.contains(kind), "{content_type}");
    }
    let (status, html) = server.text("/vulnerable-learners/outcomes", &officer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("This year, from pupils"),
        "the section from pupils' records"
    );
    let member = server.sign_in("elected.member").await;
    let (status, html) = server.text("/vulnerable-learners/outcomes", &member).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("withheld"), "the reader is told what is withheld");
    let response = server.get("/vulnerable-learners/elsewhere", Some(&member)).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// The small-number rule is the LA's own: served withholding counts under ten, no count from
/// one to nine is shown to an elected member, where under the default rule some are.
#[tokio::test]
async fn counts_are_withheld_below_the_threshold_the_la_sets() {
    let strict = stride_web::Config {
        suppress_below: 10,
        ..stride_web::Config::default()
    };
    let mut shown_small = Vec::new();
    for server in [server().await, server_with(&fixture().database, strict).await] {
        let member = server.sign_in("elected.member").await;
        let response = server.get("/attendance.csv?table=school", Some(&member)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let (headers, rows) = csv_records(&response.bytes().await.expect("body"));
        let counts: Vec<&str> = rows
            .iter()
            .flat_map(|row| {
                ["Pupils", "Persistently absent", "Severely absent"].map(|name| row[column(&headers, name)].as_str())
            })
            .collect();
        let small = counts
            .iter()
            .filter(|count| count.parse::<u64>().is_ok_and(|count| (1..10).contains(&count)))
            .count();
        shown_small.push((small, counts.iter().filter(|count| **count == "c").count()));
    }
    let [(default_small, default_withheld), (strict_small, strict_withheld)] = shown_small[..] else {
        panic!("two servers")
    };
    assert!(
        default_small > 0,
        "the default rule shows some counts from three to nine"
    );
    assert_eq!(strict_small, 0, "the LA's rule of ten shows none under ten");
    assert!(strict_withheld > default_withheld);
}
