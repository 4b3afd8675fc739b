//! Exclusions and absence by phase, the LA against its statistical neighbours and England, in the
//! shape of Southend's annual report to cabinet (seed 003, sections 6.6 and 6.7): the latest
//! year's absence by phase, its trend, and suspensions and permanent exclusions year by year.
//! Rates as the DfE publishes them (suspensions and permanent exclusions per 100 pupils), not
//! counts of pupils.

use chrono::NaiveDate;

use super::area::{COMPARATORS, cell, figure, sources_sentence, trend_chart, value, years};
use super::{Report, ReportEvidence, Section};
use crate::establishment::PhaseGroup;
use crate::figure::{Comparator, ComparatorFigure};
use crate::measure::Measure;
use crate::table::{Cell, Column, Table};
use crate::year::AcademicYear;

fn latest_absence_table(comparators: &[ComparatorFigure], year: AcademicYear) -> Table {
    let phases = [PhaseGroup::Primary, PhaseGroup::Secondary, PhaseGroup::Special];
    let measures = [Measure::OverallAbsence, Measure::PersistentAbsence];
    let mut columns = vec![Column::text("Area")];
    for phase in phases {
        for measure in measures {
            columns.push(Column::number(format!(
                "{}: {} (%)",
                phase.label(),
                measure.label().to_lowercase()
            )));
        }
    }
    Table {
        title: format!("Absence by phase, {year}"),
        columns,
        rows: COMPARATORS
            .iter()
            .map(|comparator| {
                let mut row = vec![Cell::Text(comparator.label().to_owned())];
                for phase in phases {
                    for measure in measures {
                        row.push(cell(measure, figure(comparators, *comparator, phase, measure, year)));
                    }
                }
                row
            })
            .collect(),
    }
}

/// A measure year by year: a column for each phase and area.
fn trend_table(comparators: &[ComparatorFigure], title: &str, measure: Measure, phases: &[PhaseGroup]) -> Table {
    let mut columns = vec![Column::text("Academic year")];
    for phase in phases {
        for comparator in COMPARATORS {
            columns.push(Column::number(format!("{}: {}", phase.label(), comparator.label())));
        }
    }
    Table {
        title: title.to_owned(),
        columns,
        rows: years(comparators, &[measure])
            .into_iter()
            .map(|year| {
                let mut row = vec![Cell::Text(year.to_string())];
                for phase in phases {
                    for comparator in COMPARATORS {
                        row.push(cell(measure, figure(comparators, comparator, *phase, measure, year)));
                    }
                }
                row
            })
            .collect(),
    }
}

/// "Overall absence in primary schools fell from 5.1% in 2023/24 to 4.6% in 2024/25, against
/// 4.5% among statistical neighbours and 4.4% in England."
fn absence_sentence(comparators: &[ComparatorFigure], phase: PhaseGroup, year: AcademicYear) -> Option<String> {
    let measure = Measure::OverallAbsence;
    let now = value(figure(comparators, Comparator::LocalAuthority, phase, measure, year))?;
    let before = value(figure(
        comparators,
        Comparator::LocalAuthority,
        phase,
        measure,
        year.previous(),
    ));
    let neighbours = value(figure(
        comparators,
        Comparator::StatisticalNeighbours,
        phase,
        measure,
        year,
    ));
    let england = value(figure(comparators, Comparator::England, phase, measure, year));
    let phase_name = phase.label().to_lowercase();
    let mut sentence = match before {
        Some(before) if (now - before).abs() >= 0.05 => format!(
            "Overall absence in the LA's {phase_name} schools {} from {} in {} to {} in {year}",
            if now < before { "fell" } else { "rose" },
            measure.format(before),
            year.previous(),
            measure.format(now)
        ),
        Some(_) => format!(
            "Overall absence in the LA's {phase_name} schools was {} in {year}, as in {}",
            measure.format(now),
            year.previous()
        ),
        None => format!(
            "Overall absence in the LA's {phase_name} schools was {} in {year}",
            measure.format(now)
        ),
    };
    let mut against = Vec::new();
    if let Some(neighbours) = neighbours {
        against.push(format!(
            "{} among its statistical neighbours",
            measure.format(neighbours)
        ));
    }
    if let Some(england) = england {
        against.push(format!("{} in England", measure.format(england)));
    }
    if !against.is_empty() {
        sentence.push_str(&format!(", against {}", against.join(" and ")));
    }
    sentence.push('.');
    Some(sentence)
}

