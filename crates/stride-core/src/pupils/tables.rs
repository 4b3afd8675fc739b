//! What the attendance pages, downloads and `stride export attendance` show: each pupil's
//! sessions and band, the termly targeting list, and the same by group, as core tables.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use super::attendance::{AbsenceBand, SessionCounts};
use super::{Characteristic, Pupil};
use crate::identifiers::Urn;
use crate::suppression::{Count, Relation, parts_of_whole, shown_counts};
use crate::table::{Cell, Column, Table};

/// One pupil's attendance at one school over a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PupilAttendance {
    pub pupil_id: i64,
    pub name: String,
    pub upn: String,
    pub urn: Urn,
    pub year_group: String,
    pub characteristics: Vec<Characteristic>,
    pub counts: SessionCounts,
    pub band: Option<AbsenceBand>,
}

/// A pupil's attendance as `stride export attendance --format json` writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttendanceRecord {
    pub upn: String,
    pub name: String,
    pub urn: u32,
    pub year_group: String,
    pub possible_sessions: u32,
    pub sessions_attended: u32,
    pub authorised_absence: u32,
    pub unauthorised_absence: u32,
    pub attendance_percent: Option<f64>,
    pub persistent_absence: bool,
    pub severe_absence: bool,
}

impl PupilAttendance {
    pub fn record(&self) -> AttendanceRecord {
        AttendanceRecord {
            upn: self.upn.clone(),
            name: self.name.clone(),
            urn: self.urn.get(),
            year_group: self.year_group.clone(),
            possible_sessions: self.counts.possible,
            sessions_attended: self.counts.attended(),
            authorised_absence: self.counts.authorised,
            unauthorised_absence: self.counts.unauthorised,
            attendance_percent: self.counts.attendance_percent(),
            persistent_absence: self.counts.persistently_absent(),
            severe_absence: self.counts.severely_absent(),
        }
    }

    pub fn new(pupil: &Pupil, urn: Urn, counts: SessionCounts, on: NaiveDate) -> PupilAttendance {
        PupilAttendance {
            pupil_id: pupil.id,
            name: pupil.full_name(),
            upn: pupil.upn.to_string(),
            urn,
            year_group: pupil
                .return_on(on)
                .map(|each| each.year_group.label())
                .unwrap_or_default(),
            characteristics: pupil.characteristics_on(on).into_iter().collect(),
            counts,
            band: counts.band(),
        }
    }
}

/// A row for each school a pupil among `pupils` has sessions at, as they stood on `on`, in the
/// pupils' order: what a school's list, a download and `stride export attendance` show.
pub fn attendance_rows(
    pupils: &[Pupil],
    sessions: &[(i64, Urn, SessionCounts)],
    on: NaiveDate,
) -> Vec<PupilAttendance> {
    let mut by_pupil: HashMap<i64, Vec<(Urn, SessionCounts)>> = HashMap::new();
    for (pupil, urn, counts) in sessions {
        by_pupil.entry(*pupil).or_default().push((*urn, *counts));
    }
    for schools in by_pupil.values_mut() {
        schools.sort_by_key(|(urn, _)| *urn);
    }
    pupils
        .iter()
        .flat_map(|pupil| {
            by_pupil
                .get(&pupil.id)
                .into_iter()
                .flatten()
                .map(move |(urn, counts)| PupilAttendance::new(pupil, *urn, *counts, on))
        })
        .collect()
}

fn percent(value: Option<f64>) -> Cell {
    value.map_or_else(
        || Cell::Missing("z".into()),
        |value| Cell::Number { value, decimals: 1 },
    )
}

fn yes_no(flag: bool) -> Cell {
    Cell::Text(if flag { "Yes" } else { "No" }.into())
}

/// Every pupil's sessions, as a data manager checks them and a test reads them back.
pub fn attendance_table(title: &str, rows: &[PupilAttendance]) -> Table {
    Table {
        title: title.to_owned(),
        columns: vec![
            Column::text("Pupil"),
            Column::text("UPN"),
            Column::number("URN"),
            Column::text("Year group"),
            Column::number("Possible sessions"),
            Column::number("Sessions attended"),
            Column::number("Authorised absence"),
            Column::number("Unauthorised absence"),
            Column::number("Attendance (%)"),
            Column::number("Absence (%)"),
            Column::text("Persistent absence"),
            Column::text("Severe absence"),
        ],
        rows: rows
            .iter()
            .map(|row| {
                vec![
                    Cell::Text(row.name.clone()),
                    Cell::Text(row.upn.clone()),
                    Cell::Integer(i64::from(row.urn.get())),
                    Cell::Text(row.year_group.clone()),
                    Cell::Integer(i64::from(row.counts.possible)),
                    Cell::Integer(i64::from(row.counts.attended())),
                    Cell::Integer(i64::from(row.counts.authorised)),
                    Cell::Integer(i64::from(row.counts.unauthorised)),
                    percent(row.counts.attendance_percent()),
                    percent(row.counts.absence_percent()),
                    yes_no(row.counts.persistently_absent()),
                    yes_no(row.counts.severely_absent()),
                ]
            })
            .collect(),
    }
}

