//! Importing the real DfE files in `../shared/data`: what Stride holds afterwards equals the
//! files, read here independently of the importer; a second import changes nothing; a corrupted
//! copy is refused whole, naming where it is wrong, and writes nothing.

mod ees;
mod gias;
mod lait;
mod ofsted;
mod performance;
mod pupils;
mod quartiles;
#[path = "../shared_data/mod.rs"]
mod shared_data;

pub use shared_data::data;

use std::path::Path;
use std::sync::Arc;

use stride_core::{Account, Role, SchoolScope};
use stride_store::Store;

pub async fn fresh_store(directory: &tempfile::TempDir) -> (Arc<dyn Store>, String) {
    let location = stride_store::scratch::database(directory.path(), "import");
    (stride_store::open(&location).await.expect("opens"), location)
}

pub async fn import(store: &Arc<dyn Store>, path: &Path, dry_run: bool) -> stride_core::import::ImportSummary {
    import_stated(store, path, stride_ingest::Stated::default(), dry_run).await
}

pub async fn import_stated(
    store: &Arc<dyn Store>,
    path: &Path,
    stated: stride_ingest::Stated,
    dry_run: bool,
) -> stride_core::import::ImportSummary {
    let source = stride_ingest::SourceFile::read(path).expect("readable");
    let (file, content) = stride_ingest::read(&source, stated).expect("reads");
    store.import(&file, &content, dry_run).await.expect("imports")
}

pub fn everyone() -> Account {
    Account {
        id: 0,
        username: "t".into(),
        display_name: "T".into(),
        role: Role::DataManager,
        scope: SchoolScope::AllSchools,
        second_factor: false,
    }
}

/// A school's 2018/19 Attainment 8 for all pupils, with its comparators, as its profile shows it.
pub async fn attainment_8_in_2018(store: &Arc<dyn Store>, urn: &str) -> stride_core::school_profile::YearOfFigures {
    use stride_core::{AcademicYear, Measure, PupilGroup, Urn};
    let school = everyone()
        .visible_school(urn.parse::<Urn>().expect("URN"))
        .expect("in scope");
    let profile = store.school_profile(school, 5).await.expect("reads").expect("held");
    let series = profile
        .series_for(PupilGroup::All)
        .into_iter()
        .find(|series| series.measure == Measure::Ks4Attainment8)
        .expect("Attainment 8");
    series
        .years
        .into_iter()
        .find(|year| year.year == AcademicYear::starting(2018))
        .expect("2018/19")
}
