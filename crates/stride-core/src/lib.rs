//! Stride's domain, with no I/O: what an English local authority's education service knows about
//! its schools, and the report models built from it. Every other crate speaks these types.
//!
//! Invariants: nothing here reads a file, a socket or a clock; values are checked when they are
//! made (`Urn::new`, `Inspection::new`), so code that holds one can trust it.

pub mod access;
pub mod action_plan;
pub mod calendar;
pub mod categorisation;
pub mod coded;
pub mod dataset;
pub mod establishment;
pub mod figure;
pub mod held_figures;
pub mod held_statistics;
pub mod identifiers;
pub mod import;
pub mod inspection;
pub mod intelligence;
pub mod intervention;
pub mod measure;
pub mod pupils;
pub mod report;
pub mod school_list;
pub mod school_profile;
pub mod sign_in;
pub mod support;
pub mod suppression;
pub mod table;
#[cfg(test)]
mod testing;
pub mod year;

pub use access::{Account, Role, SchoolScope, VisibleSchool};
pub use dataset::{Dataset, LocalAuthority};
pub use establishment::{
    Establishment, EstablishmentStatus, EstablishmentType, Governance, Leader, LeaderRole, Locality, Phase, PhaseGroup,
    Trust,
};
pub use figure::{
    Area, AreaFigure, Comparator, ComparatorFigure, Figure, MissingReason, Release, SchoolFigure, region_name,
};
pub use identifiers::{DfeNumber, LaCode, Urn};
pub use inspection::{
    CategoryOfConcern, EvaluationArea, FourPointGrade, Framework, Grade, HeadlineOutcome, Inspection, InspectionError,
    InspectionFields, InspectionKind, Judgement, ReportCardGrade, UngradedOutcome,
};
pub use intelligence::{IntelligenceItem, IntelligenceKind};
pub use measure::{Measure, Polarity, PupilGroup, Unit};
pub use year::AcademicYear;
