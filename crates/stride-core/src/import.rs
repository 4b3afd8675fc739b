//! What an import brings: the records a published file states, the file they came from, and what
//! writing them changed.

use chrono::{DateTime, NaiveDate, Utc};

use crate::coded::coded_enum;
use crate::establishment::{EstablishmentStatus, EstablishmentType, Phase};
use std::sync::Arc;

use crate::figure::{Area, AreaFigure, Figure, Release, SchoolFigure};
use crate::identifiers::{DfeNumber, LaCode, Urn};
use crate::measure::Polarity;
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
        Ks4Destinations => ("ks4-destinations", "Performance tables: key stage 4 destination measures (RECTYPE, OVERALL_DESTPER)"),
        SchoolInformation => ("school-information", "Performance tables: school information, the spine (URN, NFTYPE, ISPRIMARY)"),
        LocalAuthorityCodes => ("la-codes", "Local authority codes with their regions (LEA and REGION NAME, or LAIT's LA Number and Region)"),
        ColumnDictionary => ("column-dictionary", "Performance tables: column dictionary, a *meta*.csv (Metafile heading)"),
        LaitDataSet => ("lait-data-set", "LAIT: the long data set, bds_long (Short Desc, Years, LA and Regions, Values)"),
        LaitDictionary => ("lait-dictionary", "LAIT: the data dictionary (Measure_short, Polarity)"),
        StatisticalNeighbours => ("statistical-neighbours", "DfE statistical neighbours (SN1 to SN10 with their closeness)"),
        StatisticsDataSet => ("ees-data-set", "Explore Education Statistics open data: a tidy CSV (time_period, geographic_level, filters and indicators), plain or zipped"),
        StatisticsMetadata => ("ees-metadata", "Explore Education Statistics: a data set's .meta.csv (col_name, col_type, label)"),
        OfstedInspections => ("ofsted-inspections", "Ofsted state-funded schools inspections MI: the 2025/26 layout (report cards and latest OEIF grades) or an older one (Overall effectiveness)"),
        PupilCensus => ("pupil-census", "Pupils: school census returns, a row a pupil a census (CensusDate, URN, UPN, NCyearActual and characteristics)"),
        AttendanceMarks => ("attendance-marks", "Attendance: session marks from the register, a row a mark (UPN, URN, Date, Session, Mark)"),
        AttendanceSummaries => ("attendance-summaries", "Attendance: termly totals, as the census's attendance module returns them, a row a pupil a school a term (UPN, URN, AcademicYear, Term, SessionsPossible, SessionsAuthorised, SessionsUnauthorised)"),
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
            | FileKind::Ks4Destinations
            | FileKind::SchoolInformation
            | FileKind::LocalAuthorityCodes
            | FileKind::ColumnDictionary => "Department for Education: school performance tables",
            FileKind::LaitDataSet | FileKind::LaitDictionary => {
                "Department for Education: Local Authority Interactive Tool (LAIT)"
            }
            FileKind::StatisticalNeighbours => "Department for Education: children's services statistical neighbours",
            FileKind::StatisticsDataSet | FileKind::StatisticsMetadata => {
                "Department for Education: Explore Education Statistics"
            }
            FileKind::OfstedInspections => {
                "Ofsted: state-funded schools inspections and outcomes, management information"
            }
            FileKind::PupilCensus | FileKind::AttendanceMarks | FileKind::AttendanceSummaries => {
                "Schools: returned to the local authority"
            }
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

/// A file Stride has imported, as the list of imports shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRecord {
    pub file_name: String,
    pub sha256: String,
    pub kind: FileKind,
    pub publisher: String,
    pub imported_at: DateTime<Utc>,
    pub rows: usize,
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
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
    /// GIAS's easting and northing.
    pub location: Option<crate::support::GridReference>,
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

/// An indicator as LAIT's data dictionary defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorDefinition {
    /// LAIT's number for the indicator ("341a"; "NA" for some).
    pub number: String,
    /// The short code the data set uses (`TotAbs`).
    pub code: String,
    pub name: String,
    pub topic: String,
    pub polarity: Polarity,
    /// Academic year, financial year, calendar year…
    pub year_type: String,
}

