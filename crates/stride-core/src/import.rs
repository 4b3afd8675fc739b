//! What an import brings: the records a published file states, the file they came from, and what
//! writing them changed.

use chrono::{DateTime, NaiveDate, Utc};

use crate::coded::coded_enum;
use crate::establishment::{EstablishmentStatus, EstablishmentType, Phase};
use crate::figure::{AreaFigure, Release, SchoolFigure};
use crate::identifiers::{DfeNumber, LaCode, Urn};
use crate::year::AcademicYear;

coded_enum! {
    /// The kinds of published file Stride reads, recognised from their header row.
    pub enum FileKind ("kind of file") {
        GiasEstablishments => ("gias-establishments", "GIAS establishment extract (all data, or search results)"),
        GiasLinks => ("gias-links", "GIAS links between establishments (predecessors and successors)"),
        Ks2Results => ("ks2-results", "Performance tables: key stage 2 results (RECTYPE, PTRWM_EXP)"),
        Ks4Results => ("ks4-results", "Performance tables: key stage 4 results, provisional or final (RECTYPE, ATT8SCR)"),
        SchoolCensus => ("school-census", "Performance tables: school census (URN, NOR)"),
        SchoolAbsence => ("school-absence", "Performance tables: absence (URN, PERCTOT, PPERSABS10)"),
        LocalAuthorityCodes => ("la-codes", "Performance tables: local authority and region codes (LEA, REGION)"),
        ColumnDictionary => ("column-dictionary", "Performance tables: column dictionary, a *meta*.csv (Metafile heading)"),
    }
}

impl FileKind {
    pub fn publisher(self) -> &'static str {
        match self {
            FileKind::GiasEstablishments | FileKind::GiasLinks => {
                "Department for Education: Get Information about Schools"
            }
            FileKind::Ks2Results
            | FileKind::Ks4Results
            | FileKind::SchoolCensus
            | FileKind::SchoolAbsence
            | FileKind::LocalAuthorityCodes
            | FileKind::ColumnDictionary => "Department for Education: school performance tables",
        }
    }
}

/// The file an import read: its name, the SHA-256 of its bytes as published (before any
/// decompression), its kind, and for a file of figures the academic year and release they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedFile {
    pub name: String,
    pub sha256: String,
    pub kind: FileKind,
    pub rows: usize,
    pub year: Option<AcademicYear>,
    pub release: Option<Release>,
}

/// An establishment as GIAS states it, before storage gives it a locality or a trust record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstablishmentRecord {
    pub urn: Urn,
    pub la: LaCode,
    pub dfe_number: Option<DfeNumber>,
    pub name: String,
    pub establishment_type: EstablishmentType,
    pub phase: Phase,
    pub status: EstablishmentStatus,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub statutory_low_age: Option<u8>,
    pub statutory_high_age: Option<u8>,
    pub trust: Option<String>,
    pub diocese: Option<String>,
    /// The local government district, which an LA's own localities often follow.
    pub district: Option<String>,
    /// When GIAS last changed the record: an older extract never overwrites a newer one.
    pub last_changed_on: Option<NaiveDate>,
}

coded_enum! {
    /// How a linked establishment relates to this one: an academy conversion closes the old URN
    /// and opens a new one, its successor.
    pub enum LinkKind ("kind of link") {
        Predecessor => ("predecessor", "Predecessor"),
        Successor => ("successor", "Successor"),
        Other => ("other", "Other link"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstablishmentLink {
    pub urn: Urn,
    pub linked_urn: Urn,
    pub linked_name: String,
    pub kind: LinkKind,
    /// GIAS's own words for the link, such as "Successor - merged".
    pub link_type: String,
    pub established_on: Option<NaiveDate>,
}

/// A local authority as the DfE's list of codes names it, with its region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalAuthorityRecord {
    pub code: LaCode,
    pub name: String,
    pub region: String,
}

/// One column of a published file, as its column dictionary describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDescription {
    pub column: String,
    pub description: String,
}

/// The figures one file states, for schools and for areas. Every figure carries the file's year
/// and release.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    pub schools: Vec<SchoolFigure>,
    pub areas: Vec<AreaFigure>,
}

/// The records of one file, of one kind.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportContent {
    Establishments(Vec<EstablishmentRecord>),
    Links(Vec<EstablishmentLink>),
    Figures(Figures),
    LocalAuthorities(Vec<LocalAuthorityRecord>),
    ColumnDictionary(Vec<ColumnDescription>),
}

/// What writing a file did, or would do in a dry run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// When the same file (by SHA-256) was imported before.
    pub previously_imported_at: Option<DateTime<Utc>>,
    /// Links that name an establishment Stride does not hold: kept, and reported.
    pub links_to_establishments_not_held: usize,
    /// Records left alone because Stride holds a newer version of them (from a later extract).
    pub older_than_held: usize,
    /// Figures for schools Stride has met in no establishment file: kept, and reported, so
    /// that nothing is dropped silently.
    pub schools_not_held: usize,
    /// Figures of a later release that now stand in front of an earlier release's, which stays
    /// in the history.
    pub superseded_earlier_release: usize,
}
