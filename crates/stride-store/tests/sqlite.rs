//! The SQLite store on real files: writes are whole or nothing, and what is written reads back.

use stride_core::{Account, Figure, MissingReason, Role, SchoolFigure, SchoolScope};
use stride_store::{NewAccount, Store};

async fn store(directory: &tempfile::TempDir) -> std::sync::Arc<dyn Store> {
    stride_store::open(directory.path().join("store.sqlite").to_str().expect("utf-8"))
        .await
        .expect("opens")
}

fn manager() -> Account {
    Account {
        id: 0,
        username: "m".into(),
        display_name: "M".into(),
        role: Role::ImprovementManager,
        scope: SchoolScope::AllSchools,
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
