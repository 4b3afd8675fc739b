//! The evidence a categorisation reads: each school's figures, comparators, inspections and
//! intelligence, and the national spread of every measure by phase, from which quartiles come.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::establishment::{Establishment, PhaseGroup};
use crate::figure::{Comparator, ComparatorFigure, Figure, SchoolFigure};
use crate::identifiers::Urn;
use crate::inspection::Inspection;
use crate::intelligence::IntelligenceItem;
use crate::measure::{Measure, PupilGroup};
use crate::year::AcademicYear;

/// Everything held that a categorisation of some schools reads.
#[derive(Debug, Clone, Default)]
pub struct CategorisationEvidence {
    /// The schools to categorise.
    pub schools: Vec<Establishment>,
    /// Their figures, every year held.
    pub figures: Vec<SchoolFigure>,
    /// Their LA's comparators (LA, statistical neighbours, region, England), every phase.
    pub comparators: Vec<ComparatorFigure>,
    pub inspections: Vec<Inspection>,
    pub intelligence: Vec<IntelligenceItem>,
    /// Every school's figures nationally, with its phase, for the quartiles.
    pub national: Vec<(PhaseGroup, SchoolFigure)>,
}

/// The quartile boundaries of a measure among schools of a phase in a year, computed as
/// spreadsheets' QUARTILE.INC does: linear between the ordered values, the lower quartile at a
/// quarter of the way from the first to the last.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quartiles {
    pub lower: f64,
    pub median: f64,
    pub upper: f64,
    pub schools: usize,
}

impl Quartiles {
    /// None for no values.
    pub fn of(values: &mut [f64]) -> Option<Quartiles> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let at = |share: f64| {
            let position = share * (values.len() - 1) as f64;
            let below = position.floor() as usize;
            let above = position.ceil() as usize;
            values[below] + (values[above] - values[below]) * (position - below as f64)
        };
        Some(Quartiles {
            lower: at(0.25),
            median: at(0.5),
            upper: at(0.75),
            schools: values.len(),
        })
    }
}

pub type QuartileKey = (Measure, PupilGroup, AcademicYear, PhaseGroup);

/// The quartiles of every measure, group, year and phase the national figures hold.
pub fn national_quartiles(national: &[(PhaseGroup, SchoolFigure)]) -> HashMap<QuartileKey, Quartiles> {
    let mut values: HashMap<QuartileKey, Vec<f64>> = HashMap::new();
    for (phase, figure) in latest_releases(national.iter().map(|(phase, figure)| (*phase, figure))) {
        if let Figure::Value(value) = figure.figure {
            values
                .entry((figure.measure, figure.group, figure.year, phase))
                .or_default()
                .push(value);
        }
    }
    values
        .into_iter()
        .filter_map(|(key, mut values)| Quartiles::of(&mut values).map(|quartiles| (key, quartiles)))
        .collect()
}

/// Of figures stated in more than one release, the latest: a final figure supersedes a
/// provisional one.
fn latest_releases<'a, T: Copy + Eq + std::hash::Hash>(
    figures: impl Iterator<Item = (T, &'a SchoolFigure)>,
) -> Vec<(T, &'a SchoolFigure)> {
    let mut latest: HashMap<(Urn, Measure, PupilGroup, AcademicYear), (T, &SchoolFigure)> = HashMap::new();
    for (tag, figure) in figures {
        let key = (figure.urn, figure.measure, figure.group, figure.year);
        match latest.get(&key) {
            Some((_, held)) if held.release >= figure.release => {}
            _ => {
                latest.insert(key, (tag, figure));
            }
        }
    }
    latest.into_values().collect()
}

/// The comparators' figures by what they are, each at its latest release: looked up for every
/// indicator of every school, so built once.
#[derive(Debug, Default)]
pub struct ComparatorIndex<'a> {
    figures: HashMap<(Comparator, PhaseGroup, Measure, PupilGroup, AcademicYear), &'a ComparatorFigure>,
}

