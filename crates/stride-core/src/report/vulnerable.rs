//! Vulnerable groups' outcomes, as seed 000's table sets them out: each group against all pupils
//! and against the same group in the LA's comparators, RAG-rated. This year's attendance and
//! suspensions come from pupils' records (counted, and withheld for readers without pupil
//! access, by the attendance page's own functions); attainment and the gaps over five years come
//! from the published figures, as the RAG and gaps reports give them.

use chrono::NaiveDate;

use super::area::{cell, sources_sentence};
use super::gaps::gaps_section;
use super::rag::{rag, rag_report};
use super::{Report, ReportEvidence, Section};
use crate::establishment::PhaseGroup;
use crate::figure::{Comparator, ComparatorFigure};
use crate::measure::{Measure, PupilGroup};
use crate::pupils::Characteristic;
use crate::pupils::exclusions::ExclusionRow;
use crate::pupils::tables::GroupAttendance;
use crate::suppression::Count;
use crate::table::{Cell, Column, Table};

/// A group's outcomes this year from pupils' records; none where there are no sessions or
/// pupils, or the figure is withheld.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupOutcome {
    pub group: String,
    /// The group the DfE publishes that is the same children, where there is one.
    pub published: Option<PupilGroup>,
    /// The schools the figures are of: all of them for a group, a phase's for a phase.
    pub phase: PhaseGroup,
    pub pupils: Count,
    pub absence_percent: Option<f64>,
    pub persistent_percent: Option<f64>,
    pub suspension_rate: Option<f64>,
}

const MEASURES: [Measure; 3] = [
    Measure::OverallAbsence,
    Measure::PersistentAbsence,
    Measure::SuspensionRate,
];

impl GroupOutcome {
    fn of(&self, measure: Measure) -> Option<f64> {
        match measure {
            Measure::OverallAbsence => self.absence_percent,
            Measure::PersistentAbsence => self.persistent_percent,
            Measure::SuspensionRate => self.suspension_rate,
            _ => None,
        }
    }
}

/// The published group of a characteristic's children, where the DfE publishes one.
fn published_group(group: &str) -> Option<PupilGroup> {
    if group == PupilGroup::All.label() {
        return Some(PupilGroup::All);
    }
    match Characteristic::ALL.iter().find(|held| held.label() == group)? {
        Characteristic::Disadvantaged => Some(PupilGroup::Disadvantaged),
        Characteristic::SenSupport => Some(PupilGroup::SenSupport),
        Characteristic::EhcPlan => Some(PupilGroup::EhcPlan),
        Characteristic::EnglishAdditionalLanguage => Some(PupilGroup::EnglishAdditionalLanguage),
        _ => None,
    }
}

/// Each group's outcomes, from the year's absence and exclusions by group (all pupils first).
pub fn group_outcomes(attendance: &[GroupAttendance], exclusions: &[ExclusionRow]) -> Vec<GroupOutcome> {
    attendance
        .iter()
        .map(|group| {
            let persistent_percent = match (group.pupils, group.persistent) {
                (Count::Shown(pupils), Count::Shown(persistent)) if pupils > 0 => {
                    Some(persistent as f64 * 100.0 / pupils as f64)
                }
                _ => None,
            };
            GroupOutcome {
                group: group.group.clone(),
                published: published_group(&group.group),
                phase: PhaseGroup::AllSchools,
                pupils: group.pupils,
                absence_percent: group.absence_percent,
                persistent_percent,
                suspension_rate: exclusions
                    .iter()
                    .find(|row| row.group == group.group)
                    .and_then(|row| row.suspension_rate),
            }
        })
        .collect()
}

/// Each phase's outcomes, from the year's absence and exclusions by the phases the DfE
/// publishes (primary, secondary, special, and the other schools with no comparator of their
/// own), as all pupils of its schools.
pub fn phase_outcomes(attendance: &[GroupAttendance], exclusions: &[ExclusionRow]) -> Vec<GroupOutcome> {
    group_outcomes(attendance, exclusions)
        .into_iter()
        .map(|mut outcome| {
            let phase = PhaseGroup::ALL
                .iter()
                .copied()
                .find(|phase| phase.label() == outcome.group && *phase != PhaseGroup::AllSchools);
            outcome.published = phase.map(|_| PupilGroup::All);
            outcome.phase = phase.unwrap_or(PhaseGroup::AllSchools);
            outcome
        })
        .collect()
}

/// A comparator's figure of a group of a phase's schools at its latest year held.
fn latest(
    comparators: &[ComparatorFigure],
    comparator: Comparator,
    measure: Measure,
    (group, phase): (PupilGroup, PhaseGroup),
) -> Option<&ComparatorFigure> {
    comparators
        .iter()
        .filter(|held| {
            held.comparator == comparator
                && held.measure == measure
                && held.group == group
                && held.phase_group == phase
                && held.figure.value().is_some()
        })
        .max_by_key(|held| (held.year, held.release))
}

