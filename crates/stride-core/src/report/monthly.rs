//! The monthly county data set of Oxfordshire's framework, section E: the proportion of schools
//! judged good or outstanding, the number of pupils taught in them, the proportion in an
//! adverse Ofsted category and the number of those not making progress; by phase and type, with
//! the trend.
//!
//! Frameworks are kept apart, not mapped: "good or better" is of the schools whose latest graded
//! inspection gave a four-point grade; report cards and the 2024 framework's inspections, which
//! gave no overall grade, are counted beside them.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::{Report, ReportEvidence, Section, grouped, percent};
use crate::establishment::{Establishment, Governance, Phase};
use crate::figure::SchoolFigure;
use crate::identifiers::Urn;
use crate::inspection::{HeadlineOutcome, Inspection};
use crate::measure::{Measure, PupilGroup};
use crate::support::{Progress, in_category_table, schools_in_category};
use crate::table::{Cell, Column, Table};
use crate::year::AcademicYear;

/// One group's figures on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyFigures {
    pub group: String,
    pub schools: usize,
    /// Schools whose latest graded inspection gave a four-point overall grade.
    pub four_point: usize,
    pub good_or_better: usize,
    pub pupils_in_good_or_better: u64,
    /// Report card inspections with no area below the expected standard.
    pub report_card_expected_or_above: usize,
    pub report_card_below_expected: usize,
    /// Graded under the September 2024 framework, which gave no overall grade.
    pub no_overall_grade: usize,
    pub not_inspected: usize,
    pub in_category: usize,
    pub not_making_progress: usize,
}

fn open_on(school: &Establishment, on: NaiveDate) -> bool {
    school.phase != Phase::NotApplicable
        && school.opened_on.is_none_or(|opened| opened <= on)
        && school.closed_on.is_none_or(|closed| closed > on)
}

/// What a day's figures read of each school, found once: its latest graded inspection
/// published by then and its roll in the latest year held up to the one the day falls in.
struct Standing<'a> {
    latest: HashMap<Urn, &'a Inspection>,
    roll: HashMap<Urn, u64>,
}

