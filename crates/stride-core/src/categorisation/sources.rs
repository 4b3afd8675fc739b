//! The sources of the figures an indicator read: each school figure's and comparator's
//! publication, so that a reason can be traced to the file it came from. Inspections and
//! intelligence are named in the reason itself (published on, recorded by).

use crate::figure::Comparator;
use crate::measure::{Measure, PupilGroup};
use crate::year::AcademicYear;

use super::evidence::SchoolEvidence;
use super::rule_set::{IndicatorRule, Test};

/// The distinct sources of the figures the indicator's test reads for the school, in the order
/// read: the school's own figures first, then its comparators'.
pub(super) fn sources(indicator: &IndicatorRule, evidence: &SchoolEvidence<'_>) -> Vec<String> {
    let mut found = Sources::default();
    match &indicator.test {
        Test::BottomQuartile { measure, group } | Test::WorseThan { measure, group, .. } => {
            found.school_latest(evidence, *measure, *group);
        }
        Test::WorseThanComparator {
            measure,
            group,
            comparator,
            ..
        } => {
            if let Some(year) = found.school_latest(evidence, *measure, *group) {
                found.comparator(evidence, *comparator, *measure, *group, year);
            }
        }
        Test::Declining {
            measure, group, years, ..
        } => {
            found.school_run(evidence, *measure, *group, *years);
        }
        Test::GapWidening {
            measure,
            group,
            comparator,
            compared_with,
            years,
        } => {
            for year in found.school_run(evidence, *measure, *group, *years) {
                found.comparator(evidence, *comparator, *measure, *compared_with, year);
            }
        }
        Test::RollFalling { years, .. } => {
            if let Some(latest) = evidence.latest_year(Measure::PupilsOnRoll, PupilGroup::All) {
                for year in [latest.last(years + 1)[0], latest] {
                    found.school(evidence, Measure::PupilsOnRoll, PupilGroup::All, year);
                }
            }
        }
        Test::InspectionOutcome { .. }
        | Test::CategoryOfConcern
        | Test::SuccessiveRequiresImprovement { .. }
        | Test::Intelligence { .. } => {}
    }
    found.0
}

#[derive(Default)]
struct Sources(Vec<String>);

impl Sources {
    fn add(&mut self, source: &str) {
        if !source.is_empty() && !self.0.iter().any(|held| held == source) {
            self.0.push(source.to_owned());
        }
    }

    fn school(&mut self, evidence: &SchoolEvidence<'_>, measure: Measure, group: PupilGroup, year: AcademicYear) {
        if let Some(figure) = evidence.figure(measure, group, year) {
            self.add(&figure.source);
        }
    }

    /// The latest year's figure, as the tests read it; that year.
    fn school_latest(
        &mut self,
        evidence: &SchoolEvidence<'_>,
        measure: Measure,
        group: PupilGroup,
    ) -> Option<AcademicYear> {
        let year = evidence.latest_year(measure, group)?;
        self.school(evidence, measure, group, year);
        Some(year)
    }

    /// The last `years` + 1 years' figures ending with the latest; those years.
    fn school_run(
        &mut self,
        evidence: &SchoolEvidence<'_>,
        measure: Measure,
        group: PupilGroup,
        years: usize,
    ) -> Vec<AcademicYear> {
        let Some(latest) = evidence.latest_year(measure, group) else {
            return Vec::new();
        };
        let run = latest.last(years + 1);
        for year in &run {
            self.school(evidence, measure, group, *year);
        }
        run
    }

    fn comparator(
        &mut self,
        evidence: &SchoolEvidence<'_>,
        comparator: Comparator,
        measure: Measure,
        group: PupilGroup,
        year: AcademicYear,
    ) {
        if let Some(figure) = evidence.comparator(comparator, measure, group, year) {
            self.add(&figure.source);
        }
    }
}