fn number(measure: Measure, value: Option<f64>) -> Cell {
    value.map_or_else(
        || Cell::Missing(String::new()),
        |value| Cell::Number {
            value,
            decimals: measure.decimals(),
        },
    )
}

fn outcome_row(
    measure: Measure,
    outcome: &GroupOutcome,
    all: &GroupOutcome,
    comparators: &[ComparatorFigure],
) -> Vec<Cell> {
    let ours = outcome.of(measure);
    let gap = ours.zip(all.of(measure)).map(|(ours, all)| ours - all);
    let mut cells = vec![
        Cell::Text(measure.label().to_owned()),
        Cell::Text(outcome.group.clone()),
        Cell::of_count(outcome.pupils),
        number(measure, ours),
        number(measure, gap),
    ];
    for comparator in [
        Comparator::England,
        Comparator::StatisticalNeighbours,
        Comparator::Region,
    ] {
        let held = outcome
            .published
            .and_then(|group| latest(comparators, comparator, measure, (group, outcome.phase)));
        // Suspensions per 100 pupils grow through the year: a part year's are not rated
        // against a whole year's. Absence is a share of the sessions so far, and is.
        let rating = ours
            .zip(held.and_then(|held| held.figure.value()))
            .filter(|_| measure != Measure::SuspensionRate)
            .and_then(|(ours, theirs)| rag(measure, ours, theirs));
        cells.push(held.map_or_else(
            || Cell::Missing(String::new()),
            |held| Cell::Text(held.year.to_string()),
        ));
        cells.push(cell(measure, held));
        cells.push(Cell::Text(rating.unwrap_or("").to_owned()));
    }
    cells
}

/// This year's section: each measure for all pupils and each group, beside all pupils and the
/// published figures of the same group.
pub fn pupil_outcomes_section(
    outcomes: &[GroupOutcome],
    phases: &[GroupOutcome],
    comparators: &[ComparatorFigure],
    suppressed: bool,
) -> Section {
    let Some(all) = outcomes
        .iter()
        .find(|outcome| outcome.published == Some(PupilGroup::All))
    else {
        return Section {
            heading: "This year, from pupils' records".to_owned(),
            sentences: vec!["No pupil's sessions are held for this year.".to_owned()],
            ..Section::default()
        };
    };
    let rows_of = |outcomes: &[GroupOutcome]| -> Vec<Vec<Cell>> {
        MEASURES
            .iter()
            .flat_map(|measure| outcomes.iter().map(move |outcome| (*measure, outcome)))
            .map(|(measure, outcome)| outcome_row(measure, outcome, all, comparators))
            .collect()
    };
    let rows = rows_of(outcomes);
    let phase_rows = rows_of(phases);
    let reds = rows
        .iter()
        .filter(|row| row.iter().any(|cell| matches!(cell, Cell::Text(text) if text == "Red")))
        .count();
    let mut sentences = vec![
        "Each group's absence, share of pupils persistently absent and suspensions per 100 pupils this year to date, from its pupils' register marks and exclusions, beside all pupils (the gap is the group's figure less all pupils') and beside the latest published figure for the same group in England, the statistical neighbours and the region; then the same for the pupils of each phase's schools, as the DfE publishes them (primary, secondary and special; other schools have no comparator of their own).".to_owned(),
        "Green: at or better than the comparator; amber: worse by no more than 1 percentage point (0.1 of a rate per 100 pupils); red: worse by more. Lower is better for all three. The published figures are whole years and this year's are to date, so the season shows in the comparison; suspensions, which add up through the year, are shown beside the whole year's but not rated until the year is over.".to_owned(),
        format!("{reds} of the group's rows are red against at least one comparator."),
        "The DfE publishes these figures for disadvantaged pupils, pupils with SEN support or an EHC plan and pupils with English as an additional language; for the other groups (looked after, in need, young carers…) the gap to all pupils is the comparison.".to_owned(),
    ];
    if suppressed {
        sentences.push("A group of fewer than three pupils, or one whose count would give such a group away, has its figures withheld.".to_owned());
    }
    sentences.extend(sources_sentence(comparators, &MEASURES));
    let columns = |what: &str| {
        let mut columns = vec![
            Column::text("Measure"),
            Column::text(what),
            Column::number("Pupils counted"),
            Column::number("This year"),
            Column::number("Gap to all pupils"),
        ];
        for area in ["England", "Statistical neighbours", "Region"] {
            columns.push(Column::text(format!("{area}: year")));
            columns.push(Column::number(area));
            columns.push(Column::text(format!("Against {}", area.to_lowercase())));
        }
        columns
    };
    Section {
        heading: "This year, from pupils' records".to_owned(),
        sentences,
        tables: vec![
            Table {
                title: "Each group against all pupils and the same group elsewhere".to_owned(),
                columns: columns("Pupils"),
                rows,
            },
            Table {
                title: "Each phase against all pupils and the same phase elsewhere".to_owned(),
                columns: columns("Schools"),
                rows: phase_rows,
            },
        ],
        ..Section::default()
    }
}