impl<'a> Standing<'a> {
    fn on(evidence: &'a ReportEvidence, on: NaiveDate) -> Standing<'a> {
        let mut latest: HashMap<Urn, &Inspection> = HashMap::new();
        for inspection in evidence
            .inspections
            .iter()
            .filter(|inspection| inspection.is_full() && inspection.published_on <= on)
        {
            let held = latest.entry(inspection.urn).or_insert(inspection);
            if held.started_on < inspection.started_on {
                *held = inspection;
            }
        }
        let year = AcademicYear::containing(on);
        let mut best: HashMap<Urn, &SchoolFigure> = HashMap::new();
        for figure in evidence.rolls.iter().filter(|figure| {
            figure.measure == Measure::PupilsOnRoll && figure.group == PupilGroup::All && figure.year <= year
        }) {
            let held = best.entry(figure.urn).or_insert(figure);
            if (held.year, held.release) < (figure.year, figure.release) {
                *held = figure;
            }
        }
        let roll = best
            .into_iter()
            .filter_map(|(urn, figure)| Some((urn, figure.figure.value()?.round().max(0.0) as u64)))
            .collect();
        Standing { latest, roll }
    }
}

/// The figures of the schools a group holds, open on the day, as the inspections published by
/// then stand.
pub fn monthly_figures(
    evidence: &ReportEvidence,
    on: NaiveDate,
    group: &str,
    belongs: impl Fn(&Establishment) -> bool,
) -> MonthlyFigures {
    let schools: Vec<Establishment> = evidence
        .schools
        .iter()
        .filter(|school| open_on(school, on) && belongs(school))
        .cloned()
        .collect();
    let mut figures = MonthlyFigures {
        group: group.to_owned(),
        schools: schools.len(),
        four_point: 0,
        good_or_better: 0,
        pupils_in_good_or_better: 0,
        report_card_expected_or_above: 0,
        report_card_below_expected: 0,
        no_overall_grade: 0,
        not_inspected: 0,
        in_category: 0,
        not_making_progress: 0,
    };
    let standing = Standing::on(evidence, on);
    for school in &schools {
        match standing.latest.get(&school.urn).map(|inspection| inspection.headline()) {
            Some(HeadlineOutcome::Outstanding | HeadlineOutcome::Good) => {
                figures.four_point += 1;
                figures.good_or_better += 1;
                figures.pupils_in_good_or_better += standing.roll.get(&school.urn).copied().unwrap_or(0);
            }
            Some(HeadlineOutcome::RequiresImprovement | HeadlineOutcome::Inadequate) => figures.four_point += 1,
            Some(
                HeadlineOutcome::ReportCardExceptional
                | HeadlineOutcome::ReportCardStrong
                | HeadlineOutcome::ReportCardExpected,
            ) => figures.report_card_expected_or_above += 1,
            Some(HeadlineOutcome::ReportCardNeedsAttention | HeadlineOutcome::ReportCardUrgentImprovement) => {
                figures.report_card_below_expected += 1
            }
            Some(HeadlineOutcome::NoOverallGrade) => figures.no_overall_grade += 1,
            Some(HeadlineOutcome::NotInspected) | None => figures.not_inspected += 1,
        }
    }
    let in_category = schools_in_category(&schools, evidence.inspections, evidence.commissions, on);
    figures.in_category = in_category.len();
    figures.not_making_progress = in_category
        .iter()
        .filter(|school| school.progress == Progress::NotMakingProgress)
        .count();
    figures
}

type Belongs = Box<dyn Fn(&Establishment) -> bool>;

/// All schools, each phase the LA has, and maintained schools beside academies.
fn groups(evidence: &ReportEvidence) -> Vec<(String, Belongs)> {
    let mut groups: Vec<(String, Belongs)> = vec![("All schools".to_owned(), Box::new(|_: &Establishment| true))];
    for phase in Phase::ALL
        .iter()
        .copied()
        .filter(|phase| *phase != Phase::NotApplicable)
    {
        if evidence.schools.iter().any(|school| school.phase == phase) {
            groups.push((
                phase.label().to_owned(),
                Box::new(move |school: &Establishment| school.phase == phase),
            ));
        }
    }
    groups.push((
        "Maintained schools".to_owned(),
        Box::new(|school: &Establishment| school.governance == Governance::Maintained),
    ));
    groups.push((
        "Academies".to_owned(),
        Box::new(|school: &Establishment| matches!(school.governance, Governance::Academy { .. })),
    ));
    groups
}

fn share(part: usize, whole: usize) -> Cell {
    percent(part, whole).map_or_else(
        || Cell::Missing(String::new()),
        |value| Cell::Number { value, decimals: 1 },
    )
}

fn figures_table(title: String, rows: &[MonthlyFigures]) -> Table {
    let count = |value: usize| Cell::Integer(value as i64);
    Table {
        title,
        columns: vec![
            Column::text("Schools"),
            Column::number("Open schools"),
            Column::number("With a four-point grade"),
            Column::number("Good or outstanding"),
            Column::number("Good or outstanding (%)"),
            Column::number("Pupils in good or outstanding schools"),
            Column::number("Report card: no area below expected"),
            Column::number("Report card: an area below expected"),
            Column::number("2024 framework: no overall grade"),
            Column::number("Not yet inspected"),
            Column::number("In an Ofsted category"),
            Column::number("In an Ofsted category (%)"),
            Column::number("In a category, not making progress"),
        ],
        rows: rows
            .iter()
            .map(|figures| {
                vec![
                    Cell::Text(figures.group.clone()),
                    count(figures.schools),
                    count(figures.four_point),
                    count(figures.good_or_better),
                    share(figures.good_or_better, figures.four_point),
                    Cell::Integer(figures.pupils_in_good_or_better as i64),
                    count(figures.report_card_expected_or_above),
                    count(figures.report_card_below_expected),
                    count(figures.no_overall_grade),
                    count(figures.not_inspected),
                    count(figures.in_category),
                    share(figures.in_category, figures.schools),
                    count(figures.not_making_progress),
                ]
            })
            .collect(),
    }
}

/// The last day of each of the twelve months ending with the day's own, the day itself last.
fn month_ends(as_of: NaiveDate) -> Vec<NaiveDate> {
    let mut days = vec![as_of];
    let mut first = as_of.with_day(1).unwrap_or(as_of);
    for _ in 0..11 {
        let end = first.pred_opt().unwrap_or(first);
        days.push(end);
        first = end.with_day(1).unwrap_or(end);
    }
    days.reverse();
    days
}

fn headline_sentences(all: &MonthlyFigures, as_of: NaiveDate, year_before: &MonthlyFigures) -> Vec<String> {
    let day = as_of.format("%-d %B %Y");
    let mut sentences = Vec::new();
    match percent(all.good_or_better, all.four_point) {
        Some(share) => sentences.push(format!(
            "On {day}, {} of the {} schools whose latest graded inspection gave a four-point grade were good or outstanding ({share:.1}%), teaching {} pupils.",
            all.good_or_better,
            all.four_point,
            grouped(all.pupils_in_good_or_better)
        )),
        None => sentences.push(format!("On {day}, no school's latest graded inspection gave a four-point grade.")),
    }
    if let (Some(now), Some(then)) = (
        percent(all.good_or_better, all.four_point),
        percent(year_before.good_or_better, year_before.four_point),
    ) {
        let change = now - then;
        sentences.push(if change.abs() < 0.05 {
            format!("The share is the same as a year before ({then:.1}%).")
        } else {
            format!(
                "The share {} from {then:.1}% a year before, {:.1} points.",
                if change > 0.0 { "rose" } else { "fell" },
                change.abs()
            )
        });
    }
    sentences.push(format!(
        "{} schools have had a report card inspection: {} with no area below the expected standard, {} with an area that needs attention or urgent improvement. Report cards are not mapped onto the four-point grades.",
        all.report_card_expected_or_above + all.report_card_below_expected,
        all.report_card_expected_or_above,
        all.report_card_below_expected
    ));
    sentences.push(format!(
        "{} schools are in an Ofsted category; {} of them are not making progress, their latest monitoring inspection finding leaders not taking effective action.",
        all.in_category, all.not_making_progress
    ));
    sentences
}

/// The monthly county data set as at a day.
/// The files the monthly counts are made from: the inspections' and the rolls' (the pupils in
/// good or better schools), each once.
fn count_sources(evidence: &ReportEvidence) -> Vec<String> {
    let mut sources: Vec<String> = evidence.inspection_sources.to_vec();
    for figure in evidence.rolls {
        if !sources.contains(&figure.source) {
            sources.push(figure.source.clone());
        }
    }
    sources
}

pub fn monthly_data_set(evidence: &ReportEvidence, as_of: NaiveDate) -> Report {
    let rows: Vec<MonthlyFigures> = groups(evidence)
        .iter()
        .map(|(name, belongs)| monthly_figures(evidence, as_of, name, belongs))
        .collect();
    let trend: Vec<(NaiveDate, MonthlyFigures)> = month_ends(as_of)
        .into_iter()
        .map(|day| (day, monthly_figures(evidence, day, "All schools", |_| true)))
        .collect();
    let year_before = &trend[0].1;
    let all = &rows[0];
    let trend_table = Table {
        title: "All schools at the end of each month".to_owned(),
        columns: vec![
            Column::text("As at"),
            Column::number("Open schools"),
            Column::number("Good or outstanding (%)"),
            Column::number("Pupils in good or outstanding schools"),
            Column::number("In an Ofsted category"),
            Column::number("In a category, not making progress"),
        ],
        rows: trend
            .iter()
            .map(|(day, figures)| {
                vec![
                    Cell::Date(*day),
                    Cell::Integer(figures.schools as i64),
                    share(figures.good_or_better, figures.four_point),
                    Cell::Integer(figures.pupils_in_good_or_better as i64),
                    Cell::Integer(figures.in_category as i64),
                    Cell::Integer(figures.not_making_progress as i64),
                ]
            })
            .collect(),
    };
    let open: Vec<Establishment> = evidence
        .schools
        .iter()
        .filter(|school| open_on(school, as_of))
        .cloned()
        .collect();
    let in_category = schools_in_category(&open, evidence.inspections, evidence.commissions, as_of);
    Report {
        name: "monthly-data-set",
        title: "Monthly county data set".to_owned(),
        as_of,
        sections: vec![
            Section {
                sources: count_sources(evidence),
                charts: Vec::new(),
                heading: "Headlines".to_owned(),
                sentences: headline_sentences(all, as_of, year_before),
                tables: vec![figures_table(format!("Schools by phase and type as at {as_of}"), &rows)],
            },
            Section {
                sources: count_sources(evidence),
                charts: Vec::new(),
                heading: "The trend over twelve months".to_owned(),
                sentences: vec![format!(
                    "Each month's figures are as the inspections published by its last day stood; twelve months ago {} schools were in an Ofsted category, now {}.",
                    year_before.in_category, all.in_category
                )],
                tables: vec![trend_table],
            },
            Section {
                sources: evidence.inspection_sources.to_vec(),
                charts: Vec::new(),
                heading: "Schools in an Ofsted category and their support".to_owned(),
                sentences: vec![format!(
                    "{} schools are in a category, those not making progress first, with the support commissioned since they were placed in it.",
                    in_category.len()
                )],
                tables: vec![in_category_table(&in_category, as_of)],
            },
        ],
    }
}
