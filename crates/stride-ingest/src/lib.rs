//! Readers for the files the DfE and Ofsted publish. Each file is read whole into core values or
//! refused whole with errors that name the file, row, column, value and what was expected.
//!
//! Invariants: nothing here writes to the database; a reader never guesses a value it cannot
//! read (a blank is `None`, never zero); the kind of a file is decided by its header row, not
//! its name.

mod destinations;
mod edition;
mod ees;
mod error;
mod gias;
mod lait;
mod marks_summary;
mod ofsted;
mod parallel;
mod parquet_text;
pub mod performance;
mod pupils;
mod reference;
mod source;
mod spine;
mod table;

pub use edition::{Stated, year_in_name};
pub use error::{IngestError, RowError};
pub use marks_summary::{PupilSessions, summarise_marks};
pub use parallel::{try_in_parallel, try_in_parallel_in_order};
pub use source::SourceFile;
pub use table::Table;

use stride_core::Release;
use stride_core::import::{FileKind, ImportContent, ImportedFile};

/// The most row errors one refusal lists; the rest are counted.
pub const ERRORS_LISTED: usize = 20;

/// The kind of a file from its header row, if it is one Stride knows. A kind is recognised by the
/// columns that name it, not by every column it needs, so that a file missing a needed column is
/// told which, rather than that it is unknown.
pub fn recognise(headers: &[String]) -> Option<FileKind> {
    let has = |name: &str| headers.iter().any(|header| header == name);
    let has = &has;
    if has("URN") && has("LinkURN") && has("LinkType") {
        Some(FileKind::GiasLinks)
    } else if has("URN") && has("LA (code)") && (has("TypeOfEstablishment (name)") || has("TypeOfEstablishment (code)"))
    {
        Some(FileKind::GiasEstablishments)
    } else if has("RECTYPE") && has("ATT8SCR") {
        Some(FileKind::Ks4Results)
    } else if has("RECTYPE") && has("OVERALL_DESTPER") {
        Some(FileKind::Ks4Destinations)
    } else if has("RECTYPE") && has("PTRWM_EXP") {
        Some(FileKind::Ks2Results)
    } else if spine::is_school_information(has) {
        Some(FileKind::SchoolInformation)
    } else if has("URN") && has("NOR") && has("ESTAB") {
        Some(FileKind::SchoolCensus)
    } else if has("URN") && has("PERCTOT") {
        Some(FileKind::SchoolAbsence)
    } else if (has("LEA") && has("REGION NAME")) || (has("LA Number") && has("LA Name") && has("Region")) {
        Some(FileKind::LocalAuthorityCodes)
    } else if has("Column") && (has("Metafile heading") || has("Field Name")) {
        Some(FileKind::ColumnDictionary)
    } else if has("Short Desc") && has("Years") && has("LA and Regions") {
        Some(FileKind::LaitDataSet)
    } else if has("Measure_short") && has("Polarity") {
        Some(FileKind::LaitDictionary)
    } else if has("SN1") && (has("SN1_closeness") || has("SNP")) {
        Some(FileKind::StatisticalNeighbours)
    } else if has("UPN") && has("CensusDate") && has("NCyearActual") {
        Some(FileKind::PupilCensus)
    } else if has("UPN") && has("Session") && has("Mark") {
        Some(FileKind::AttendanceMarks)
    } else if has("UPN") && has("Term") && has("SessionsPossible") {
        Some(FileKind::AttendanceSummaries)
    } else if ofsted::is_inspections_file(has) {
        Some(FileKind::OfstedInspections)
    } else if ees::is_data_set(has) {
        Some(FileKind::StatisticsDataSet)
    } else if ees::is_metadata(has) {
        Some(FileKind::StatisticsMetadata)
    } else {
        None
    }
}

/// Reads a file of any kind Stride knows into its records. `stated` gives the year and release
/// of a file of figures whose name and columns do not.
pub fn read(file: &SourceFile, stated: Stated) -> Result<(ImportedFile, ImportContent), IngestError> {
    read_among(file, &[], stated)
}