impl<'a> ComparatorIndex<'a> {
    pub fn new(comparators: &'a [ComparatorFigure]) -> ComparatorIndex<'a> {
        let mut figures: HashMap<_, &ComparatorFigure> = HashMap::new();
        for figure in comparators {
            let key = (
                figure.comparator,
                figure.phase_group,
                figure.measure,
                figure.group,
                figure.year,
            );
            match figures.get(&key) {
                Some(held) if held.release >= figure.release => {}
                _ => {
                    figures.insert(key, figure);
                }
            }
        }
        ComparatorIndex { figures }
    }
}

/// One school's evidence, as of a date: only what was known then.
#[derive(Debug)]
pub struct SchoolEvidence<'a> {
    pub school: &'a Establishment,
    pub as_of: NaiveDate,
    /// The latest release of each figure, for years before the one the date falls in.
    figures: HashMap<(Measure, PupilGroup, AcademicYear), &'a SchoolFigure>,
    comparators: &'a ComparatorIndex<'a>,
    /// Published by the date, newest first.
    pub inspections: Vec<&'a Inspection>,
    /// Recorded by the date, newest first.
    pub intelligence: Vec<&'a IntelligenceItem>,
    quartiles: &'a HashMap<QuartileKey, Quartiles>,
}

impl<'a> SchoolEvidence<'a> {
    pub fn new(
        school: &'a Establishment,
        as_of: NaiveDate,
        figures: &[&'a SchoolFigure],
        comparators: &'a ComparatorIndex<'a>,
        inspections: &[&'a Inspection],
        intelligence: &[&'a IntelligenceItem],
        quartiles: &'a HashMap<QuartileKey, Quartiles>,
    ) -> SchoolEvidence<'a> {
        let current = AcademicYear::containing(as_of);
        let known = figures.iter().copied().filter(|figure| figure.year < current);
        let figures = latest_releases(known.map(|figure| ((), figure)))
            .into_iter()
            .map(|((), figure)| ((figure.measure, figure.group, figure.year), figure))
            .collect();
        let mut inspections: Vec<&Inspection> = inspections
            .iter()
            .copied()
            .filter(|inspection| inspection.published_on <= as_of)
            .collect();
        inspections.sort_by_key(|inspection| std::cmp::Reverse(inspection.published_on));
        let mut intelligence: Vec<&IntelligenceItem> = intelligence
            .iter()
            .copied()
            .filter(|item| item.recorded_on <= as_of)
            .collect();
        intelligence.sort_by_key(|item| std::cmp::Reverse(item.recorded_on));
        SchoolEvidence {
            school,
            as_of,
            figures,
            comparators,
            inspections,
            intelligence,
            quartiles,
        }
    }

    pub fn figure(&self, measure: Measure, group: PupilGroup, year: AcademicYear) -> Option<&'a SchoolFigure> {
        self.figures.get(&(measure, group, year)).copied()
    }

    /// The latest year before the date for which the school has any figure of the measure.
    pub fn latest_year(&self, measure: Measure, group: PupilGroup) -> Option<AcademicYear> {
        self.figures
            .keys()
            .filter(|(held_measure, held_group, _)| *held_measure == measure && *held_group == group)
            .map(|(_, _, year)| *year)
            .max()
    }

    /// A comparator's figure for the school's phase, or for all schools where the measure is
    /// published for all phases together; the latest release.
    pub fn comparator(
        &self,
        comparator: Comparator,
        measure: Measure,
        group: PupilGroup,
        year: AcademicYear,
    ) -> Option<&'a ComparatorFigure> {
        let phase = self.school.phase.comparator_group();
        let find = |phase_group| {
            self.comparators
                .figures
                .get(&(comparator, phase_group, measure, group, year))
                .copied()
        };
        find(phase).or_else(|| find(PhaseGroup::AllSchools))
    }

    pub fn quartiles(&self, measure: Measure, group: PupilGroup, year: AcademicYear) -> Option<Quartiles> {
        self.quartiles
            .get(&(measure, group, year, self.school.phase.comparator_group()))
            .copied()
    }
}