coded_enum! {
    /// The DfE publishes neighbours for today's LAs and keeps those of LAs since reorganised.
    pub enum NeighbourSet ("set of statistical neighbours") {
        Current => ("current", "Current"),
        BeforeReorganisation => ("old", "Before reorganisation"),
    }
}

/// One of an LA's ten statistical neighbours, in one edition of the DfE's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighbourRecord {
    /// The month the table was published: a later edition stands in front of an earlier.
    pub edition: NaiveDate,
    pub la: LaCode,
    pub set: NeighbourSet,
    /// 1 is the closest.
    pub rank: u8,
    pub neighbour: LaCode,
    /// The DfE's words: extremely close, very close, close, somewhat close, not close.
    pub closeness: String,
}

impl ImportContent {
    /// How many records the file states, as progress counts them.
    pub fn records(&self) -> usize {
        match self {
            ImportContent::Establishments(records) | ImportContent::SchoolInformation(records) => records.len(),
            ImportContent::Links(links) => links.len(),
            ImportContent::Figures(figures) => figures.schools.len() + figures.areas.len(),
            ImportContent::LocalAuthorities(records) => records.len(),
            ImportContent::ColumnDictionary(columns) => columns.len(),
            ImportContent::IndicatorDictionary(definitions) => definitions.len(),
            ImportContent::StatisticalNeighbours(records) => records.len(),
            ImportContent::Inspections(inspections) => inspections.len(),
            ImportContent::Statistics(set) => set.figures.len(),
            ImportContent::StatisticsMetadata { columns, .. } => columns.len(),
            ImportContent::PupilCensus(records) => records.len(),
            ImportContent::AttendanceMarks(marks) => marks.len(),
            ImportContent::AttendanceSummaries(summaries) => summaries.len(),
        }
    }
}

/// Where a figure of an Explore Education Statistics file belongs: an area, or a school, which
/// older files name by its DfE number (`laestab`) and newer ones by URN.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StatisticsSubject {
    Area(Area),
    SchoolByNumber(DfeNumber),
    School(Urn),
}

impl StatisticsSubject {
    /// How storage names the kind of subject: an area's own kind, or `school-laestab`, `school`.
    pub fn kind_code(&self) -> &'static str {
        match self {
            StatisticsSubject::Area(area) => area.kind_code(),
            StatisticsSubject::SchoolByNumber(_) => "school-laestab",
            StatisticsSubject::School(_) => "school",
        }
    }

    pub fn code(&self) -> String {
        match self {
            StatisticsSubject::Area(area) => area.code(),
            StatisticsSubject::SchoolByNumber(number) => number.to_string(),
            StatisticsSubject::School(urn) => urn.to_string(),
        }
    }
}

/// One figure of an Explore Education Statistics data set: an indicator for a subject in a
/// period, under the data set's filters. Names repeat across every row, so each is held once.
#[derive(Debug, Clone, PartialEq)]
pub struct StatisticsFigure {
    pub subject: StatisticsSubject,
    /// As the file writes it: `201617`, `2025`.
    pub time_period: Arc<str>,
    /// `Academic year`, `Autumn term`, `Week 30`…
    pub time_identifier: Arc<str>,
    /// The academic year, where the period is one.
    pub year: Option<AcademicYear>,
    /// Each filter's value, as `name: value` joined by `; `, in the file's column order.
    pub filters: Arc<str>,
    pub indicator: Arc<str>,
    pub release: Release,
    pub figure: Figure,
}

coded_enum! {
    /// What a column of a tidy data set holds, as its .meta.csv says or Stride finds.
    pub enum StatisticsColumnType ("type of column") {
        Filter => ("filter", "Filter"),
        Indicator => ("indicator", "Indicator"),
    }
}

/// A column of a data set, as its .meta.csv describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatisticsColumn {
    pub name: String,
    pub column_type: StatisticsColumnType,
    pub label: String,
    pub unit: String,
}

