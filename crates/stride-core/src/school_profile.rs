//! One school's record: its context, inspections, intelligence and every figure held for it over
//! the years, each beside the same figure for its comparators.

use std::collections::HashMap;

use crate::establishment::Establishment;
use crate::figure::{Comparator, ComparatorFigure, Figure, Release, SchoolFigure};
use crate::import::EstablishmentLink;
use crate::inspection::Inspection;
use crate::intelligence::IntelligenceItem;
use crate::measure::{Measure, PupilGroup};
use crate::table::{Cell, Column, Table};
use crate::year::AcademicYear;

/// One year of one measure for one pupil group: the school's figure and its comparators'.
#[derive(Debug, Clone, PartialEq)]
pub struct YearOfFigures {
    pub year: AcademicYear,
    pub school: Figure,
    pub cohort: Option<u32>,
    pub source: String,
    pub release: Option<Release>,
    /// In the order of [`Comparator::ALL`].
    pub comparators: Vec<Option<Figure>>,
}

impl YearOfFigures {
    pub fn comparator(&self, comparator: Comparator) -> Option<Figure> {
        let index = Comparator::ALL.iter().position(|candidate| *candidate == comparator)?;
        self.comparators.get(index).copied().flatten()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MeasureSeries {
    pub measure: Measure,
    pub group: PupilGroup,
    pub years: Vec<YearOfFigures>,
}

impl MeasureSeries {
    pub fn has_any_value(&self) -> bool {
        self.years.iter().any(|year| year.school.value().is_some())
    }
}

/// The reasons for missing figures that a set of series shows, in their usual order, so that a
/// page explains exactly the marks it uses. A comparator not held shows as not held.
pub fn reasons_shown(series: &[MeasureSeries]) -> Vec<crate::figure::MissingReason> {
    use crate::figure::MissingReason;
    let mut shown = std::collections::HashSet::new();
    for year in series.iter().flat_map(|series| &series.years) {
        if let Figure::Missing(reason) = year.school {
            shown.insert(reason);
        }
        for comparator in &year.comparators {
            match comparator {
                Some(Figure::Missing(reason)) => {
                    shown.insert(*reason);
                }
                None => {
                    shown.insert(MissingReason::NotCollected);
                }
                Some(Figure::Value(_)) => {}
            }
        }
    }
    MissingReason::ALL
        .iter()
        .copied()
        .filter(|reason| shown.contains(reason))
        .collect()
}

/// A predecessor or successor of the school, and whether Stride holds its record.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryLink {
    pub link: EstablishmentLink,
    pub held: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SchoolProfile {
    pub establishment: Establishment,
    /// Predecessors and successors, oldest link first: an academy conversion makes a new URN,
    /// and the school's history runs across both.
    pub history: Vec<HistoryLink>,
    /// Newest first.
    pub inspections: Vec<Inspection>,
    /// Newest first.
    pub intelligence: Vec<IntelligenceItem>,
    pub school_figures: Vec<SchoolFigure>,
    pub comparator_figures: Vec<ComparatorFigure>,
    /// The years the profile covers, oldest first.
    pub years: Vec<AcademicYear>,
}

type FigureKey = (Measure, AcademicYear, PupilGroup);

impl SchoolProfile {
    pub fn measures(&self) -> Vec<Measure> {
        Measure::ALL
            .iter()
            .copied()
            .filter(|measure| measure.applies_to(self.establishment.phase))
            .collect()
    }

    /// The groups for which anything is held, in their usual order.
    pub fn groups(&self) -> Vec<PupilGroup> {
        PupilGroup::ALL
            .iter()
            .copied()
            .filter(|group| self.school_figures.iter().any(|figure| figure.group == *group))
            .collect()
    }

    /// Every measure that applies to the school, for one pupil group, over the profile's years.
    pub fn series_for(&self, group: PupilGroup) -> Vec<MeasureSeries> {
        // Where a figure is held in more than one release, the latest release supersedes.
        let mut school: HashMap<FigureKey, &SchoolFigure> = HashMap::new();
        for figure in &self.school_figures {
            let key = (figure.measure, figure.year, figure.group);
            if school.get(&key).is_none_or(|held| held.release < figure.release) {
                school.insert(key, figure);
            }
        }
        let phase = self.establishment.phase;
        let mut comparator: HashMap<(Comparator, FigureKey), &ComparatorFigure> = HashMap::new();
        for figure in &self.comparator_figures {
            if figure.phase_group != figure.measure.comparator_phase_group(phase) {
                continue;
            }
            let key = (figure.comparator, (figure.measure, figure.year, figure.group));
            if comparator.get(&key).is_none_or(|held| held.release < figure.release) {
                comparator.insert(key, figure);
            }
        }
        self.measures()
            .into_iter()
            .map(|measure| {
                let years = self
                    .years
                    .iter()
                    .map(|year| {
                        let key = (measure, *year, group);
                        let held = school.get(&key);
                        YearOfFigures {
                            year: *year,
                            school: held
                                .map_or(Figure::Missing(crate::figure::MissingReason::NotCollected), |figure| {
                                    figure.figure
                                }),
                            cohort: held.and_then(|figure| figure.cohort),
                            source: held.map_or(String::new(), |figure| figure.source.clone()),
                            release: held.map(|figure| figure.release),
                            comparators: Comparator::ALL
                                .iter()
                                .map(|area| comparator.get(&(*area, key)).map(|figure| figure.figure))
                                .collect(),
                        }
                    })
                    .collect();
                MeasureSeries { measure, group, years }
            })
            .collect()
    }

    /// Pupils on roll for each year of the profile.
    pub fn roll(&self) -> Vec<(AcademicYear, Option<u32>)> {
        self.years
            .iter()
            .map(|year| {
                let roll = self
                    .school_figures
                    .iter()
                    .find(|figure| {
                        figure.measure == Measure::PupilsOnRoll
                            && figure.group == PupilGroup::All
                            && figure.year == *year
                    })
                    .and_then(|figure| figure.figure.value())
                    .map(|value| value.round() as u32);
                (*year, roll)
            })
            .collect()
    }

    /// Every figure of the profile for every group, as one table for download.
    pub fn figures_table(&self) -> Table {
        let mut columns = vec![
            Column::text("Measure"),
            Column::text("Pupil group"),
            Column::text("Academic year"),
            Column::number("School"),
            Column::number("Cohort"),
        ];
        columns.extend(
            Comparator::ALL
                .iter()
                .map(|comparator| Column::number(comparator.label())),
        );
        columns.extend([Column::text("Release"), Column::text("Source")]);
        let mut rows = Vec::new();
        for group in self.groups() {
            for series in self.series_for(group) {
                if series.group != group {
                    continue;
                }
                for year in &series.years {
                    rows.push(figure_row(&series, year));
                }
            }
        }
        Table {
            title: format!("{} ({}): figures", self.establishment.name, self.establishment.urn),
            columns,
            rows,
        }
    }
}

fn figure_cell(measure: Measure, figure: Option<Figure>) -> Cell {
    match figure {
        Some(Figure::Value(value)) => Cell::Number {
            value,
            decimals: measure.decimals(),
        },
        Some(Figure::Missing(reason)) => Cell::Missing(reason.mark().to_owned()),
        None => Cell::Missing(String::new()),
    }
}

fn figure_row(series: &MeasureSeries, year: &YearOfFigures) -> Vec<Cell> {
    let mut row = vec![
        Cell::Text(series.measure.label().to_owned()),
        Cell::Text(series.group.label().to_owned()),
        Cell::Text(year.year.to_string()),
        figure_cell(series.measure, Some(year.school)),
        year.cohort
            .map_or(Cell::Missing(String::new()), |cohort| Cell::Integer(i64::from(cohort))),
    ];
    row.extend(
        year.comparators
            .iter()
            .map(|figure| figure_cell(series.measure, *figure)),
    );
    row.push(Cell::Text(
        year.release.map_or(String::new(), |release| release.label().to_owned()),
    ));
    row.push(Cell::Text(year.source.clone()));
    row
}
