//! Absence term by term, for all pupils, each phase and each group: the trend the termly
//! targeting meetings and the LA's attendance strategy look at. Each term is counted and
//! suppressed exactly as the year's tables are, so that a term's rates give away nothing the
//! tables withhold.

use std::collections::{BTreeMap, BTreeSet};

use super::Characteristic;
use super::attendance::SessionCounts;
use super::tables::{GroupAttendance, attendance_by_characteristic, attendance_by_part};
use super::terms::TermOfYear;
use crate::measure::Measure;
use crate::report::{Chart, ChartLine};
use crate::suppression::Count;
use crate::table::{Cell, Column, Table};

/// A pupil's sessions in a term, with what they are counted by in it.
#[derive(Debug, Clone, PartialEq)]
pub struct TermAttendance {
    pub term: TermOfYear,
    pub phase: String,
    pub characteristics: Vec<Characteristic>,
    pub counts: SessionCounts,
}

/// A group's rate in a term.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rate {
    /// No pupil of the group was counted in the term.
    NotHeld,
    /// Withheld, as the count it comes from is.
    Withheld,
    Percent(f64),
}

impl Rate {
    pub fn percent(self) -> Option<f64> {
        match self {
            Rate::Percent(value) => Some(value),
            _ => None,
        }
    }

    fn cell(self) -> Cell {
        match self {
            Rate::NotHeld => Cell::Missing("z".into()),
            Rate::Withheld => Cell::Missing("c".into()),
            Rate::Percent(value) => Cell::Number { value, decimals: 1 },
        }
    }
}

/// A row of the trend: a rate a term.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendRow {
    pub group: String,
    pub absence_percent: Vec<Rate>,
    pub persistent_percent: Vec<Rate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttendanceTrend {
    pub terms: Vec<TermOfYear>,
    /// All pupils, then each phase, then each group.
    pub rows: Vec<TrendRow>,
    /// How many of the rows are all pupils and the phases (the rest are groups).
    pub phase_rows: usize,
}

/// The share of a group persistently absent, where both its counts may be shown.
fn persistent_percent(group: &GroupAttendance) -> Rate {
    match (group.pupils, group.persistent) {
        (Count::Shown(pupils), Count::Shown(persistent)) if pupils > 0 => {
            Rate::Percent(persistent as f64 * 100.0 / pupils as f64)
        }
        (Count::Shown(0), _) => Rate::NotHeld,
        _ => Rate::Withheld,
    }
}

fn absence_percent(group: &GroupAttendance) -> Rate {
    match (group.pupils, group.absence_percent) {
        (Count::Shown(0), _) => Rate::NotHeld,
        (_, Some(value)) => Rate::Percent(value),
        (Count::Suppressed, None) => Rate::Withheld,
        (Count::Shown(_), None) => Rate::NotHeld,
    }
}

/// Each term's tables, as the year's are made: phases as parts of the whole, groups beside it.
fn term_groups(pupils: &[&TermAttendance], threshold: Option<u64>) -> Vec<GroupAttendance> {
    let mut phases: BTreeMap<String, Vec<SessionCounts>> = BTreeMap::new();
    for pupil in pupils {
        phases.entry(pupil.phase.clone()).or_default().push(pupil.counts);
    }
    let (phase_rows, whole) = attendance_by_part(&phases.into_iter().collect::<Vec<_>>(), threshold);
    let counted: Vec<(&[Characteristic], SessionCounts)> = pupils
        .iter()
        .map(|pupil| (pupil.characteristics.as_slice(), pupil.counts))
        .collect();
    let groups = attendance_by_characteristic(&counted, threshold);
    std::iter::once(whole)
        .chain(phase_rows)
        .chain(groups.into_iter().skip(1))
        .collect()
}

pub fn attendance_trend(pupils: &[TermAttendance], threshold: Option<u64>) -> AttendanceTrend {
    let terms: Vec<TermOfYear> = pupils
        .iter()
        .map(|pupil| pupil.term)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let phases: BTreeSet<&str> = pupils.iter().map(|pupil| pupil.phase.as_str()).collect();
    let held: BTreeSet<Characteristic> = pupils
        .iter()
        .flat_map(|pupil| pupil.characteristics.iter().copied())
        .collect();
    let labels: Vec<String> = std::iter::once("All pupils".to_owned())
        .chain(phases.iter().map(|phase| (*phase).to_owned()))
        .chain(held.iter().map(|characteristic| characteristic.label().to_owned()))
        .collect();
    let mut rows: Vec<TrendRow> = labels
        .iter()
        .map(|group| TrendRow {
            group: group.clone(),
            absence_percent: vec![Rate::NotHeld; terms.len()],
            persistent_percent: vec![Rate::NotHeld; terms.len()],
        })
        .collect();
    for (index, term) in terms.iter().enumerate() {
        let in_term: Vec<&TermAttendance> = pupils.iter().filter(|pupil| pupil.term == *term).collect();
        for group in term_groups(&in_term, threshold) {
            if let Some(row) = rows.iter_mut().find(|row| row.group == group.group) {
                row.absence_percent[index] = absence_percent(&group);
                row.persistent_percent[index] = persistent_percent(&group);
            }
        }
    }
    AttendanceTrend {
        terms,
        rows,
        phase_rows: 1 + phases.len(),
    }
}

