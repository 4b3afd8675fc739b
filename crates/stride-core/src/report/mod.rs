//! Reports for management, scrutiny and cabinet, as a model each shell writes in its own way (a
//! page, a workbook, a PDF, CSV): a title, the day it is as at, and sections of short factual
//! sentences written from the data and tables of the figures behind them.
//!
//! Invariants: no I/O and no clock; every sentence's figures are in a table beside it; aggregates
//! are of schools, never of pupils' records.

mod absence;
mod area;
mod chart;
mod gaps;
mod monthly;
mod plans;
mod profile;
mod rag;
mod standards;
mod termly;
mod vulnerable;

pub use absence::exclusions_and_absence;
pub use chart::{Chart, ChartLine, LineStyle, tick_step, value_range};
pub use monthly::{MonthlyFigures, monthly_data_set, monthly_figures};
pub use plans::action_plan_progress;
pub use profile::{
    FEWEST_SIMILAR_FIGURES, LARGEST_SUPPRESSED_GROUP, ProfileBook, ProfileEvidence, SIMILAR_SCHOOLS,
    school_data_profile, school_data_profiles,
};
pub use rag::{band, margin, rag, rag_report, rank};
pub use standards::{gaps_report, standards_report};
pub use termly::termly_movement;
pub use vulnerable::{GroupOutcome, group_outcomes, phase_outcomes, vulnerable_outcomes};

use chrono::NaiveDate;

use crate::establishment::Establishment;
use crate::figure::SchoolFigure;
use crate::identifiers::Urn;
use crate::inspection::Inspection;
use crate::intervention::{KeptLevel, Support};
use crate::table::Table;

/// A report as generated: what it is, the day it is as at, and its sections in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub name: &'static str,
    pub title: String,
    pub as_of: NaiveDate,
    pub sections: Vec<Section>,
}

/// A part of a report: its heading, what the data says in words, the tables it rests on,
/// charts of some of those tables' figures, and the files its counts were made from (a figure
/// taken from a file names its own, in its cell).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Section {
    pub heading: String,
    pub sentences: Vec<String>,
    pub tables: Vec<Table>,
    pub charts: Vec<Chart>,
    pub sources: Vec<String>,
}

impl Section {
    /// The files the section's counts were made from, in words, for a document that cannot link.
    pub fn sources_in_words(&self) -> Option<String> {
        (!self.sources.is_empty()).then(|| format!("Counts made from: {}.", self.sources.join("; ")))
    }
}

impl Report {
    /// Every table of the report, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections.iter().flat_map(|section| section.tables.iter())
    }
}

/// A report Stride produces, by its name on the command line and in addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportKind {
    pub name: &'static str,
    pub title: &'static str,
    pub what: &'static str,
}

/// The reports Stride produces, in the order they are listed.
pub const REPORTS: [ReportKind; 8] = [
    ReportKind {
        name: "monthly-data-set",
        title: "Monthly county data set",
        what: "Schools judged good or better and the pupils in them, schools in an Ofsted category and those not making progress, by phase and type, with the trend over twelve months (Oxfordshire's framework, section E)",
    },
    ReportKind {
        name: "termly-movement",
        title: "Termly movement",
        what: "The schools inspected in the term, previous outcome against new on the same framework's scale, with their support, and the schools whose level of support changed",
    },
    ReportKind {
        name: "exclusions-and-absence",
        title: "Exclusions and absence",
        what: "Absence and persistent absence by phase, suspensions and permanent exclusions year by year, the LA against its statistical neighbours and England (Southend's report to cabinet, sections 6.6 and 6.7)",
    },
    ReportKind {
        name: "rag",
        title: "Outcomes against comparators",
        what: "Each headline measure and pupil group RAG-rated against statistical neighbours, region and England (Oxfordshire's vulnerable learners strategy), with LAIT-style quartile bands and rank among LAs",
    },
    ReportKind {
        name: "gaps",
        title: "Gaps over time",
        what: "Disadvantaged pupils against the others, and pupils with SEN support or an EHC plan against all, at each key stage, five years, in the LA and in England",
    },
    ReportKind {
        name: "standards",
        title: "Annual report on the standards of schools",
        what: "The annual report to cabinet (Southend's structure): headlines, each key stage with its trend, vulnerable groups, exclusions and absence, the quality of schools, in sentences written from the figures for an officer to edit",
    },
    ReportKind {
        name: "action-plan-progress",
        title: "Strategy action plans: progress report",
        what: "Each action's tasks with their progress, timescale and status, RAG-rated with the reason, and what changed since the last report was issued (Oxfordshire's implementation progress report)",
    },
    ReportKind {
        name: SCHOOL_DATA_PROFILE,
        title: "School data profiles",
        what: "One school's Ofsted outcomes, attainment, progress, attendance, early years and vulnerable groups against the LA, similar schools and England (Southend's August profiles), for one school or as a batch for all",
    },
];