/// The pupils the termly targeting meeting looks at: severely absent, then persistently, then
/// close to it, each most absent first.
pub fn targeting_list(rows: &[PupilAttendance]) -> Vec<PupilAttendance> {
    let mut listed: Vec<PupilAttendance> = rows
        .iter()
        .filter(|row| row.band.is_some_and(|band| band >= AbsenceBand::CloseToPersistent))
        .cloned()
        .collect();
    listed.sort_by(|a, b| {
        b.band
            .cmp(&a.band)
            .then_with(|| {
                b.counts
                    .absence_percent()
                    .unwrap_or(0.0)
                    .total_cmp(&a.counts.absence_percent().unwrap_or(0.0))
            })
            .then_with(|| a.name.cmp(&b.name))
    });
    listed
}

/// Attendance of a group of pupils: the sessions summed, and how many pupils are in each band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupAttendance {
    pub group: String,
    pub pupils: Count,
    pub absence_percent: Option<f64>,
    pub persistent: Count,
    pub severe: Count,
}

/// All pupils, then each characteristic held by any: the absence rate of the group's sessions,
/// and the pupils persistently and severely absent, suppressed where `threshold` says (for
/// readers without pupil access), each group's three counts together.
pub fn attendance_by_group(rows: &[PupilAttendance], threshold: Option<u64>) -> Vec<GroupAttendance> {
    let counted: Vec<(&[Characteristic], SessionCounts)> = rows
        .iter()
        .map(|row| (row.characteristics.as_slice(), row.counts))
        .collect();
    attendance_by_characteristic(&counted, threshold)
}

/// As [`attendance_by_group`], of pupils known only by their characteristics and sessions.
pub fn attendance_by_characteristic(
    rows: &[(&[Characteristic], SessionCounts)],
    threshold: Option<u64>,
) -> Vec<GroupAttendance> {
    let held: BTreeSet<Characteristic> = rows
        .iter()
        .flat_map(|(characteristics, _)| characteristics.iter().copied())
        .collect();
    let mut groups: Vec<(String, Vec<&SessionCounts>)> =
        vec![("All pupils".into(), rows.iter().map(|(_, counts)| counts).collect())];
    for characteristic in held {
        groups.push((
            characteristic.label().to_owned(),
            rows.iter()
                .filter(|(characteristics, _)| characteristics.contains(&characteristic))
                .map(|(_, counts)| counts)
                .collect(),
        ));
    }
    groups
        .into_iter()
        .map(|(group, members)| {
            let mut sessions = SessionCounts::default();
            for member in &members {
                sessions.add(member);
            }
            let persistent = members.iter().filter(|member| member.persistently_absent()).count() as u64;
            let severe = members.iter().filter(|member| member.severely_absent()).count() as u64;
            // Severe pupils are among the persistent, who are among the group: cells 2 ⊂ 1 ⊂ 0.
            let counts = [members.len() as u64, persistent, severe];
            let shown = shown_counts(
                &counts,
                &[Relation {
                    total: 0,
                    parts: vec![1],
                }],
                threshold,
            );
            let shown_severe = shown_counts(&counts[1..], &[], threshold);
            let hidden_any = shown
                .iter()
                .chain(&shown_severe)
                .any(|count| *count == Count::Suppressed);
            let pupils = shown[0];
            GroupAttendance {
                group,
                pupils,
                // A rate of a group too small to count is as revealing as the count.
                absence_percent: if pupils == Count::Suppressed {
                    None
                } else {
                    sessions.absence_percent()
                },
                persistent: if hidden_any { Count::Suppressed } else { shown[1] },
                severe: if hidden_any { Count::Suppressed } else { shown_severe[1] },
            }
        })
        .collect()
}

/// Attendance of parts that together make the whole (phases, schools): each part's pupils and
/// those persistently and severely absent, and the whole's, suppressed so that no withheld part
/// follows from the whole and the rest. The whole is never withheld: it is the "All pupils" row
/// shown beside the parts.
pub fn attendance_by_part(
    parts: &[(String, Vec<SessionCounts>)],
    threshold: Option<u64>,
) -> (Vec<GroupAttendance>, GroupAttendance) {
    let sum = |members: &[SessionCounts]| {
        let mut sessions = SessionCounts::default();
        for member in members {
            sessions.add(member);
        }
        sessions
    };
    let counts: Vec<[u64; 3]> = parts
        .iter()
        .map(|(_, members)| {
            let persistent = members.iter().filter(|member| member.persistently_absent()).count() as u64;
            let severe = members.iter().filter(|member| member.severely_absent()).count() as u64;
            [members.len() as u64, persistent, severe]
        })
        .collect();
    let (shown, whole) = parts_of_whole(&counts, threshold);
    let row = |group: String, sessions: SessionCounts, [pupils, persistent, severe]: [Count; 3]| GroupAttendance {
        group,
        pupils,
        // A rate of a group too small to count is as revealing as the count.
        absence_percent: if pupils == Count::Suppressed {
            None
        } else {
            sessions.absence_percent()
        },
        persistent,
        severe,
    };
    let rows = parts
        .iter()
        .zip(shown)
        .map(|((name, members), shown)| row(name.clone(), sum(members), shown))
        .collect();
    let all: Vec<SessionCounts> = parts.iter().flat_map(|(_, members)| members.iter().copied()).collect();
    (rows, row("All pupils".into(), sum(&all), whole))
}