/// The whole report: this year from pupils' records, then attainment against comparators and
/// the gaps over five years from the published figures.
pub fn vulnerable_outcomes(
    (outcomes, phases): (&[GroupOutcome], &[GroupOutcome]),
    evidence: &ReportEvidence,
    as_of: NaiveDate,
    suppressed: bool,
) -> Report {
    let mut sections = vec![pupil_outcomes_section(
        outcomes,
        phases,
        evidence.comparators,
        suppressed,
    )];
    sections.extend(rag_report(evidence, as_of).sections.into_iter().map(|mut section| {
        section.heading =
            "Attainment and attendance by group against comparators, from the published figures".to_owned();
        section
    }));
    sections.push(gaps_section(evidence.comparators));
    Report {
        name: "vulnerable-outcomes",
        title: "Vulnerable groups' outcomes".to_owned(),
        as_of,
        sections,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::{Figure, Release};
    use crate::year::AcademicYear;

    fn attendance(group: &str, pupils: u64, absence: f64, persistent: u64) -> GroupAttendance {
        GroupAttendance {
            group: group.to_owned(),
            pupils: Count::Shown(pupils),
            absence_percent: Some(absence),
            persistent: Count::Shown(persistent),
            severe: Count::Shown(0),
        }
    }

    fn england(measure: Measure, group: PupilGroup, year: i32, value: f64) -> ComparatorFigure {
        ComparatorFigure {
            comparator: Comparator::England,
            phase_group: PhaseGroup::AllSchools,
            measure,
            year: AcademicYear::starting(year),
            group,
            figure: Figure::Value(value),
            source: "england.csv".into(),
            release: Release::Final,
        }
    }

    #[test]
    fn each_group_is_set_against_all_pupils_and_the_latest_published_figure_of_the_same_group() {
        let groups = [
            attendance("All pupils", 200, 6.0, 30),
            attendance("SEN support", 40, 8.5, 10),
            attendance("Looked after", 2, 12.0, 1),
        ];
        let outcomes = group_outcomes(&groups, &[]);
        assert_eq!(outcomes[1].published, Some(PupilGroup::SenSupport));
        assert_eq!(outcomes[1].persistent_percent, Some(25.0));
        assert_eq!(outcomes[2].published, None);
        let comparators = [
            england(Measure::OverallAbsence, PupilGroup::SenSupport, 2023, 9.0),
            england(Measure::OverallAbsence, PupilGroup::SenSupport, 2024, 8.0),
            england(Measure::OverallAbsence, PupilGroup::All, 2024, 6.5),
        ];
        let phases = phase_outcomes(
            &[
                attendance("Primary", 120, 5.0, 10),
                attendance("Other schools", 2, 30.0, 2),
            ],
            &[],
        );
        assert_eq!(phases[0].phase, PhaseGroup::Primary);
        assert_eq!(phases[0].published, Some(PupilGroup::All));
        assert_eq!(phases[1].published, None);
        let mut comparators = comparators.to_vec();
        comparators.push(ComparatorFigure {
            phase_group: PhaseGroup::Primary,
            ..england(Measure::OverallAbsence, PupilGroup::All, 2024, 5.5)
        });
        let section = pupil_outcomes_section(&outcomes, &phases, &comparators, false);
        let primary = &section.tables[1].rows[0];
        assert_eq!(
            primary[6],
            Cell::of_figure(Figure::Value(5.5), 1, "england.csv"),
            "primary schools' England"
        );
        assert_eq!(primary[7], Cell::Text("Green".into()));
        let rows = &section.tables[0].rows;
        assert_eq!(rows.len(), 9, "three measures for three groups");
        let sen = &rows[1];
        assert_eq!(
            sen[4],
            Cell::Number {
                value: 2.5,
                decimals: 1
            },
            "8.5% against all pupils' 6%"
        );
        assert_eq!(sen[5], Cell::Text("2024/25".into()), "the latest year");
        assert_eq!(sen[7], Cell::Text("Amber".into()), "half a point worse than England");
        assert_eq!(rows[0][7], Cell::Text("Green".into()), "all pupils better than England");
        assert_eq!(
            rows[2][7],
            Cell::Text(String::new()),
            "no published figure of looked-after children"
        );
        assert_eq!(
            rows[2][4],
            Cell::Number {
                value: 6.0,
                decimals: 1
            }
        );
        let suspensions = [GroupOutcome {
            suspension_rate: Some(1.0),
            ..outcomes[0].clone()
        }];
        let comparators = [england(Measure::SuspensionRate, PupilGroup::All, 2024, 10.0)];
        let section = pupil_outcomes_section(&suspensions, &[], &comparators, false);
        let row = &section.tables[0].rows[2];
        assert_eq!(row[5], Cell::Text("2024/25".into()), "shown beside the whole year's");
        assert_eq!(row[7], Cell::Text(String::new()), "but a part year is not rated");
    }
}
