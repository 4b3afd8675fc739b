//! The store on real databases (an SQLite file, or PostgreSQL when `STRIDE_TEST_POSTGRES` names
//! a server): writes are whole or nothing, and what is written reads back. The migrations of
//! SQLite files made by earlier builds are tested on SQLite alone.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use stride_core::{Account, Figure, MissingReason, Role, SchoolFigure, SchoolScope};

use stride_store::scratch::Raw;
use stride_store::{NewAccount, Store};

/// The folder's database: made on first asking, the same one after.
fn location(directory: &tempfile::TempDir) -> String {
    static MADE: Mutex<BTreeMap<PathBuf, String>> = Mutex::new(BTreeMap::new());
    let mut made = MADE.lock().expect("not poisoned");
    made.entry(directory.path().to_path_buf())
        .or_insert_with(|| stride_store::scratch::database(directory.path(), "store"))
        .clone()
}

async fn store(directory: &tempfile::TempDir) -> std::sync::Arc<dyn Store> {
    stride_store::open(&location(directory)).await.expect("opens")
}

/// The folder's database reached past the store, as someone with the file or a login would.
async fn raw(directory: &tempfile::TempDir) -> Raw {
    Raw::connect(&location(directory)).await
}

async fn execute(raw: &Raw, statement: &'static str) -> Result<(), sqlx::Error> {
    stride_store::with_raw_pool!(raw, |pool| sqlx::query(statement).execute(pool).await.map(drop))
}

fn manager() -> Account {
    Account {
        id: 0,
        username: "m".into(),
        display_name: "M".into(),
        role: Role::ImprovementManager,
        scope: SchoolScope::AllSchools,
        second_factor: false,
    }
}

#[tokio::test]
async fn a_dataset_with_one_bad_row_leaves_nothing_behind() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = store(&directory).await;
    let mut dataset = stride_synth::generate(3).dataset;
    // The same figure twice, as a generator fault might make it: the second breaks the key.
    let repeated = dataset.school_figures[0].clone();
    dataset.school_figures.push(repeated);
    let account = NewAccount {
        username: "someone".into(),
        display_name: "Someone".into(),
        role: Role::DataManager,
        password_hash: "x".into(),
        schools: Vec::new(),
    };
    assert!(
        store.write_dataset(&dataset, &[account]).await.is_err(),
        "the repeated figure is refused"
    );
    assert_eq!(store.establishment_count().await.expect("counts"), 0);
    assert!(
        store.credentials("someone").await.expect("reads").is_none(),
        "the account was not written either"
    );
    assert!(store.local_authority().await.expect("reads").is_none());
}

#[tokio::test]
async fn what_is_written_reads_back_and_the_file_reopens() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let dataset = stride_synth::generate(4).dataset;
    store(&directory)
        .await
        .write_dataset(&dataset, &[])
        .await
        .expect("writes");
    // Opening again runs the migrations again, which must find nothing to do.
    let store = store(&directory).await;
    assert_eq!(
        store.establishment_count().await.expect("counts"),
        dataset.establishments.len() as u64
    );
    let school = &dataset.establishments[7];
    let visible = manager().visible_school(school.urn).expect("in scope");
    let profile = store.school_profile(visible, 5).await.expect("reads").expect("found");
    assert_eq!(profile.establishment.name, school.name);
    assert_eq!(profile.establishment.dfe_number, school.dfe_number);
    assert_eq!(profile.establishment.leaders, school.leaders);
    let mut written: Vec<&SchoolFigure> = dataset
        .school_figures
        .iter()
        .filter(|figure| figure.urn == school.urn)
        .collect();
    let mut read: Vec<&SchoolFigure> = profile.school_figures.iter().collect();
    let key = |figure: &&SchoolFigure| (figure.measure, figure.year, figure.group);
    written.sort_by_key(key);
    read.sort_by_key(key);
    assert_eq!(read, written);
    assert!(
        read.iter()
            .any(|figure| figure.figure == Figure::Missing(MissingReason::Suppressed))
            || read.len() > 10
    );
    let mut inspections: Vec<_> = dataset
        .inspections
        .iter()
        .filter(|inspection| inspection.urn == school.urn)
        .cloned()
        .collect();
    inspections.sort_by_key(|inspection| std::cmp::Reverse(inspection.started_on));
    assert_eq!(
        profile.inspections, inspections,
        "inspections read back newest first, judgements and all"
    );
}

