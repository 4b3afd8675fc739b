//! Outcomes RAG-rated against comparators, as in the table of Oxfordshire's vulnerable learners
//! strategy (seed 000): for each headline measure and pupil group, the LA beside its statistical
//! neighbours, its region and England, each rated green where the LA is at or better than it,
//! amber where worse within a margin and red where worse beyond it, by the measure's polarity;
//! and, as the DfE's LAIT shows them, the LA's quartile band among all LAs (A the lowest quarter
//! of values, D the highest), its rank (ties sharing the better rank) and its change on the year.

use chrono::NaiveDate;

use super::area::{cell, derived_cell, group_figure, sources_sentence, value};
use super::{Report, ReportEvidence, Section};
use crate::categorisation::Quartiles;
use crate::establishment::PhaseGroup;
use crate::figure::Comparator;
use crate::measure::{Measure, Polarity, PupilGroup, Unit};
use crate::table::{Cell, Column, Table};
use crate::year::AcademicYear;

const MEASURES: [Measure; 9] = [
    Measure::EyfsGoodLevelOfDevelopment,
    Measure::PhonicsExpectedStandard,
    Measure::Ks2ReadingWritingMathsExpected,
    Measure::Ks4EnglishMathsGrade4,
    Measure::Ks4Attainment8,
    Measure::Ks4Progress8,
    Measure::OverallAbsence,
    Measure::PersistentAbsence,
    Measure::SuspensionRate,
];

const GROUPS: [PupilGroup; 4] = [
    PupilGroup::All,
    PupilGroup::Disadvantaged,
    PupilGroup::SenSupport,
    PupilGroup::EhcPlan,
];

/// How far worse than a comparator is amber rather than red, in the measure's unit.
pub fn margin(measure: Measure) -> f64 {
    match measure.unit() {
        Unit::Percent | Unit::Points => 1.0,
        Unit::Score | Unit::RatePer100 => 0.1,
        Unit::Count => 0.0,
    }
}

/// Green, amber or red: the LA against a comparator, by the measure's polarity; none where the
/// measure has no better direction.
pub fn rag(measure: Measure, la: f64, comparator: f64) -> Option<&'static str> {
    let better_by = match measure.polarity() {
        Polarity::HighIsGood => la - comparator,
        Polarity::LowIsGood => comparator - la,
        Polarity::Neither => return None,
    };
    // Figures are published to a decimal place or two: a hair's difference is no difference.
    Some(if better_by >= -1e-9 {
        "Green"
    } else if better_by >= -margin(measure) - 1e-9 {
        "Amber"
    } else {
        "Red"
    })
}

/// The quartile band of a value among all LAs' values: A the lowest quarter to D the highest.
pub fn band(value: f64, quartiles: &Quartiles) -> &'static str {
    if value <= quartiles.lower {
        "A"
    } else if value <= quartiles.median {
        "B"
    } else if value <= quartiles.upper {
        "C"
    } else {
        "D"
    }
}

/// The rank of a value among all LAs', best first by the measure's polarity; ties share the
/// better rank.
pub fn rank(measure: Measure, value: f64, all: &[f64]) -> Option<usize> {
    let better = |other: f64| match measure.polarity() {
        Polarity::HighIsGood => other > value,
        Polarity::LowIsGood => other < value,
        Polarity::Neither => false,
    };
    (measure.polarity() != Polarity::Neither).then(|| 1 + all.iter().filter(|other| better(**other)).count())
}

fn every_la_values(evidence: &ReportEvidence, measure: Measure, group: PupilGroup, year: AcademicYear) -> Vec<f64> {
    let mut latest: std::collections::HashMap<crate::identifiers::LaCode, (crate::figure::Release, f64)> =
        std::collections::HashMap::new();
    for (la, figure) in evidence.every_la {
        if figure.measure == measure
            && figure.group == group
            && figure.year == year
            && figure.phase_group == PhaseGroup::AllSchools
            && let Some(value) = figure.figure.value()
        {
            let held = latest.entry(*la).or_insert((figure.release, value));
            if held.0 < figure.release {
                *held = (figure.release, value);
            }
        }
    }
    latest.into_values().map(|(_, value)| value).collect()
}

/// The fewest LAs whose figures make quartile bands and a rank worth showing.
const FEWEST_LAS: usize = 4;

