//! Figures: one published value of a measure, for a school or a comparator area, in one academic
//! year, for one pupil group, with its cohort, source and release.

use serde::{Deserialize, Serialize};

use crate::coded::coded_enum;
use crate::establishment::PhaseGroup;
use crate::identifiers::Urn;
use crate::measure::{Measure, PupilGroup};
use crate::year::AcademicYear;

coded_enum! {
    /// Why a figure has no value. A missing figure is never zero: each reason reads differently.
    pub enum MissingReason ("reason a figure is missing") {
        Suppressed => ("suppressed", "Suppressed: too few pupils to publish"),
        NotPublished => ("not-published", "Not published for this year"),
        NoPupils => ("no-pupils", "No pupils in this group"),
        NotCollected => ("not-collected", "Not held"),
    }
}

impl MissingReason {
    /// The short mark a table cell shows, as the DfE's own tables do.
    pub fn mark(self) -> &'static str {
        match self {
            MissingReason::Suppressed => "SUPP",
            MissingReason::NotPublished => "NP",
            MissingReason::NoPupils => "NE",
            MissingReason::NotCollected => "–",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Figure {
    Value(f64),
    Missing(MissingReason),
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{value} is outside the range of {measure} ({low} to {high})")]
pub struct FigureOutOfRange {
    pub measure: Measure,
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

impl Figure {
    /// A value, checked against the measure's valid range.
    pub fn checked(measure: Measure, value: f64) -> Result<Figure, FigureOutOfRange> {
        let range = measure.valid_range();
        if value.is_finite() && range.contains(&value) {
            Ok(Figure::Value(value))
        } else {
            Err(FigureOutOfRange {
                measure,
                value,
                low: *range.start(),
                high: *range.end(),
            })
        }
    }

    pub fn value(self) -> Option<f64> {
        match self {
            Figure::Value(value) => Some(value),
            Figure::Missing(_) => None,
        }
    }

    /// The figure as a table cell shows it.
    pub fn display(self, measure: Measure) -> String {
        match self {
            Figure::Value(value) => measure.format(value),
            Figure::Missing(reason) => reason.mark().to_owned(),
        }
    }
}

coded_enum! {
    /// How final a figure is: revised data supersedes provisional, and the history stays.
    pub enum Release ("release") {
        Provisional => ("provisional", "Provisional"),
        Revised => ("revised", "Revised"),
        Final => ("final", "Final"),
    }
}

coded_enum! {
    /// The areas a school's figures are compared with.
    pub enum Comparator ("comparator") {
        LocalAuthority => ("la", "LA"),
        StatisticalNeighbours => ("statistical-neighbours", "Statistical neighbours"),
        Region => ("region", "Region"),
        England => ("england", "England"),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolFigure {
    pub urn: Urn,
    pub measure: Measure,
    pub year: AcademicYear,
    pub group: PupilGroup,
    pub figure: Figure,
    /// The pupils the figure is about (the eligible cohort), where published.
    pub cohort: Option<u32>,
    pub source: String,
    pub release: Release,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparatorFigure {
    pub comparator: Comparator,
    /// Absence and exclusions are published per phase, so a primary school is read against
    /// primary schools nationally.
    pub phase_group: PhaseGroup,
    pub measure: Measure,
    pub year: AcademicYear,
    pub group: PupilGroup,
    pub figure: Figure,
    pub source: String,
    pub release: Release,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_outside_its_range_is_refused() {
        assert!(Figure::checked(Measure::OverallAbsence, 101.0).is_err());
        assert!(Figure::checked(Measure::Ks4Progress8, f64::NAN).is_err());
        assert_eq!(Figure::checked(Measure::Ks4Progress8, -1.2), Ok(Figure::Value(-1.2)));
    }

    #[test]
    fn a_missing_figure_shows_its_reason_not_zero() {
        let suppressed = Figure::Missing(MissingReason::Suppressed);
        assert_eq!(suppressed.display(Measure::Ks4Attainment8), "SUPP");
        assert_eq!(suppressed.value(), None);
    }
}