/// A database made by an earlier build: every migration before `first_not_run`, and no more.
async fn migrated_before(directory: &tempfile::TempDir, first_not_run: &str) -> (sqlx::SqlitePool, std::path::PathBuf) {
    let earlier = directory.path().join("migrations");
    std::fs::create_dir(&earlier).expect("folder");
    let migrations = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    for entry in std::fs::read_dir(&migrations).expect("migrations") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_string_lossy().into_owned();
        if name.as_str() < first_not_run {
            std::fs::copy(&path, earlier.join(&name)).expect("copied");
        }
    }
    let location = directory.path().join("store.sqlite");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&location)
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.expect("opens");
    sqlx::migrate::Migrator::new(earlier.as_path())
        .await
        .expect("reads the earlier migrations")
        .run(&pool)
        .await
        .expect("migrates to the earlier schema");
    (pool, location)
}

/// A deployment made while every statistics row repeated its publisher: its rows are carried
/// across whole, the publisher still read from the row's import.
#[tokio::test]
async fn statistics_rows_that_named_their_publisher_are_carried_across_whole() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (pool, location) = migrated_before(&directory, "0029").await;
    for statement in [
        "INSERT INTO imports (id, file_name, sha256, kind, publisher, imported_at, row_count, added, changed, unchanged)
         VALUES (1, 'absence_by_term.csv', 'a', 'ees-data-set', 'Department for Education: Explore Education Statistics',
                 '2026-11-01T00:00:00Z', 1, 2, 0, 0)",
        "INSERT INTO statistics_rows (data_set, subject_kind, subject_code, time_period, time_identifier, academic_year,
             filters, release, figures, source, import_id)
         VALUES ('absence_by_term', 'la', '936', '201819', 'Spring term', 2018, 'school_type: Total', 'final',
                 '{\"sess_overall_percent\":4.2,\"enrolments\":\"suppressed\"}',
                 'Department for Education: Explore Education Statistics', 1)",
    ] {
        sqlx::query(statement).execute(&pool).await.expect("written at 0028");
    }
    pool.close().await;

    let store = stride_store::open(location.to_str().expect("utf-8"))
        .await
        .expect("migrates");
    let held = store
        .held_statistics(Some("absence_by_term"), None)
        .await
        .expect("reads");
    let found: Vec<(&str, Figure, Option<&str>)> = held
        .iter()
        .map(|statistic| {
            (
                statistic.indicator.as_str(),
                statistic.figure,
                statistic.file.as_ref().map(|file| file.publisher.as_str()),
            )
        })
        .collect();
    let publisher = Some("Department for Education: Explore Education Statistics");
    assert_eq!(
        found,
        [
            ("enrolments", Figure::Missing(MissingReason::Suppressed), publisher),
            ("sess_overall_percent", Figure::Value(4.2), publisher),
        ]
    );
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", location.display()))
        .await
        .expect("opens");
    let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info('statistics_rows')")
        .fetch_all(&pool)
        .await
        .expect("reads the columns");
    assert!(!columns.iter().any(|column| column == "source"), "{columns:?}");
}

/// One figure of an absence data set's row for LA 936 in spring 2018/19.
fn absence_figure(filters: &str, indicator: &str, figure: Figure) -> stride_core::import::StatisticsFigure {
    stride_core::import::StatisticsFigure {
        subject: stride_core::import::StatisticsSubject::Area(stride_core::Area::LocalAuthority(
            "936".parse().expect("an LA code"),
        )),
        time_period: "201819".into(),
        time_identifier: "Spring term".into(),
        year: Some(stride_core::AcademicYear::starting(2018)),
        filters: filters.into(),
        indicator: indicator.into(),
        release: stride_core::Release::Final,
        figure,
    }
}