impl AttendanceTrend {
    fn table(&self, title: &str, value: impl Fn(&TrendRow) -> &[Rate]) -> Table {
        Table {
            title: title.to_owned(),
            columns: std::iter::once(Column::text("Pupils"))
                .chain(self.terms.iter().map(|term| Column::number(term.to_string())))
                .collect(),
            rows: self
                .rows
                .iter()
                .map(|row| {
                    std::iter::once(Cell::Text(row.group.clone()))
                        .chain(value(row).iter().map(|rate| rate.cell()))
                        .collect()
                })
                .collect(),
        }
    }

    pub fn absence_table(&self, title: &str) -> Table {
        self.table(title, |row| &row.absence_percent)
    }

    pub fn persistent_table(&self, title: &str) -> Table {
        self.table(title, |row| &row.persistent_percent)
    }

    /// All pupils and each phase, term by term: the picture of the absence table's first rows.
    pub fn absence_chart(&self, title: &str) -> Chart {
        Chart {
            title: title.to_owned(),
            measure: Measure::OverallAbsence,
            years: self.terms.iter().map(|term| term.to_string()).collect(),
            lines: self.rows[..self.phase_rows.min(self.rows.len())]
                .iter()
                .map(|row| ChartLine {
                    label: row.group.clone(),
                    values: row.absence_percent.iter().map(|rate| rate.percent()).collect(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pupils::terms::Term;
    use crate::year::AcademicYear;

    fn pupil(term: Term, phase: &str, absent: u32, characteristics: &[Characteristic]) -> TermAttendance {
        TermAttendance {
            term: TermOfYear {
                year: AcademicYear::starting(2025),
                term,
            },
            phase: phase.to_owned(),
            characteristics: characteristics.to_vec(),
            counts: SessionCounts {
                possible: 100,
                present: 100 - absent,
                authorised: absent,
                ..SessionCounts::default()
            },
        }
    }

    #[test]
    fn each_term_is_counted_by_phase_and_group_and_small_groups_are_withheld() {
        use Characteristic::LookedAfter;
        let mut pupils = Vec::new();
        for term in [Term::Autumn, Term::Spring] {
            let absent = if term == Term::Autumn { 4 } else { 6 };
            pupils.extend((0..10).map(|_| pupil(term, "Primary", absent, &[])));
            pupils.extend((0..9).map(|_| pupil(term, "Secondary", 12, &[])));
            pupils.push(pupil(term, "Secondary", 20, &[LookedAfter]));
        }
        // Only one looked-after child's spring: a group of one.
        pupils.push(pupil(Term::Summer, "Primary", 2, &[]));
        let trend = attendance_trend(&pupils, None);
        assert_eq!(trend.terms.len(), 3);
        let groups: Vec<&str> = trend.rows.iter().map(|row| row.group.as_str()).collect();
        assert_eq!(groups, ["All pupils", "Primary", "Secondary", "Looked after"]);
        // Autumn: (10 × 4 + 9 × 12 + 20) of 2,000 sessions; half the pupils persistently absent.
        assert_eq!(trend.rows[0].absence_percent[0], Rate::Percent(168.0 * 100.0 / 2000.0));
        assert_eq!(trend.rows[0].persistent_percent[0], Rate::Percent(50.0));
        assert_eq!(trend.rows[1].absence_percent[1], Rate::Percent(6.0));
        assert_eq!(
            trend.rows[3].absence_percent[2],
            Rate::NotHeld,
            "no looked-after child in summer"
        );
        assert_eq!(trend.rows[3].persistent_percent[0], Rate::Percent(100.0));
        let withheld = attendance_trend(&pupils, Some(3));
        assert_eq!(
            withheld.rows[3].absence_percent[0],
            Rate::Withheld,
            "one looked-after child"
        );
        assert_eq!(withheld.rows[0].absence_percent[0], trend.rows[0].absence_percent[0]);
        let table = withheld.absence_table("Absence");
        assert_eq!(table.columns.len(), 4);
        assert_eq!(table.rows[3][1], Cell::Missing("c".into()));
        assert_eq!(table.rows[3][3], Cell::Missing("z".into()));
        let chart = trend.absence_chart("Absence by term");
        assert_eq!(chart.lines.len(), 3, "all pupils and the two phases");
        assert_eq!(chart.years[0], "Autumn 2025/26");
    }
}
