//! The annual standards report to cabinet, in the structure of Southend's (seed 003): headlines,
//! each key stage with its trend, vulnerable groups, exclusions and absence, and the quality of
//! schools, each with short factual sentences written from the figures for an officer to edit.

use chrono::NaiveDate;

use super::area::{cell, figure, sources_sentence, trend_chart, value, years};
use super::gaps::{KEY_STAGES, gaps_section};
use super::{Report, ReportEvidence, Section, exclusions_and_absence, monthly_data_set};
use crate::establishment::PhaseGroup;
use crate::figure::{Comparator, ComparatorFigure};
use crate::measure::{Measure, Unit};
use crate::support::difference_in_words;
use crate::table::{Cell, Column, Table};

/// The measures of each key stage's section, in order.
const SECTIONS: [(&str, &[Measure]); 3] = [
    (
        "The early years and phonics",
        &[Measure::EyfsGoodLevelOfDevelopment, Measure::PhonicsExpectedStandard],
    ),
    (
        "Key stage 2",
        &[
            Measure::Ks2ReadingWritingMathsExpected,
            Measure::Ks2ReadingProgress,
            Measure::Ks2WritingProgress,
            Measure::Ks2MathsProgress,
        ],
    ),
    (
        "Key stage 4",
        &[
            Measure::Ks4Attainment8,
            Measure::Ks4Progress8,
            Measure::Ks4EnglishMathsGrade4,
            Measure::Ks4SustainedDestination,
        ],
    ),
];

/// A measure year by year: the LA, its statistical neighbours, the region and England.
fn trend_table(comparators: &[ComparatorFigure], measure: Measure) -> Table {
    let areas = [
        Comparator::LocalAuthority,
        Comparator::StatisticalNeighbours,
        Comparator::Region,
        Comparator::England,
    ];
    let mut columns = vec![Column::text("Academic year")];
    columns.extend(areas.iter().map(|area| Column::number(area.label())));
    Table {
        title: format!("{} ({})", measure.label(), measure.unit_label()),
        columns,
        rows: years(comparators, &[measure])
            .into_iter()
            .map(|year| {
                let mut row = vec![Cell::Text(year.to_string())];
                row.extend(areas.iter().map(|area| {
                    cell(
                        measure,
                        figure(comparators, *area, PhaseGroup::AllSchools, measure, year),
                    )
                }));
                row
            })
            .collect(),
    }
}

/// "The percentage of pupils reaching the expected standard rose from 71.0% in 2024/25 to 74.0%
/// in 2025/26, 2.0 percentage points above England."
pub(super) fn measure_sentence(comparators: &[ComparatorFigure], measure: Measure, what: &str) -> Option<String> {
    let held = years(comparators, &[measure]);
    let latest = *held.last()?;
    let at = |area: Comparator, year| value(figure(comparators, area, PhaseGroup::AllSchools, measure, year));
    let now = at(Comparator::LocalAuthority, latest)?;
    let subject = match measure.unit() {
        Unit::Percent => format!("The percentage of pupils reaching {what}"),
        Unit::Score => format!(
            "The LA's {} score",
            measure
                .label()
                .replace(": ", " ")
                .replace("KS2", "key stage 2")
                .replace("KS4", "key stage 4")
        ),
        _ => format!("The LA's average {what}"),
    };
    let mut sentence = match at(Comparator::LocalAuthority, latest.previous()) {
        Some(before) if (now - before).abs() >= 0.05 => format!(
            "{subject} {} from {} in {} to {} in {latest}",
            if now > before { "rose" } else { "fell" },
            measure.format(before),
            latest.previous(),
            measure.format(now)
        ),
        Some(_) => format!("{subject} was {} in {latest}, as the year before", measure.format(now)),
        None => format!("{subject} was {} in {latest}", measure.format(now)),
    };
    if let Some(england) = at(Comparator::England, latest) {
        let difference = now - england;
        sentence.push_str(&if difference.abs() < 0.05 {
            format!(", in line with England ({})", measure.format(england))
        } else {
            format!(
                ", {} {} England ({})",
                difference_in_words(measure, difference),
                if difference > 0.0 { "above" } else { "below" },
                measure.format(england)
            )
        });
    }
    sentence.push('.');
    Some(sentence)
}

fn key_stage_section(comparators: &[ComparatorFigure], heading: &str, measures: &[Measure]) -> Section {
    let described = |measure: Measure| {
        KEY_STAGES
            .iter()
            .find(|(held, _)| *held == measure)
            .map_or_else(|| measure.label().to_owned(), |(_, what)| (*what).to_owned())
    };
    let held: Vec<Measure> = measures
        .iter()
        .copied()
        .filter(|measure| !years(comparators, &[*measure]).is_empty())
        .collect();
    let mut sentences: Vec<String> = held
        .iter()
        .filter_map(|measure| measure_sentence(comparators, *measure, &described(*measure)))
        .collect();
    if sentences.is_empty() {
        sentences.push("No figures of the LA's are held for this key stage.".to_owned());
    }
    sentences.extend(sources_sentence(comparators, &held));
    Section {
        sources: Vec::new(),
        heading: heading.to_owned(),
        sentences,
        tables: held.iter().map(|measure| trend_table(comparators, *measure)).collect(),
        // The headline measure of the key stage, the first held, drawn.
        charts: held
            .first()
            .and_then(|measure| {
                trend_chart(
                    comparators,
                    format!("{} ({})", measure.label(), measure.unit_label()),
                    *measure,
                    PhaseGroup::AllSchools,
                )
            })
            .into_iter()
            .collect(),
    }
}

/// The annual standards report as at a day.
pub fn standards_report(evidence: &ReportEvidence, as_of: NaiveDate) -> Report {
    let comparators = evidence.comparators;
    let key_stages: Vec<Section> = SECTIONS
        .iter()
        .map(|(heading, measures)| key_stage_section(comparators, heading, measures))
        .collect();
    let monthly = monthly_data_set(evidence, as_of);
    let absence = exclusions_and_absence(evidence, as_of);
    let mut headlines: Vec<String> = key_stages
        .iter()
        .filter_map(|section| section.sentences.first().cloned())
        .filter(|sentence| !sentence.starts_with("No figures"))
        .collect();
    if let Some(quality) = monthly.sections.first().and_then(|section| section.sentences.first()) {
        headlines.push(quality.clone());
    }
    if let Some(attendance) = absence.sections.first().and_then(|section| section.sentences.first()) {
        headlines.push(attendance.clone());
    }
    let mut sections = vec![Section {
        sources: Vec::new(),
        charts: Vec::new(),
        heading: "Headlines".to_owned(),
        sentences: headlines,
        tables: Vec::new(),
    }];
    sections.extend(key_stages);
    sections.push(gaps_section(comparators));
    sections.extend(absence.sections);
    if let Some(quality) = monthly.sections.into_iter().next() {
        sections.push(Section {
            heading: "The quality of schools".to_owned(),
            ..quality
        });
    }
    Report {
        name: "standards",
        title: "Annual report on the standards of schools".to_owned(),
        as_of,
        sections,
    }
}

/// The gaps on their own.
pub fn gaps_report(evidence: &ReportEvidence, as_of: NaiveDate) -> Report {
    Report {
        name: "gaps",
        title: "Gaps over time".to_owned(),
        as_of,
        sections: vec![gaps_section(evidence.comparators)],
    }
}