/// A deployment whose statistics rows each held their data set's name, their filters and every
/// indicator's name: carried across whole into rows that name each by number, and the same rows
/// imported again afterwards are found unchanged, so the names are held as the writer holds them.
#[tokio::test]
async fn statistics_rows_holding_their_names_are_carried_across_and_the_same_rows_change_nothing() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (pool, location) = migrated_before(&directory, "0030").await;
    for statement in [
        "INSERT INTO imports (id, file_name, sha256, kind, publisher, imported_at, row_count, added, changed, unchanged)
         VALUES (1, 'absence_by_term.csv', 'a', 'ees-data-set', 'Department for Education: Explore Education Statistics',
                 '2026-11-01T00:00:00Z', 2, 4, 0, 0),
                (2, 'bds_long.csv', 'b', 'lait-data-set', 'LAIT', '2026-11-01T00:00:00Z', 1, 1, 0, 0)",
        "INSERT INTO statistics_rows (data_set, subject_kind, subject_code, time_period, time_identifier, academic_year,
             filters, release, figures, import_id)
         VALUES ('absence_by_term', 'la', '936', '201819', 'Spring term', 2018, 'school_type: Total', 'final',
                 '{\"sess_overall_percent\":4.2,\"enrolments\":\"suppressed\"}', 1),
                ('absence_by_term', 'la', '936', '201819', 'Spring term', 2018, 'school_type: Special', 'final',
                 '{\"sess_overall_percent\":7.55,\"enrolments\":120}', 1),
                ('LAIT', 'la', '301', '2014-16', '', NULL, '', 'final', '{\"RTA\":12.13}', 2)",
    ] {
        sqlx::query(statement).execute(&pool).await.expect("written at 0029");
    }
    pool.close().await;

    let store = stride_store::open(location.to_str().expect("utf-8"))
        .await
        .expect("migrates");
    let held = store.held_statistics(None, None).await.expect("reads");
    let found: Vec<(&str, &str, &str, &str, Figure)> = held
        .iter()
        .map(|statistic| {
            (
                statistic.data_set.as_str(),
                statistic.code.as_str(),
                statistic.filters.as_str(),
                statistic.indicator.as_str(),
                statistic.figure,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("LAIT", "301", "", "RTA", Figure::Value(12.13)),
            (
                "absence_by_term",
                "936",
                "school_type: Special",
                "enrolments",
                Figure::Value(120.0)
            ),
            (
                "absence_by_term",
                "936",
                "school_type: Special",
                "sess_overall_percent",
                Figure::Value(7.55)
            ),
            (
                "absence_by_term",
                "936",
                "school_type: Total",
                "enrolments",
                Figure::Missing(MissingReason::Suppressed)
            ),
            (
                "absence_by_term",
                "936",
                "school_type: Total",
                "sess_overall_percent",
                Figure::Value(4.2)
            ),
        ]
    );

    let again = stride_core::import::StatisticsSet {
        data_set: "absence_by_term".to_owned(),
        figures: vec![
            absence_figure("school_type: Total", "sess_overall_percent", Figure::Value(4.2)),
            absence_figure(
                "school_type: Total",
                "enrolments",
                Figure::Missing(MissingReason::Suppressed),
            ),
            absence_figure("school_type: Special", "sess_overall_percent", Figure::Value(7.55)),
            absence_figure("school_type: Special", "enrolments", Figure::Value(120.0)),
        ],
        measures: stride_core::import::Figures::default(),
    };
    let file = stride_core::import::ImportedFile {
        name: "absence_by_term_copy.csv".to_owned(),
        sha256: "c".to_owned(),
        kind: stride_core::import::FileKind::StatisticsDataSet,
        rows: 2,
        year: None,
        release: None,
    };
    let summary = store
        .import(&file, &stride_core::import::ImportContent::Statistics(again), false)
        .await
        .expect("imports");
    assert_eq!((summary.added, summary.changed, summary.unchanged), (0, 0, 4));
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", location.display()))
        .await
        .expect("opens");
    let counts: (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM statistics_data_sets), (SELECT COUNT(*) FROM statistics_filters),
                (SELECT COUNT(*) FROM statistics_indicator_lists)",
    )
    .fetch_one(&pool)
    .await
    .expect("counts");
    assert_eq!(
        counts,
        (2, 3, 2),
        "each name held once, the writer's lists the migration's"
    );
}