fn row(evidence: &ReportEvidence, measure: Measure, group: PupilGroup) -> Option<Vec<Cell>> {
    let held = |comparator, year| {
        group_figure(
            evidence.comparators,
            comparator,
            PhaseGroup::AllSchools,
            measure,
            group,
            year,
        )
    };
    let of = |comparator, year| value(held(comparator, year));
    let year = evidence
        .comparators
        .iter()
        .filter(|held| {
            held.comparator == Comparator::LocalAuthority
                && held.measure == measure
                && held.group == group
                && held.phase_group == PhaseGroup::AllSchools
                && held.figure.value().is_some()
        })
        .map(|held| held.year)
        .max()?;
    let la = of(Comparator::LocalAuthority, year)?;
    let mut cells = vec![
        Cell::Text(measure.label().to_owned()),
        Cell::Text(group.label().to_owned()),
        Cell::Text(year.to_string()),
        cell(measure, held(Comparator::LocalAuthority, year)),
    ];
    for comparator in [
        Comparator::StatisticalNeighbours,
        Comparator::Region,
        Comparator::England,
    ] {
        match of(comparator, year) {
            Some(theirs) => {
                cells.push(cell(measure, held(comparator, year)));
                cells.push(Cell::Text(rag(measure, la, theirs).unwrap_or("").to_owned()));
            }
            None => cells.extend([Cell::Missing(String::new()), Cell::Missing(String::new())]),
        }
    }
    let mut all = every_la_values(evidence, measure, group, year);
    if all.len() >= FEWEST_LAS {
        let ranked = rank(measure, la, &all);
        let quartiles = Quartiles::of(&mut all);
        cells.push(Cell::Text(
            quartiles.map_or_else(String::new, |quartiles| band(la, &quartiles).to_owned()),
        ));
        cells.push(Cell::Text(
            ranked.map_or_else(String::new, |ranked| format!("{ranked} of {}", all.len())),
        ));
    } else {
        cells.extend([Cell::Missing(String::new()), Cell::Missing(String::new())]);
    }
    cells.push(derived_cell(
        measure,
        of(Comparator::LocalAuthority, year.previous()).map(|before| la - before),
        &[
            held(Comparator::LocalAuthority, year),
            held(Comparator::LocalAuthority, year.previous()),
        ],
    ));
    Some(cells)
}

/// The RAG table as at a day, of the latest year each measure is held for.
pub fn rag_report(evidence: &ReportEvidence, as_of: NaiveDate) -> Report {
    let rows: Vec<Vec<Cell>> = MEASURES
        .iter()
        .flat_map(|measure| GROUPS.iter().map(move |group| (*measure, *group)))
        .filter_map(|(measure, group)| row(evidence, measure, group))
        .collect();
    let count = |colour: &str| {
        rows.iter()
            .flat_map(|row| row.iter())
            .filter(|cell| matches!(cell, Cell::Text(text) if text == colour))
            .count()
    };
    let las = evidence
        .every_la
        .iter()
        .map(|(la, _)| *la)
        .collect::<std::collections::HashSet<_>>()
        .len();
    let mut sentences = vec![
        format!(
            "Of {} ratings against the statistical neighbours, region and England, {} are green, {} amber and {} red.",
            count("Green") + count("Amber") + count("Red"),
            count("Green"),
            count("Amber"),
            count("Red")
        ),
        "Green: the LA at or better than the comparator; amber: worse by no more than 1 percentage point (1 point of Attainment 8, 0.1 of a progress score or a rate per 100 pupils); red: worse by more. For absence and suspensions, lower is better.".to_owned(),
    ];
    sentences.push(if las >= FEWEST_LAS {
        format!("Quartile bands and ranks are among the {las} LAs whose figures are held: band A is the lowest quarter of values, D the highest; rank 1 is the best.")
    } else {
        "Quartile bands and ranks need every LA's figures, which come with LAIT or the performance tables' LA rows; they are not shown until those are imported.".to_owned()
    });
    sentences.extend(sources_sentence(evidence.comparators, &MEASURES));
    if evidence.la.is_none() {
        sentences.push(
            "No LA is set up for this deployment (stride setup), so the LA's own comparators are not known.".to_owned(),
        );
    }
    Report {
        name: "rag",
        title: "Outcomes against comparators".to_owned(),
        as_of,
        sections: vec![Section {
            sources: Vec::new(),
            charts: Vec::new(),
            heading: "Each measure and pupil group, RAG-rated".to_owned(),
            sentences,
            tables: vec![Table {
                title: "The LA against its statistical neighbours, region and England".to_owned(),
                columns: vec![
                    Column::text("Measure"),
                    Column::text("Pupils"),
                    Column::text("Year"),
                    Column::number("LA"),
                    Column::number("Statistical neighbours"),
                    Column::text("Against neighbours"),
                    Column::number("Region"),
                    Column::text("Against region"),
                    Column::number("England"),
                    Column::text("Against England"),
                    Column::text("Quartile band"),
                    Column::text("Rank among LAs"),
                    Column::number("Change on the year"),
                ],
                rows,
            }],
        }],
    }
}