/// The report made per school, from [`ProfileEvidence`] rather than [`ReportEvidence`].
pub const SCHOOL_DATA_PROFILE: &str = "school-data-profile";

pub fn find_report(name: &str) -> Option<ReportKind> {
    REPORTS.iter().copied().find(|report| report.name == name)
}

/// A report by its name as at a day; a termly report is of the term the day falls in, or of the
/// one `terms_back` before it. None for a name not known, or a term the calendar does not hold.
pub fn build(
    name: &str,
    evidence: &ReportEvidence,
    calendar: &crate::calendar::Calendar,
    as_of: NaiveDate,
    terms_back: usize,
) -> Option<Report> {
    match find_report(name)?.name {
        "monthly-data-set" => Some(monthly_data_set(evidence, as_of)),
        "termly-movement" => Some(termly_movement(
            evidence,
            &calendar.terms_back(as_of, terms_back)?,
            as_of,
        )),
        "exclusions-and-absence" => Some(exclusions_and_absence(evidence, as_of)),
        "gaps" => Some(gaps_report(evidence, as_of)),
        "rag" => Some(rag_report(evidence, as_of)),
        "standards" => Some(standards_report(evidence, as_of)),
        "action-plan-progress" => Some(action_plan_progress(evidence.action_plans, as_of)),
        _ => None,
    }
}

/// What the reports read: the LA's schools, their inspections, their rolls, the support of
/// their cases by school, and each school's level in every categorisation run kept.
pub struct ReportEvidence<'a> {
    pub schools: &'a [Establishment],
    pub inspections: &'a [Inspection],
    /// Pupils on roll, all pupils, every year held.
    pub rolls: &'a [SchoolFigure],
    pub commissions: &'a [(Urn, Support)],
    /// The support of the schools' open cases.
    pub current_support: &'a [(Urn, Support)],
    pub kept_levels: &'a [KeptLevel],
    /// The LA's comparators (the LA, its statistical neighbours, region, England) of absence and
    /// exclusions, every phase and year.
    pub comparators: &'a [crate::figure::ComparatorFigure],
    /// The deployment's own LA, where it is set.
    pub la: Option<crate::identifiers::LaCode>,
    /// Every LA's own figures (all schools), for quartile bands and ranks among LAs.
    pub every_la: &'a [(crate::identifiers::LaCode, crate::figure::ComparatorFigure)],
    /// The strategy action plans held.
    pub action_plans: &'a [crate::action_plan::ActionPlan],
    /// The files the inspections were imported from (Ofsted's management information), which
    /// the counts of schools by outcome are made from.
    pub inspection_sources: &'a [String],
}

/// A share as a report writes it: one decimal place, or none of none.
pub fn percent(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| 100.0 * part as f64 / whole as f64)
}

/// A number as a report's sentence writes it: thousands grouped.
pub fn grouped(number: u64) -> String {
    let digits = number.to_string();
    let mut written = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            written.push(',');
        }
        written.push(digit);
    }
    written
}

#[cfg(test)]
mod tests;