/// A deployment made before LAIT's figures were held as rows of statistics: its indicator
/// figures, and a value a later file replaced, are carried across when it is next opened.
#[tokio::test]
async fn lait_figures_held_one_per_row_are_carried_into_statistics_rows() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (pool, location) = migrated_before(&directory, "0008").await;
    for statement in [
        "INSERT INTO imports (id, file_name, sha256, kind, publisher, imported_at, row_count, added, changed, unchanged)
         VALUES (1, 'bds_long.csv', 'a', 'lait-data-set', 'LAIT', '2026-11-01T00:00:00Z', 3, 3, 0, 0),
                (2, 'bds_long_new.csv', 'b', 'lait-data-set', 'LAIT', '2026-11-02T00:00:00Z', 3, 0, 1, 2)",
        "INSERT INTO indicator_figures (area_kind, area_code, indicator, period, academic_year, release, value,
             missing_reason, source, import_id)
         VALUES ('la', '301', 'RTA', '2014-16', NULL, 'final', 12.13, NULL, 'LAIT', 2),
                ('la', '301', 'KS2RWM_Expected_STD', '2014-16', NULL, 'final', NULL, 'suppressed', 'LAIT', 2),
                ('england', 'E92000001', 'RTA', '2014-16', NULL, 'final', 9.5, NULL, 'LAIT', 1)",
        "INSERT INTO superseded_figures (subject_kind, subject_code, phase_group, indicator, period, release, value,
             source, import_id, superseded_by_import_id)
         VALUES ('la', '301', 'all', 'RTA', '2014-16', 'final', 11.0, 'LAIT', 1, 2)",
        "INSERT INTO superseded_figures (subject_kind, subject_code, phase_group, measure, academic_year, pupil_group,
             release, value, source, import_id, superseded_by_import_id)
         VALUES ('school', '100000', 'all', 'ks2-rwm-expected', 2018, 'all', 'final', 61.0, 'KS2', 1, 2)",
    ] {
        sqlx::query(statement).execute(&pool).await.expect("written at 0007");
    }
    pool.close().await;

    let store = stride_store::open(location.to_str().expect("utf-8"))
        .await
        .expect("migrates");
    let held = store.held_statistics(Some("LAIT"), None).await.expect("reads");
    let found: Vec<(String, String, String, Figure)> = held
        .iter()
        .map(|statistic| {
            (
                statistic.code.clone(),
                statistic.time_period.clone(),
                statistic.indicator.clone(),
                statistic.figure,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("E92000001".into(), "2014-16".into(), "RTA".into(), Figure::Value(9.5)),
            (
                "301".into(),
                "2014-16".into(),
                "KS2RWM_Expected_STD".into(),
                Figure::Missing(MissingReason::Suppressed)
            ),
            ("301".into(), "2014-16".into(), "RTA".into(), Figure::Value(12.13)),
        ]
    );
    assert_eq!(
        held[2].file.as_ref().map(|file| file.file_name.as_str()),
        Some("bds_long_new.csv")
    );
    let history = store.held_figures(None, true).await.expect("reads the history");
    assert_eq!(history.len(), 1, "the measure's replaced value stays: {history:?}");
    assert_eq!(history[0].figure, Figure::Value(61.0));
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", location.display()))
        .await
        .expect("opens");
    let replaced: (String, i64) = sqlx::query_as(
        "SELECT figures, superseded_by_import_id FROM superseded_statistics_rows WHERE data_set = 'LAIT'",
    )
    .fetch_one(&pool)
    .await
    .expect("the replaced LAIT value is kept");
    assert_eq!(replaced, (r#"{"RTA":11.0}"#.to_owned(), 2));
}

#[tokio::test]
async fn a_kept_rule_set_reads_back_newest_first_and_is_never_changed_or_deleted() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = store(&directory).await;
    let version = |number: &str, second: i64| stride_core::categorisation::KeptRuleSet {
        name: "wealdshire-2026".into(),
        version: number.into(),
        title: "Wealdshire".into(),
        text: format!("# version {number}"),
        kept_by: "M".into(),
        kept_at: chrono::DateTime::from_timestamp(1_760_000_000 + second, 0).expect("a time"),
    };
    store.keep_rule_set(&version("1", 0)).await.expect("kept");
    store.keep_rule_set(&version("2", 60)).await.expect("kept");
    assert!(
        store.keep_rule_set(&version("2", 120)).await.is_err(),
        "a version is kept once"
    );
    let kept = store.kept_rule_sets().await.expect("reads");
    assert_eq!(kept, [version("2", 60), version("1", 0)]);

    let pool = raw(&directory).await;
    for statement in [
        "UPDATE kept_rule_sets SET rule_text = 'changed'",
        "DELETE FROM kept_rule_sets",
    ] {
        let refused = execute(&pool, statement).await.expect_err("refused");
        assert!(refused.to_string().contains("a kept rule set is not"), "{refused}");
    }
    assert_eq!(store.kept_rule_sets().await.expect("reads").len(), 2);
}

#[tokio::test]
async fn a_case_changed_since_it_was_read_is_not_overwritten_and_the_other_change_is_shown() {
    use stride_core::intervention::{
        Activity, ActivityKind, CaseChange, CaseOpening, CaseSaved, LadderStep, NoteOfVisit, SelfEvaluationGrade, Stage,
    };
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = store(&directory).await;
    let dataset = stride_synth::generate(3).dataset;
    store.write_dataset(&dataset, &[]).await.expect("written");
    // A school the generated record holds no case for.
    let school = dataset
        .establishments
        .iter()
        .map(|school| school.urn)
        .find(|urn| dataset.cases.iter().all(|case| case.urn != *urn))
        .expect("a school without a case");
    let day = |text: &str| text.parse::<chrono::NaiveDate>().expect("a date");
    let at = chrono::DateTime::from_timestamp(1_764_000_000, 0).expect("a time");
    let step = |stage: Stage, on: &str, by: &str| LadderStep {
        stage,
        taken_on: day(on),
        solution: None,
        compliance_ends: None,
        evidence: "Categorised for additional support under national-2025".into(),
        decided_by: by.into(),
    };
    let CaseOpening::Opened(case_id) = store
        .open_case(school, &step(Stage::AdditionalSupport, "2025-09-08", "M"), at)
        .await
        .expect("opens")
    else {
        panic!("a new case");
    };
    assert_eq!(
        store
            .open_case(school, &step(Stage::AdditionalSupport, "2025-09-09", "N"), at)
            .await
            .expect("reads"),
        CaseOpening::AlreadyOpen(case_id),
        "a second opening finds the first"
    );

    // Two people read the case at revision 1; the first to save wins, the second is told.
    let first = CaseChange::Step(step(Stage::HighLevelSupport, "2025-10-01", "First Manager"));
    let second = CaseChange::PlanAgreed(day("2025-10-02"));
    assert_eq!(
        store
            .change_case(case_id, 1, &first, "First Manager", at)
            .await
            .expect("saves"),
        CaseSaved::Saved(2)
    );
    let CaseSaved::Conflict { changes_since } = store
        .change_case(case_id, 1, &second, "Second", at)
        .await
        .expect("reads")
    else {
        panic!("the second save is refused");
    };
    assert_eq!(changes_since.len(), 1);
    assert_eq!(changes_since[0].changed_by, "First Manager");
    assert!(
        changes_since[0]
            .change
            .starts_with("Moved to high-level support on 2025-10-01"),
        "{:?}",
        changes_since[0]
    );
    assert_eq!(
        store
            .change_case(case_id, 2, &second, "Second", at)
            .await
            .expect("saves"),
        CaseSaved::Saved(3)
    );
    let cases = store.cases(None).await.expect("reads");
    assert_eq!(cases.len(), dataset.cases.len() + 1, "the generated cases and this one");
    let case = cases.iter().find(|case| case.id == case_id).expect("the case");
    assert_eq!(case.stage(), Stage::HighLevelSupport);
    assert_eq!((case.revision, case.plan_agreed_on), (3, Some(day("2025-10-02"))));
    assert_eq!(store.case_history(case_id, 0).await.expect("reads").len(), 3);

    let visit = Activity {
        id: 0,
        urn: Some(school),
        kind: ActivityKind::MonitoringVisit,
        held_on: day("2025-10-20"),
        recorded_by: "An adviser".into(),
        recorded_at: at,
        attendees: "Headteacher; chair of governors".into(),
        summary: "Progress on the plan's first priority".into(),
        actions: "Headteacher to share the phonics results with governors".into(),
        note: Some(NoteOfVisit {
            focus: "The achievement of pupils".into(),
            priorities_and_impact: "Phonics: the Year 1 check rose".into(),
            grades: vec![SelfEvaluationGrade {
                judgement: "Overall effectiveness".into(),
                grade: 3,
            }],
            risks: vec!["Budget deficit".into()],
            next_steps: "Review in four weeks".into(),
        }),
    };
    let id = store.record_activity(&visit).await.expect("records");
    let held = store.activities(None).await.expect("reads");
    assert_eq!(held.len(), dataset.activities.len() + 1);
    assert_eq!(held.iter().find(|held| held.id == id), Some(&Activity { id, ..visit }));

    let pool = raw(&directory).await;
    let document = stride_core::intervention::Document {
        id: 0,
        urn: school,
        title: "Post-inspection record of actions".into(),
        file_name: "record.txt".into(),
        content_type: "text/plain".into(),
        size: 5,
        sha256: String::new(),
        uploaded_by: "An adviser".into(),
        uploaded_at: at,
    };
    store.attach_document(&document, b"notes").await.expect("attached");
    for statement in [
        "UPDATE case_steps SET stage = 'light-touch'",
        "DELETE FROM case_history",
        "UPDATE activities SET summary = 'changed'",
        "DELETE FROM activities",
        "DELETE FROM documents",
    ] {
        assert!(execute(&pool, statement).await.is_err(), "{statement} is refused");
    }
}

#[tokio::test]
async fn the_directory_and_its_commissions_read_back_as_written_and_a_providers_history_is_kept() {
    use stride_core::intervention::{CaseChange, CaseSaved};
    use stride_core::support::{Commission, Evaluation, FundingSource, ObjectiveOutcome, Pence, ProviderEntry};
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = store(&directory).await;
    let dataset = stride_synth::generate(3).dataset;
    store.write_dataset(&dataset, &[]).await.expect("written");
    assert_eq!(store.providers().await.expect("reads").len(), dataset.providers.len());
    let mut written = dataset.providers.clone();
    written.sort_by(|left, right| left.name.cmp(&right.name));
    assert_eq!(
        store.providers().await.expect("reads"),
        written,
        "every field as generated"
    );
    // Each commission as generated, evaluations and costs with it.
    let case = dataset
        .cases
        .iter()
        .position(|case| case.is_open())
        .expect("an open case");
    let held_cases = store.cases(None).await.expect("reads");
    let held = held_cases
        .iter()
        .find(|candidate| candidate.urn == dataset.cases[case].urn && candidate.is_open())
        .expect("held");
    let generated: Vec<_> = dataset
        .support
        .iter()
        .filter(|(index, _)| *index == case)
        .map(|(_, support)| support.clone())
        .collect();
    let read: Vec<_> = store
        .support(held.id)
        .await
        .expect("reads")
        .into_iter()
        .map(|support| stride_core::intervention::Support { id: 0, ..support })
        .collect();
    assert_eq!(read, generated);

    let entry = ProviderEntry {
        name: "Marlow Reading Partnership".into(),
        kind: stride_core::support::ProviderKind::Organisation,
        organisation: String::new(),
        specialisms: vec![stride_core::support::Specialism::English],
        phases: vec![stride_core::Phase::Primary],
        approval: stride_core::support::ApprovalStatus::Approved,
        approval_review_on: "2027-07-31".parse().expect("a date"),
        day_rate: Pence(42_500),
        location: None,
    };
    let at = chrono::DateTime::from_timestamp(1_764_000_000, 0).expect("a time");
    let id = store
        .save_provider(None, &entry, "M", at)
        .await
        .expect("saves")
        .expect("an id");
    assert_eq!(
        store.save_provider(Some(9_999), &entry, "M", at).await.expect("reads"),
        None
    );
    let commission = Commission {
        kind: stride_core::intervention::SupportKind::BrokeredProvider,
        provider: entry.name.clone(),
        provider_id: Some(id),
        purpose: "Reading".into(),
        commissioned_on: "2026-11-24".parse().expect("a date"),
        days_allocated: 5.0,
        cost: Some(Pence(212_500)),
        funding: Some(FundingSource::Traded),
        objective: Some(999_999),
    };
    // An objective that is not the case's priority is refused and nothing is written.
    assert_eq!(
        store
            .change_case(
                held.id,
                held.revision,
                &CaseChange::CommissionSupport(commission.clone()),
                "M",
                at
            )
            .await
            .expect("reads"),
        CaseSaved::NotThisCase
    );
    let commission = Commission {
        objective: None,
        ..commission
    };
    let CaseSaved::Saved(revision) = store
        .change_case(
            held.id,
            held.revision,
            &CaseChange::CommissionSupport(commission),
            "M",
            at,
        )
        .await
        .expect("saves")
    else {
        panic!("saved");
    };
    let ours = store
        .support(held.id)
        .await
        .expect("reads")
        .pop()
        .expect("commissioned");
    assert_eq!(
        (ours.provider_id, ours.cost, ours.funding),
        (Some(id), Some(Pence(212_500)), Some(FundingSource::Traded))
    );
    let evaluation = Evaluation {
        outcome: ObjectiveOutcome::PartlyMet,
        evidence: "Reading ages up; writing not yet".into(),
        evaluated_on: "2027-07-10".parse().expect("a date"),
    };
    store
        .change_case(
            held.id,
            revision,
            &CaseChange::EvaluateSupport {
                support: ours.id,
                evaluation: evaluation.clone(),
            },
            "M",
            at,
        )
        .await
        .expect("saves");
    let ours = store
        .support(held.id)
        .await
        .expect("reads")
        .pop()
        .expect("commissioned");
    assert_eq!(ours.evaluation, Some(evaluation));

    let pool = raw(&directory).await;
    for statement in [
        "UPDATE provider_changes SET change = 'changed'",
        "DELETE FROM provider_changes",
    ] {
        let refused = execute(&pool, statement).await.expect_err("refused");
        assert!(
            refused.to_string().contains("a provider's history is kept as written"),
            "{refused}"
        );
    }
    assert_eq!(store.provider_changes(id).await.expect("reads").len(), 1);
}

#[tokio::test]
async fn an_action_plan_reads_back_as_written_its_updates_are_kept_and_a_change_to_another_plan_is_refused() {
    use stride_core::action_plan::{PlanChange, TaskStatus, Timescale};
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = store(&directory).await;
    let at = chrono::Utc::now();
    let change = |change: PlanChange| {
        let store = store.clone();
        async move {
            store
                .change_action_plan(&change, "An officer", at)
                .await
                .expect("changes")
        }
    };
    let plan = change(PlanChange::NewPlan {
        title: "Attendance strategy".into(),
    })
    .await
    .expect("a plan");
    let other = change(PlanChange::NewPlan {
        title: "Another".into(),
    })
    .await
    .expect("a plan");
    let first = change(PlanChange::AddAction {
        plan,
        title: "Attendance support".into(),
    })
    .await
    .expect("an action");
    let second = change(PlanChange::AddAction {
        plan,
        title: "Surgeries".into(),
    })
    .await
    .expect("an action");
    let september = Timescale::month(2027, 9).expect("a month");
    let task = change(PlanChange::AddTask {
        plan,
        action: second,
        description: "Run termly surgeries".into(),
        timescale: september,
    })
    .await
    .expect("a task");
    assert_eq!(
        change(PlanChange::AddTask {
            plan: other,
            action: first,
            description: "Not this plan's".into(),
            timescale: september,
        })
        .await,
        None,
        "an action of another plan"
    );
    assert_eq!(
        change(PlanChange::UpdateTask {
            plan: other,
            task,
            status: TaskStatus::Completed,
            progress: "Not this plan's".into(),
            revised_timescale: None,
        })
        .await,
        None
    );
    change(PlanChange::UpdateTask {
        plan,
        task,
        status: TaskStatus::Delayed,
        progress: " Venue changed ".into(),
        revised_timescale: Some(Timescale::month(2027, 11).expect("a month")),
    })
    .await
    .expect("an update");
    let today = at.date_naive();
    assert!(change(PlanChange::IssueReport { plan, on: today }).await.is_some());
    assert_eq!(
        change(PlanChange::IssueReport { plan, on: today }).await,
        None,
        "issued once a day"
    );
    let plans = store.action_plans().await.expect("reads");
    let held = plans.iter().find(|held| held.id == plan).expect("the plan");
    assert_eq!(
        held.actions.iter().map(|action| action.number).collect::<Vec<_>>(),
        [1, 2]
    );
    assert!(held.actions[0].tasks.is_empty());
    let written = &held.actions[1].tasks[0];
    assert_eq!(
        (written.description.as_str(), written.timescale),
        ("Run termly surgeries", september)
    );
    assert_eq!(written.updates.len(), 1);
    assert_eq!(written.updates[0].progress, "Venue changed");
    assert_eq!(written.updates[0].by, "An officer");
    assert_eq!(held.reports_issued, [today]);
    assert!(
        plans
            .iter()
            .find(|held| held.id == other)
            .expect("the other")
            .actions
            .is_empty()
    );

    let pool = raw(&directory).await;
    for statement in [
        "UPDATE strategy_task_updates SET progress = 'changed'",
        "DELETE FROM strategy_task_updates",
    ] {
        let refused = execute(&pool, statement).await.expect_err("refused");
        assert!(
            refused.to_string().contains("a task's updates are kept as written"),
            "{refused}"
        );
    }
}

/// `stride migrate-db` copies the tables it lists: every table of the schema, and no other.
/// Officers adding actions to one plan at the same moment, each on a connection of its own: every
/// one is added, and the plan's actions are numbered one to eight, each number once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_added_to_one_plan_at_once_are_each_added_and_numbered_once() {
    use stride_core::action_plan::PlanChange;
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = store(&directory).await;
    let at = chrono::Utc::now();
    let plan = store
        .change_action_plan(
            &PlanChange::NewPlan {
                title: "Attendance strategy".into(),
            },
            "An officer",
            at,
        )
        .await
        .expect("changes")
        .expect("a plan");
    let mut adding = tokio::task::JoinSet::new();
    for officer in 1..=8 {
        let store = store.clone();
        adding.spawn(async move {
            let change = PlanChange::AddAction {
                plan,
                title: format!("Action of officer {officer}"),
            };
            store
                .change_action_plan(&change, &format!("Officer {officer}"), at)
                .await
        });
    }
    while let Some(added) = adding.join_next().await {
        let added = added.expect("the task ran");
        assert!(matches!(added, Ok(Some(_))), "every action is added: {added:?}");
    }
    let plans = store.action_plans().await.expect("reads");
    let held = plans.iter().find(|held| held.id == plan).expect("the plan");
    let mut numbers: Vec<u32> = held.actions.iter().map(|action| action.number).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=8).collect::<Vec<u32>>());
}

#[tokio::test]
async fn the_tables_a_deployment_is_copied_by_are_every_table_of_the_schema() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let location = directory.path().join("schema.sqlite");
    stride_store::SqliteStore::open(location.to_str().expect("utf-8"))
        .await
        .expect("opens");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", location.display()))
        .await
        .expect("opens");
    let tables: std::collections::BTreeSet<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&pool)
    .await
    .expect("reads")
    .into_iter()
    .collect();
    let listed: std::collections::BTreeSet<String> = stride_store::copy_across::TABLES
        .iter()
        .map(|table| (*table).to_owned())
        .collect();
    assert_eq!(listed, tables);
}
