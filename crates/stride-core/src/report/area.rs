//! Reading the LA's comparators for a report: an area's figure of a measure for a phase, pupil
//! group and year at its latest release, written as a table's cell.

use crate::establishment::PhaseGroup;
use crate::figure::{Comparator, ComparatorFigure, Figure};
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
) -> Option<Figure> {
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
) -> Option<Figure> {
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
        .map(|held| held.figure)
}

pub(super) fn cell(measure: Measure, figure: Option<Figure>) -> Cell {
    match figure {
        Some(Figure::Value(value)) => Cell::Number {
            value,
            decimals: measure.decimals(),
        },
        Some(Figure::Missing(reason)) => Cell::Missing(reason.mark().to_owned()),
        None => Cell::Missing(String::new()),
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

pub(super) fn value(figure: Option<Figure>) -> Option<f64> {
    figure.and_then(Figure::value)
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
