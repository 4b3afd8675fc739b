//! What an import brings: the records a published file states, the file they came from, and what
//! writing them changed.

use chrono::{DateTime, NaiveDate, Utc};

use crate::coded::coded_enum;
use crate::establishment::{EstablishmentStatus, EstablishmentType, Phase};
use crate::identifiers::{DfeNumber, LaCode, Urn};

coded_enum! {
    /// The kinds of published file Stride reads, recognised from their header row.
    pub enum FileKind ("kind of file") {
        GiasEstablishments => ("gias-establishments", "GIAS establishment extract (all data, or search results)"),
        GiasLinks => ("gias-links", "GIAS links between establishments (predecessors and successors)"),
    }
}

impl FileKind {
    pub fn publisher(self) -> &'static str {
        match self {
            FileKind::GiasEstablishments | FileKind::GiasLinks => {
                "Department for Education: Get Information about Schools"
            }
        }
    }
}

/// The file an import read: its name, the SHA-256 of its bytes as published (before any
/// decompression) and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedFile {
    pub name: String,
    pub sha256: String,
    pub kind: FileKind,
    pub rows: usize,
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

/// The records of one file, of one kind.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportContent {
    Establishments(Vec<EstablishmentRecord>),
    Links(Vec<EstablishmentLink>),
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
}