pub fn group_attendance_table(title: &str, groups: &[GroupAttendance]) -> Table {
    let count = Cell::of_count;
    Table {
        title: title.to_owned(),
        columns: vec![
            Column::text("Group"),
            Column::number("Pupils"),
            Column::number("Absence (%)"),
            Column::number("Persistently absent"),
            Column::number("Severely absent"),
        ],
        rows: groups
            .iter()
            .map(|group| {
                vec![
                    Cell::Text(group.group.clone()),
                    count(group.pupils),
                    percent(group.absence_percent),
                    count(group.persistent),
                    count(group.severe),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::urn;

    fn row(id: i64, absent: u32, characteristics: &[Characteristic]) -> PupilAttendance {
        let counts = SessionCounts {
            possible: 100,
            present: 100 - absent,
            authorised: absent,
            ..SessionCounts::default()
        };
        PupilAttendance {
            pupil_id: id,
            name: format!("Pupil {id}"),
            upn: String::new(),
            urn: urn(914_001),
            year_group: "Year 5".into(),
            characteristics: characteristics.to_vec(),
            counts,
            band: counts.band(),
        }
    }

    #[test]
    fn no_part_withheld_follows_from_the_whole_and_the_rest() {
        let pupil = |absent: u32| SessionCounts {
            possible: 100,
            present: 100 - absent,
            authorised: absent,
            ..SessionCounts::default()
        };
        let parts = vec![
            (
                "Primary".to_owned(),
                (0..40).map(|index| pupil(if index < 6 { 20 } else { 2 })).collect(),
            ),
            ("Special".to_owned(), vec![pupil(15), pupil(3), pupil(4), pupil(60)]),
            (
                "Secondary".to_owned(),
                (0..30)
                    .map(|index| pupil(if index < 9 { 12 } else { 4 }))
                    .collect::<Vec<_>>(),
            ),
        ];
        let (open, whole) = attendance_by_part(&parts, None);
        assert_eq!(open[1].persistent, Count::Shown(2));
        assert_eq!(whole.persistent, Count::Shown(17));
        let (rows, whole) = attendance_by_part(&parts, Some(3));
        assert_eq!(rows[1].persistent, Count::Suppressed, "two special school pupils");
        assert_eq!(whole.persistent, Count::Shown(17), "the whole stays");
        let withheld = rows.iter().filter(|row| row.persistent == Count::Suppressed).count();
        assert!(withheld >= 2, "another part goes with it");
        assert_eq!(rows[1].severe, Count::Suppressed);
    }

    #[test]
    fn the_targeting_list_takes_the_most_absent_first() {
        let rows = [
            row(1, 3, &[]),
            row(2, 12, &[]),
            row(3, 60, &[]),
            row(4, 9, &[]),
            row(5, 25, &[]),
        ];
        let listed: Vec<i64> = targeting_list(&rows).iter().map(|row| row.pupil_id).collect();
        assert_eq!(listed, vec![3, 5, 2, 4]);
    }

    #[test]
    fn groups_sum_their_sessions_and_small_groups_are_suppressed() {
        use Characteristic::LookedAfter;
        let mut rows: Vec<PupilAttendance> = (0..20).map(|id| row(id, 2, &[])).collect();
        rows.push(row(20, 30, &[LookedAfter]));
        rows.push(row(21, 5, &[LookedAfter]));
        rows.push(row(22, 15, &[]));
        rows.push(row(23, 15, &[]));
        rows.push(row(24, 15, &[]));
        let open = attendance_by_group(&rows, None);
        assert_eq!(open[0].pupils, Count::Shown(25));
        // (20 × 2 + 30 + 5 + 45) absent of 2,500 possible.
        assert_eq!(open[0].absence_percent, Some(120.0 * 100.0 / 2500.0));
        assert_eq!(open[0].persistent, Count::Shown(4));
        assert_eq!(open[1].pupils, Count::Shown(2));
        let suppressed = attendance_by_group(&rows, Some(3));
        assert_eq!(suppressed[0].persistent, Count::Shown(4));
        assert_eq!(suppressed[0].severe, Count::Shown(0));
        assert_eq!(suppressed[1].pupils, Count::Suppressed);
        assert_eq!(suppressed[1].absence_percent, None);
        assert_eq!(suppressed[1].persistent, Count::Suppressed);
    }
}