/// A data set of published statistics: an Explore Education Statistics file (named as the file
/// is, without extension) or LAIT's long data set (`LAIT`), and every figure in it.
#[derive(Debug, Clone, PartialEq)]
pub struct StatisticsSet {
    pub data_set: String,
    /// The figures of one published row (subject, period, filters and release) are consecutive,
    /// in the same order whatever copy of the file they were read from.
    pub figures: Vec<StatisticsFigure>,
    /// Those of its figures that are Stride's measures for an area, beside the performance
    /// tables' and LAIT's.
    pub measures: Figures,
}

/// The records of one file, of one kind.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportContent {
    Establishments(Vec<EstablishmentRecord>),
    /// Schools as a source below GIAS states them: added where GIAS has not given them, never
    /// changing what it has.
    SchoolInformation(Vec<EstablishmentRecord>),
    Links(Vec<EstablishmentLink>),
    Figures(Figures),
    LocalAuthorities(Vec<LocalAuthorityRecord>),
    ColumnDictionary(Vec<ColumnDescription>),
    IndicatorDictionary(Vec<IndicatorDefinition>),
    StatisticalNeighbours(Vec<NeighbourRecord>),
    Inspections(Vec<crate::Inspection>),
    Statistics(StatisticsSet),
    StatisticsMetadata {
        data_set: String,
        columns: Vec<StatisticsColumn>,
    },
    PupilCensus(Vec<crate::pupils::PupilCensusRecord>),
    AttendanceMarks(Vec<crate::pupils::PupilMarks>),
    AttendanceSummaries(Vec<crate::pupils::TermSummary>),
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
    /// Schools a source below GIAS states that Stride holds already: left as they are.
    pub held_already: usize,
    /// Figures for schools Stride has met in no establishment file: kept, and reported, so
    /// that nothing is dropped silently.
    pub schools_not_held: usize,
    /// Figures of a later release that now stand in front of an earlier release's, which stays
    /// in the history.
    pub superseded_earlier_release: usize,
}

impl ImportSummary {
    /// What comparing a file's records with those held found: the rest of them are new.
    pub fn compared(incoming: usize, unchanged: usize, changed: usize, superseded_earlier_release: usize) -> Self {
        ImportSummary {
            added: incoming.saturating_sub(unchanged + changed),
            changed,
            unchanged,
            superseded_earlier_release,
            ..ImportSummary::default()
        }
    }
}

/// One line saying what an import did, or would do in a dry run.
pub fn describe_import(file: &ImportedFile, summary: &ImportSummary, dry_run: bool) -> String {
    let mut line = format!(
        "{}: {} {} added, {} changed, {} left alone",
        file.name,
        if dry_run { "would have" } else { "has" },
        summary.added,
        summary.changed,
        summary.unchanged
    );
    if let Some(when) = summary.previously_imported_at {
        line.push_str(&format!(
            "; this file was imported before, on {}",
            when.format("%-d %B %Y at %H:%M")
        ));
    }
    if summary.older_than_held > 0 {
        line.push_str(&format!(
            "; {} records left alone because Stride holds a newer version from a later extract",
            summary.older_than_held
        ));
    }
    if summary.held_already > 0 {
        line.push_str(&format!(
            "; {} schools Stride holds already are left as they are (GIAS, the register, says what a school is)",
            summary.held_already
        ));
    }
    if summary.superseded_earlier_release > 0 {
        line.push_str(&format!(
            "; {} figures stand in front of an earlier release's, which stays in the history",
            summary.superseded_earlier_release
        ));
    }
    if summary.schools_not_held > 0 {
        line.push_str(&format!(
            "; {} schools are not in any establishment file imported yet (what the file says of them is kept)",
            summary.schools_not_held
        ));
    }
    if summary.links_to_establishments_not_held > 0 {
        line.push_str(&format!(
            "; {} links name an establishment Stride does not hold (kept)",
            summary.links_to_establishments_not_held
        ));
    }
    line
}

/// One line saying what a file was read as.
pub fn describe_read(file: &ImportedFile) -> String {
    let mut line = format!("{}: {} rows", file.kind.label(), file.rows);
    if let (Some(year), Some(release)) = (file.year, file.release) {
        line.push_str(&format!(", {} {year}", release.label().to_lowercase()));
    }
    line
}
