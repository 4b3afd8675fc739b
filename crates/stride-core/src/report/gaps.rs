//! Gaps over time at each key stage, five years: disadvantaged pupils against the others, and
//! pupils with SEN support and with an EHC plan against all pupils, in the LA and in England.
//! Looked-after children's attainment is not published by LA in the files Stride reads; the
//! report says so rather than showing nothing silently.

use super::Section;
use super::area::{derived_cell, group_figure, sources_sentence, value, years};
use crate::establishment::PhaseGroup;
use crate::figure::{Comparator, ComparatorFigure};
use crate::measure::{Measure, PupilGroup};
use crate::support::difference_in_words;
use crate::table::{Cell, Column, Table};
use crate::year::AcademicYear;

/// The key stages' headline measures, each with what a reader calls it.
pub(super) const KEY_STAGES: [(Measure, &str); 5] = [
    (
        Measure::EyfsGoodLevelOfDevelopment,
        "a good level of development in the early years",
    ),
    (
        Measure::PhonicsExpectedStandard,
        "the expected standard in the year 1 phonics check",
    ),
    (
        Measure::Ks2ReadingWritingMathsExpected,
        "the expected standard in reading, writing and maths at key stage 2",
    ),
    (
        Measure::Ks4EnglishMathsGrade4,
        "grade 4 or above in English and maths at key stage 4",
    ),
    (Measure::Ks4Attainment8, "Attainment 8 at key stage 4"),
];

/// The gaps: the group behind, and the group it is measured against.
const GAPS: [(PupilGroup, PupilGroup, &str); 3] = [
    (
        PupilGroup::Disadvantaged,
        PupilGroup::NotDisadvantaged,
        "Disadvantaged against others",
    ),
    (
        PupilGroup::SenSupport,
        PupilGroup::All,
        "SEN support against all pupils",
    ),
    (PupilGroup::EhcPlan, PupilGroup::All, "EHC plan against all pupils"),
];

/// How far a group is behind another in an area and year, in the measure's unit.
fn gap(
    comparators: &[ComparatorFigure],
    comparator: Comparator,
    measure: Measure,
    (behind, against): (PupilGroup, PupilGroup),
    year: AcademicYear,
) -> Option<f64> {
    let of = |group| {
        value(group_figure(
            comparators,
            comparator,
            PhaseGroup::AllSchools,
            measure,
            group,
            year,
        ))
    };
    Some(of(against)? - of(behind)?)
}

fn gap_table(comparators: &[ComparatorFigure], measure: Measure) -> Table {
    let mut columns = vec![Column::text("Academic year")];
    for (_, _, name) in GAPS {
        for comparator in [Comparator::LocalAuthority, Comparator::England] {
            columns.push(Column::number(format!("{name}: {}", comparator.label())));
        }
    }
    Table {
        title: format!("Gaps in {}", measure.label()),
        columns,
        rows: years(comparators, &[measure])
            .into_iter()
            .map(|year| {
                let mut row = vec![Cell::Text(year.to_string())];
                for (behind, against, _) in GAPS {
                    for comparator in [Comparator::LocalAuthority, Comparator::England] {
                        let of =
                            |group| group_figure(comparators, comparator, PhaseGroup::AllSchools, measure, group, year);
                        row.push(derived_cell(
                            measure,
                            gap(comparators, comparator, measure, (behind, against), year),
                            &[of(behind), of(against)],
                        ));
                    }
                }
                row
            })
            .collect(),
    }
}

/// "At key stage 2 the gap … was 21.3 percentage points in 2025/26, 2.1 narrower than in
/// 2021/22; England's was 22.0."
fn gap_sentence(comparators: &[ComparatorFigure], measure: Measure, what: &str) -> Option<String> {
    let held = years(comparators, &[measure]);
    let (first, latest) = (*held.first()?, *held.last()?);
    let groups = (PupilGroup::Disadvantaged, PupilGroup::NotDisadvantaged);
    let now = gap(comparators, Comparator::LocalAuthority, measure, groups, latest)?;
    let mut sentence = format!(
        "For {what}, disadvantaged pupils were {} behind the others in {latest}",
        difference_in_words(measure, now)
    );
    if first < latest
        && let Some(then) = gap(comparators, Comparator::LocalAuthority, measure, groups, first)
    {
        let change = now - then;
        sentence.push_str(&if change.abs() < 0.05 {
            format!(", as in {first}")
        } else {
            format!(
                ", a gap {} {} than in {first}",
                difference_in_words(measure, change),
                if change < 0.0 { "narrower" } else { "wider" }
            )
        });
    }
    if let Some(england) = gap(comparators, Comparator::England, measure, groups, latest) {
        sentence.push_str(&format!(
            "; in England the gap was {}",
            difference_in_words(measure, england)
        ));
    }
    sentence.push('.');
    Some(sentence)
}

/// The vulnerable groups' section: a sentence and a table of gaps for each key stage held.
pub(super) fn gaps_section(comparators: &[ComparatorFigure]) -> Section {
    let mut sentences: Vec<String> = KEY_STAGES
        .iter()
        .filter_map(|(measure, what)| gap_sentence(comparators, *measure, what))
        .collect();
    sentences.push(
        "Looked-after children's attainment is not among the published figures held; their attendance and suspensions this year, from pupils' records, are on the vulnerable groups' outcomes page."
            .to_owned(),
    );
    let measures: Vec<Measure> = KEY_STAGES.iter().map(|(measure, _)| *measure).collect();
    sentences.extend(sources_sentence(comparators, &measures));
    Section {
        sources: Vec::new(),
        charts: Vec::new(),
        heading: "Vulnerable groups: the gaps over time".to_owned(),
        sentences,
        tables: KEY_STAGES
            .iter()
            .filter(|(measure, _)| !years(comparators, &[*measure]).is_empty())
            .map(|(measure, _)| gap_table(comparators, *measure))
            .collect(),
    }
}
