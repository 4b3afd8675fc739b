//! Suspensions and permanent exclusions counted as the DfE's statistics count them: pupils with
//! one or more suspensions, suspensions, permanent exclusions, each as a rate of the pupils on
//! roll, and the school days lost; by the parts of a whole (phases, schools) and by group, with
//! small numbers suppressed for readers without pupil access.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::Characteristic;
use super::episodes::{Episode, EpisodeKind};
use crate::suppression::{Count, parts_of_whole};
use crate::table::{Cell, Column, Table};
use crate::year::AcademicYear;

/// A pupil's exclusions in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PupilExclusions {
    pub suspensions: u32,
    pub school_days: u32,
    pub permanent: u32,
}

impl PupilExclusions {
    fn counts(&self) -> [u64; 3] {
        [
            u64::from(self.suspensions > 0),
            u64::from(self.suspensions),
            u64::from(self.permanent),
        ]
    }
}

/// Each pupil's exclusions that began in the year, by pupil.
pub fn exclusions_in(episodes: &[Episode], year: AcademicYear) -> HashMap<i64, PupilExclusions> {
    let mut by_pupil: HashMap<i64, PupilExclusions> = HashMap::new();
    let in_year = |day: chrono::NaiveDate| AcademicYear::containing(day) == year;
    for episode in episodes {
        match &episode.kind {
            EpisodeKind::Suspension {
                first_day, school_days, ..
            } if in_year(*first_day) => {
                let pupil = by_pupil.entry(episode.pupil_id).or_default();
                pupil.suspensions += 1;
                pupil.school_days += school_days;
            }
            EpisodeKind::PermanentExclusion { first_day, .. } if in_year(*first_day) => {
                by_pupil.entry(episode.pupil_id).or_default().permanent += 1;
            }
            _ => {}
        }
    }
    by_pupil
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExclusionRow {
    pub group: String,
    pub pupils: Count,
    pub suspended: Count,
    pub suspensions: Count,
    /// Suspensions per 100 pupils, the DfE's suspension rate.
    pub suspension_rate: Option<f64>,
    pub permanent: Count,
    pub permanent_rate: Option<f64>,
    /// School days lost to suspension; withheld with the suspensions.
    pub school_days: Option<u64>,
}

fn row(
    group: String,
    pupils: u64,
    members: &[PupilExclusions],
    [suspended, suspensions, permanent]: [Count; 3],
    shown_pupils: Count,
) -> ExclusionRow {
    let rate = |count: Count| match (count, shown_pupils) {
        (Count::Shown(count), Count::Shown(_)) if pupils > 0 => Some(count as f64 * 100.0 / pupils as f64),
        _ => None,
    };
    ExclusionRow {
        group,
        pupils: shown_pupils,
        suspended,
        suspensions,
        suspension_rate: rate(suspensions),
        permanent,
        permanent_rate: rate(permanent),
        school_days: (suspensions != Count::Suppressed)
            .then(|| members.iter().map(|member| u64::from(member.school_days)).sum()),
    }
}

/// By the parts of a whole: each part's pupils on roll (every one, excluded or not).
pub fn exclusions_by_part(
    parts: &[(String, Vec<PupilExclusions>)],
    threshold: Option<u64>,
) -> (Vec<ExclusionRow>, ExclusionRow) {
    let counts: Vec<[u64; 4]> = parts
        .iter()
        .map(|(_, members)| {
            let sums = members.iter().fold([0; 3], |mut sum, member| {
                for (total, count) in sum.iter_mut().zip(member.counts()) {
                    *total += count;
                }
                sum
            });
            [members.len() as u64, sums[0], sums[1], sums[2]]
        })
        .collect();
    let (shown, whole) = parts_of_whole(&counts, threshold);
    let rows = parts
        .iter()
        .zip(&counts)
        .zip(shown)
        .map(
            |(((name, members), counts), [pupils, suspended, suspensions, permanent])| {
                row(
                    name.clone(),
                    counts[0],
                    members,
                    [suspended, suspensions, permanent],
                    pupils,
                )
            },
        )
        .collect();
    let all: Vec<PupilExclusions> = parts.iter().flat_map(|(_, members)| members.iter().copied()).collect();
    let [pupils, suspended, suspensions, permanent] = whole;
    (
        rows,
        row(
            "All pupils".into(),
            all.len() as u64,
            &all,
            [suspended, suspensions, permanent],
            pupils,
        ),
    )
}

/// By group: all pupils, then each characteristic held. Groups overlap, so each row is
/// suppressed on its own: a small count, and the counts it sits within.
pub fn exclusions_by_characteristic(
    rows: &[(&[Characteristic], PupilExclusions)],
    threshold: Option<u64>,
) -> Vec<ExclusionRow> {
    let held: BTreeSet<Characteristic> = rows
        .iter()
        .flat_map(|(characteristics, _)| characteristics.iter().copied())
        .collect();
    let mut groups: Vec<(String, Vec<PupilExclusions>)> =
        vec![("All pupils".into(), rows.iter().map(|(_, each)| *each).collect())];
    for characteristic in held {
        groups.push((
            characteristic.label().to_owned(),
            rows.iter()
                .filter(|(characteristics, _)| characteristics.contains(&characteristic))
                .map(|(_, each)| *each)
                .collect(),
        ));
    }
    groups
        .into_iter()
        .map(|(group, members)| {
            // One part making its own whole: the whole is the row's pupils.
            let (_, whole) = exclusions_by_part(&[(group.clone(), members.clone())], None);
            let small = |count: Count| {
                threshold.is_some_and(|threshold| count.shown().is_some_and(|count| count > 0 && count < threshold))
            };
            let pupils = if small(whole.pupils) {
                Count::Suppressed
            } else {
                whole.pupils
            };
            let hide_all = pupils == Count::Suppressed
                || [whole.suspended, whole.suspensions, whole.permanent]
                    .into_iter()
                    .any(small);
            let counts = if hide_all {
                [Count::Suppressed; 3]
            } else {
                [whole.suspended, whole.suspensions, whole.permanent]
            };
            row(group, members.len() as u64, &members, counts, pupils)
        })
        .collect()
}

pub fn exclusions_table(title: &str, rows: &[ExclusionRow]) -> Table {
    let count = Cell::of_count;
    let rate = |rate: Option<f64>| {
        rate.map_or_else(
            || Cell::Missing("c".into()),
            |value| Cell::Number { value, decimals: 2 },
        )
    };
    Table {
        title: title.to_owned(),
        columns: vec![
            Column::text("Group"),
            Column::number("Pupils"),
            Column::number("Pupils suspended"),
            Column::number("Suspensions"),
            Column::number("Suspension rate (per 100 pupils)"),
            Column::number("School days lost"),
            Column::number("Permanent exclusions"),
            Column::number("Permanent exclusion rate (per 100 pupils)"),
        ],
        rows: rows
            .iter()
            .map(|row| {
                vec![
                    Cell::Text(row.group.clone()),
                    count(row.pupils),
                    count(row.suspended),
                    count(row.suspensions),
                    rate(row.suspension_rate),
                    row.school_days
                        .map_or_else(|| Cell::Missing("c".into()), |days| Cell::Integer(days as i64)),
                    count(row.permanent),
                    rate(row.permanent_rate),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pupils::episodes::ExclusionReason;
    use crate::testing::urn;

    fn day(year: i32, month: u32, date: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(year, month, date).expect("valid date")
    }

    fn suspension(pupil_id: i64, first_day: chrono::NaiveDate, school_days: u32) -> Episode {
        Episode {
            id: 0,
            pupil_id,
            kind: EpisodeKind::Suspension {
                urn: urn(914_001),
                first_day,
                school_days,
                reason: ExclusionReason::Other,
                provision: None,
                reintegration_meeting: None,
            },
        }
    }

    #[test]
    fn a_years_exclusions_are_counted_as_the_statistics_count_them() {
        let episodes = [
            suspension(1, day(2026, 9, 10), 2),
            suspension(1, day(2026, 10, 5), 3),
            suspension(2, day(2026, 11, 2), 1),
            suspension(3, day(2026, 6, 2), 5),
        ];
        let counted = exclusions_in(&episodes, AcademicYear::starting(2026));
        assert_eq!(
            counted[&1],
            PupilExclusions {
                suspensions: 2,
                school_days: 5,
                permanent: 0
            }
        );
        assert!(!counted.contains_key(&3), "last year's is not this year's");
        let mut roll = vec![PupilExclusions::default(); 18];
        roll.push(counted[&1]);
        roll.push(counted[&2]);
        let (rows, whole) = exclusions_by_part(&[("Secondary".into(), roll.clone())], None);
        assert_eq!(rows[0].suspended, Count::Shown(2));
        assert_eq!(whole.suspensions, Count::Shown(3));
        assert_eq!(whole.suspension_rate, Some(15.0), "3 suspensions of 20 pupils");
        assert_eq!(whole.school_days, Some(6));
        let (rows, _) = exclusions_by_part(
            &[
                ("Secondary".into(), roll.clone()),
                ("Special".into(), vec![counted[&2]; 4]),
            ],
            Some(3),
        );
        assert_eq!(rows[0].suspended, Count::Suppressed, "two pupils suspended");
        assert_eq!(rows[0].suspension_rate, Some(15.0), "the rate of a shown count stands");
        let groups = exclusions_by_characteristic(&[(&[Characteristic::LookedAfter][..], counted[&1])], Some(3));
        assert_eq!(groups[1].pupils, Count::Suppressed);
        assert_eq!(groups[1].school_days, None);
    }
}