/// As [`read`], with the other files imported beside it: an Explore Education Statistics data
/// set takes the kind of each column from its `.meta.csv` where that is among them.
pub fn read_among(
    file: &SourceFile,
    beside: &[SourceFile],
    stated: Stated,
) -> Result<(ImportedFile, ImportContent), IngestError> {
    let table = Table::parse_finding_header(file, |headers| recognise(headers).is_some())?;
    let kind = recognise(table.headers()).ok_or_else(|| IngestError::UnknownKind {
        file: file.name.clone(),
        header: table.headers().iter().take(6).cloned().collect::<Vec<_>>().join(", "),
        known: FileKind::ALL
            .iter()
            .map(|kind| kind.label())
            .collect::<Vec<_>>()
            .join("; "),
    })?;
    let mut imported = ImportedFile {
        name: file.name.clone(),
        sha256: file.sha256.clone(),
        kind,
        rows: table.len(),
        year: None,
        release: None,
    };
    let content = match kind {
        FileKind::GiasEstablishments => ImportContent::Establishments(gias::establishments(&table)?),
        FileKind::GiasLinks => ImportContent::Links(gias::links(&table)?),
        FileKind::SchoolInformation => ImportContent::SchoolInformation(spine::school_information(&table)?),
        FileKind::LocalAuthorityCodes => ImportContent::LocalAuthorities(reference::local_authorities(&table)?),
        FileKind::ColumnDictionary => ImportContent::ColumnDictionary(reference::column_dictionary(&table)?),
        FileKind::LaitDataSet => ImportContent::Statistics(lait::data_set(&table)?),
        FileKind::LaitDictionary => ImportContent::IndicatorDictionary(lait::dictionary(&table)?),
        FileKind::StatisticalNeighbours => ImportContent::StatisticalNeighbours(lait::statistical_neighbours(&table)?),
        FileKind::OfstedInspections => ImportContent::Inspections(ofsted::inspections(&table)?),
        FileKind::PupilCensus => ImportContent::PupilCensus(pupils::census(&table)?),
        FileKind::AttendanceMarks => ImportContent::AttendanceMarks(pupils::marks(&table)?),
        FileKind::AttendanceSummaries => ImportContent::AttendanceSummaries(pupils::term_summaries(&table)?),
        FileKind::StatisticsMetadata => ImportContent::StatisticsMetadata {
            data_set: ees::data_set_name(&file.name),
            columns: ees::metadata(&table)?,
        },
        FileKind::StatisticsDataSet => {
            let meta = metadata_beside(file, beside)?;
            ImportContent::Statistics(ees::data_set(&table, meta.as_deref(), stated.release)?)
        }
        FileKind::Ks4Destinations => {
            let edition = edition_of(&table, kind, stated)?;
            imported.year = Some(edition.year);
            imported.release = Some(edition.release);
            ImportContent::Statistics(destinations::destinations(&table, edition)?)
        }
        FileKind::Ks2Results | FileKind::Ks4Results | FileKind::SchoolCensus | FileKind::SchoolAbsence => {
            let edition = edition_of(&table, kind, stated)?;
            imported.year = Some(edition.year);
            imported.release = Some(edition.release);
            ImportContent::Figures(match kind {
                FileKind::Ks2Results => performance::ks2(&table, edition)?,
                FileKind::Ks4Results => performance::ks4(&table, edition)?,
                FileKind::SchoolCensus => performance::census(&table, edition)?,
                _ => performance::absence(&table, edition)?,
            })
        }
    };
    Ok((imported, content))
}

/// Where reading a batch has got to, for whoever shows progress.
pub enum BatchStep<'a> {
    Reading {
        position: usize,
        of: usize,
        source: &'a SourceFile,
    },
    Read {
        position: usize,
        file: &'a ImportedFile,
    },
}

/// Reads every file of a batch, each among the others (so that a data set finds its
/// `.meta.csv`), or stops at the first refusal: nothing of a batch is written until all of it
/// has been read. Files are read side by side, so steps are told from several threads.
pub fn read_batch(
    sources: &[SourceFile],
    stated: Stated,
    told: impl Fn(BatchStep<'_>) + Sync,
) -> Result<Vec<(ImportedFile, ImportContent)>, IngestError> {
    try_in_parallel(sources, |position, source| {
        told(BatchStep::Reading {
            position,
            of: sources.len(),
            source,
        });
        let (file, content) = read_among(source, sources, stated)?;
        told(BatchStep::Read { position, file: &file });
        Ok((file, content))
    })
}

/// The columns of a data set as the `.meta.csv` of the same name among `beside` describes them.
/// Whether a file, by its name, is a data set's `.meta.csv`, which its data set reads beside it.
pub fn is_metadata(name: &str) -> bool {
    name.ends_with(".meta.csv")
}

fn metadata_beside(
    file: &SourceFile,
    beside: &[SourceFile],
) -> Result<Option<Vec<stride_core::import::StatisticsColumn>>, IngestError> {
    let name = ees::data_set_name(&file.name);
    let Some(meta) = beside
        .iter()
        .find(|other| is_metadata(&other.name) && ees::data_set_name(&other.name) == name)
    else {
        return Ok(None);
    };
    ees::metadata(&Table::parse(meta)?).map(Some)
}

/// The year and release of a performance tables download. The census and absence are published
/// once, final; results are published provisional and then final, and the file must say which.
fn edition_of(table: &Table, kind: FileKind, stated: Stated) -> Result<performance::Edition, IngestError> {
    let name = table.file();
    let from_columns = match kind {
        FileKind::Ks2Results => edition::year_from_prior_columns(table.headers(), "PTRWM_EXP"),
        FileKind::Ks4Results => edition::year_from_prior_columns(table.headers(), "ATT8SCR"),
        FileKind::Ks4Destinations => edition::year_from_prior_columns(table.headers(), "OVERALL_DESTPER"),
        _ => None,
    };
    let from_name = edition::year_in_name(name);
    if let (Some(named), Some(columns)) = (from_name, from_columns)
        && named != columns
    {
        return Err(IngestError::Edition {
            file: name.to_owned(),
            detail: format!("its name says {named}, but its prior-year columns say {columns}"),
        });
    }
    // The census, absence and destinations are published once, final.
    let default_release = matches!(
        kind,
        FileKind::SchoolCensus | FileKind::SchoolAbsence | FileKind::Ks4Destinations
    )
    .then_some(Release::Final);
    edition::resolve(
        name,
        from_name.or(from_columns),
        edition::release_in_name(name),
        default_release,
        stated,
    )
}