fn exclusion_sentence(comparators: &[ComparatorFigure], measure: Measure, year: AcademicYear) -> Option<String> {
    let now = value(figure(
        comparators,
        Comparator::LocalAuthority,
        PhaseGroup::AllSchools,
        measure,
        year,
    ))?;
    let england = value(figure(
        comparators,
        Comparator::England,
        PhaseGroup::AllSchools,
        measure,
        year,
    ));
    Some(format!(
        "{} in {year}: {} per 100 pupils in the LA's schools{}.",
        measure.label(),
        measure.format(now),
        england.map_or_else(String::new, |england| format!(
            ", {} in England",
            measure.format(england)
        ))
    ))
}

/// Exclusions and absence as at a day, from the latest year held.
pub fn exclusions_and_absence(evidence: &ReportEvidence, as_of: NaiveDate) -> Report {
    let comparators = evidence.comparators;
    let absence_years = years(comparators, &[Measure::OverallAbsence, Measure::PersistentAbsence]);
    let exclusion_years = years(comparators, &[Measure::SuspensionRate, Measure::PermanentExclusionRate]);
    let mut absence = Section {
        sources: Vec::new(),
        charts: Vec::new(),
        heading: "Absence".to_owned(),
        sentences: Vec::new(),
        tables: Vec::new(),
    };
    match absence_years.last() {
        Some(year) => {
            absence.sentences = [PhaseGroup::Primary, PhaseGroup::Secondary]
                .iter()
                .filter_map(|phase| absence_sentence(comparators, *phase, *year))
                .collect();
            absence.tables.push(latest_absence_table(comparators, *year));
            absence
                .charts
                .extend([PhaseGroup::Primary, PhaseGroup::Secondary].iter().filter_map(|phase| {
                    trend_chart(
                        comparators,
                        format!("Overall absence in {} schools (%)", phase.label().to_lowercase()),
                        Measure::OverallAbsence,
                        *phase,
                    )
                }));
            absence.tables.push(trend_table(
                comparators,
                "Overall absence by year (%)",
                Measure::OverallAbsence,
                &[PhaseGroup::Primary, PhaseGroup::Secondary],
            ));
        }
        None => absence
            .sentences
            .push("No absence figures of the LA are held.".to_owned()),
    }
    absence.sentences.extend(sources_sentence(
        comparators,
        &[Measure::OverallAbsence, Measure::PersistentAbsence],
    ));
    let mut exclusions = Section {
        sources: Vec::new(),
        charts: Vec::new(),
        heading: "Suspensions and permanent exclusions".to_owned(),
        sentences: Vec::new(),
        tables: Vec::new(),
    };
    match exclusion_years.last() {
        Some(year) => {
            exclusions.sentences = [Measure::SuspensionRate, Measure::PermanentExclusionRate]
                .iter()
                .filter_map(|measure| exclusion_sentence(comparators, *measure, *year))
                .collect();
            for (measure, title) in [
                (Measure::SuspensionRate, "Suspensions per 100 pupils by year"),
                (
                    Measure::PermanentExclusionRate,
                    "Permanent exclusions per 100 pupils by year",
                ),
            ] {
                exclusions.charts.extend(trend_chart(
                    comparators,
                    format!("{title}, all schools"),
                    measure,
                    PhaseGroup::AllSchools,
                ));
                exclusions.tables.push(trend_table(
                    comparators,
                    title,
                    measure,
                    &[
                        PhaseGroup::Primary,
                        PhaseGroup::Secondary,
                        PhaseGroup::Special,
                        PhaseGroup::AllSchools,
                    ],
                ));
            }
        }
        None => exclusions
            .sentences
            .push("No exclusion figures of the LA are held.".to_owned()),
    }
    exclusions.sentences.extend(sources_sentence(
        comparators,
        &[Measure::SuspensionRate, Measure::PermanentExclusionRate],
    ));
    Report {
        name: "exclusions-and-absence",
        title: "Exclusions and absence".to_owned(),
        as_of,
        sections: vec![absence, exclusions],
    }
}
