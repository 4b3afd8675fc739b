//! Reading the LA's comparators for a report: an area's figure of a measure for a phase, pupil
//! group and year at its latest release, written as a table's cell.

use crate::establishment::PhaseGroup;
use crate::figure::{Comparator, ComparatorFigure};
use crate::measure::{Measure, PupilGroup};
use crate::table::Cell;
use crate::year::AcademicYear;

pub(super) const COMPARATORS: [Comparator; 3] = [
    Comparator::LocalAuthority,
    Comparator::StatisticalNeighbours,
    Comparator::England,
];

/// The area's figure of a measure for a phase in a year, all pupils, at its latest release.
pub(super) fn figure(
    comparators: &[ComparatorFigure],
    comparator: Comparator,
    phase: PhaseGroup,
    measure: Measure,
    year: AcademicYear,
) -> Option<&ComparatorFigure> {
    group_figure(comparators, comparator, phase, measure, PupilGroup::All, year)
}

/// The area's figure of a measure for a phase and pupil group in a year, at its latest release.
pub(super) fn group_figure(
    comparators: &[ComparatorFigure],
    comparator: Comparator,
    phase: PhaseGroup,
    measure: Measure,
    group: PupilGroup,
    year: AcademicYear,
) -> Option<&ComparatorFigure> {
    comparators
        .iter()
        .filter(|held| {
            held.comparator == comparator
                && held.phase_group == phase
                && held.measure == measure
                && held.year == year
                && held.group == group
        })
        .max_by_key(|held| held.release)
}

/// A figure's cell, linked to the source it was imported from.
pub(super) fn cell(measure: Measure, held: Option<&ComparatorFigure>) -> Cell {
    match held {
        Some(held) => Cell::of_figure(held.figure, measure.decimals(), &held.source),
        None => Cell::Missing(String::new()),
    }
}

/// A figure worked out from others (a gap, a mean) as a cell: its source is theirs, where they
/// share one.
pub(super) fn derived_cell(measure: Measure, value: Option<f64>, from: &[Option<&ComparatorFigure>]) -> Cell {
    let Some(value) = value else {
        return Cell::Missing(String::new());
    };
    let sources: Vec<&str> = from.iter().flatten().map(|held| held.source.as_str()).collect();
    match sources.split_first() {
        Some((first, rest)) if rest.iter().all(|source| source == first) => Cell::Sourced {
            value,
            decimals: measure.decimals(),
            source: (*first).to_owned(),
        },
        _ => Cell::Number {
            value,
            decimals: measure.decimals(),
        },
    }
}

/// The years any of the LA's figures of these measures are held for, oldest first.
pub(super) fn years(comparators: &[ComparatorFigure], measures: &[Measure]) -> Vec<AcademicYear> {
    let mut years: Vec<AcademicYear> = comparators
        .iter()
        .filter(|held| held.comparator == Comparator::LocalAuthority && measures.contains(&held.measure))
        .map(|held| held.year)
        .collect();
    years.sort();
    years.dedup();
    years
}

pub(super) fn value(held: Option<&ComparatorFigure>) -> Option<f64> {
    held.and_then(|held| held.figure.value())
}

/// The sentence naming where a section's figures came from: each source the LA's comparators of
/// these measures were imported from, as held beside each figure.
pub(super) fn sources_sentence(comparators: &[ComparatorFigure], measures: &[Measure]) -> Option<String> {
    let mut sources: Vec<&str> = comparators
        .iter()
        .filter(|held| measures.contains(&held.measure))
        .map(|held| held.source.as_str())
        .collect();
    sources.sort_unstable();
    sources.dedup();
    const LISTED: usize = 6;
    match sources.len() {
        0 => None,
        count if count <= LISTED => Some(format!("Sources: {}.", sources.join("; "))),
        count => Some(format!(
            "Sources: {}, and {} more (stride export figures gives each figure's source).",
            sources[..LISTED].join("; "),
            count - LISTED
        )),
    }
}

/// A chart of a measure for a phase year by year: a line for each of the LA, its statistical
/// neighbours and England. None where the LA holds no year of it.
pub(super) fn trend_chart(
    comparators: &[ComparatorFigure],
    title: String,
    measure: Measure,
    phase: PhaseGroup,
) -> Option<super::Chart> {
    let held = years(comparators, &[measure]);
    let chart = super::Chart {
        title,
        measure,
        years: held.iter().map(ToString::to_string).collect(),
        lines: COMPARATORS
            .iter()
            .map(|comparator| super::ChartLine {
                label: comparator.label().to_owned(),
                values: held
                    .iter()
                    .map(|year| value(figure(comparators, *comparator, phase, measure, *year)))
                    .collect(),
            })
            .collect(),
    };
    chart.has_values().then_some(chart)
}
