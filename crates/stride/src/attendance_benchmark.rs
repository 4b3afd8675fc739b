//! `stride bench attendance`: a year of register marks for 100,000 pupils (about 38 million
//! marks) counted into each pupil's attendance, persistent and severe absence, and the same by
//! school and by group, timed with the peak memory, to set beside DuckDB doing the same from the
//! same files (`scripts/bench/duckdb_attendance.py`). Both print the same totals, so that the
//! two can be seen to agree.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use stride_core::AcademicYear;
use stride_core::calendar::default_terms;
use stride_core::pupils::{SessionCounts, Upn};

/// The academic year the marks are of.
const YEAR: i32 = 2025;
const PUPILS_PER_SCHOOL: usize = 250;
/// The groups the pupils file flags, as its columns.
pub const GROUPS: [&str; 3] = ["Disadvantaged", "SenSupport", "EhcPlan"];

/// A small generator of its own (xorshift), so that the files are the same on every machine.
struct Draws(u64);

impl Draws {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The school days of the year, by the pattern of terms most LAs keep.
fn school_days() -> Vec<NaiveDate> {
    let terms = default_terms(AcademicYear::starting(YEAR));
    let year = AcademicYear::starting(YEAR);
    year.first_day()
        .iter_days()
        .take_while(|day| *day <= year.last_day())
        .filter(|day| terms.iter().any(|term| term.in_session(*day)))
        .collect()
}

/// Writes the marks file and the pupils file into `folder`, unless they are there already.
pub fn write_files(folder: &Path, pupils: usize) -> std::io::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(folder)?;
    let marks_path = folder.join(format!("marks-{pupils}.csv"));
    let pupils_path = folder.join(format!("pupils-{pupils}.csv"));
    if marks_path.exists() && pupils_path.exists() {
        return Ok((marks_path, pupils_path));
    }
    let days = school_days();
    let mut draws = Draws(0x5eed_a77e_da4c_e001);
    let mut marks = BufWriter::with_capacity(1 << 20, std::fs::File::create(&marks_path)?);
    let mut roll = BufWriter::new(std::fs::File::create(&pupils_path)?);
    writeln!(marks, "UPN,URN,Date,Session,Mark")?;
    writeln!(roll, "UPN,URN,{}", GROUPS.join(","))?;
    let dates: Vec<String> = days.iter().map(|day| day.format("%Y-%m-%d").to_string()).collect();
    for pupil in 0..pupils {
        let school = pupil / PUPILS_PER_SCHOOL;
        let urn = 900_000 + school as u32;
        let body = format!(
            "{:03}{:04}{:02}{:03}",
            200 + school / 9000 % 700,
            2000 + school % 7000,
            24,
            pupil % PUPILS_PER_SCHOOL
        );
        let Ok(upn) = Upn::with_check_letter(&body) else {
            continue;
        };
        let disadvantaged = draws.next() < 0.25;
        let ehc = draws.next() < 0.04;
        let sen = !ehc && draws.next() < 0.13;
        writeln!(
            roll,
            "{upn},{urn},{},{},{}",
            u8::from(disadvantaged),
            u8::from(sen),
            u8::from(ehc)
        )?;
        // Absence skewed: most pupils miss a few sessions, some a tenth or more, a few half.
        let mut rate = 0.01 + 0.25 * draws.next().powi(4);
        if disadvantaged {
            rate *= 1.6;
        }
        if draws.next() < 0.015 {
            rate = 0.5 + 0.4 * draws.next();
        }
        for date in &dates {
            for (session, present) in [("AM", "/"), ("PM", "\\")] {
                let mark = if draws.next() < rate {
                    let which = draws.next();
                    if which < 0.55 {
                        "I"
                    } else if which < 0.65 {
                        "M"
                    } else if which < 0.7 {
                        "C"
                    } else if which < 0.85 {
                        "O"
                    } else if which < 0.95 {
                        "N"
                    } else {
                        "G"
                    }
                } else if draws.next() < 0.02 {
                    "L"
                } else {
                    present
                };
                writeln!(marks, "{upn},{urn},{date},{session},{mark}")?;
            }
        }
    }
    marks.flush()?;
    roll.flush()?;
    Ok((marks_path, pupils_path))
}

/// What the benchmark found, and how long each step took.
pub struct AttendanceBenchmark {
    pub pupils: usize,
    pub schools: usize,
    pub possible: u64,
    pub persistent: usize,
    pub severe: usize,
    /// Group, pupils, persistently absent, absence %.
    pub groups: Vec<(String, usize, usize, f64)>,
    pub counting_seconds: f64,
    pub seconds: f64,
    pub peak_resident_mib: Option<f64>,
}

pub fn run(marks_path: &Path, pupils_path: &Path) -> anyhow::Result<AttendanceBenchmark> {
    let started = Instant::now();
    let file = std::fs::File::open(marks_path)?;
    let summary = stride_ingest::summarise_marks(&marks_path.display().to_string(), file)?;
    let counting_seconds = started.elapsed().as_secs_f64();
    // The groups each pupil is in, from the pupils file.
    let roll = std::fs::read_to_string(pupils_path)?;
    let mut groups_of: HashMap<&str, Vec<bool>> = HashMap::new();
    for line in roll.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        if let Some((upn, flags)) = fields.split_first() {
            groups_of.insert(upn, flags.iter().skip(1).map(|flag| *flag == "1").collect());
        }
    }
    let mut by_school: BTreeMap<u32, (SessionCounts, usize, usize)> = BTreeMap::new();
    let mut by_group: Vec<(SessionCounts, usize, usize)> = vec![(SessionCounts::default(), 0, 0); GROUPS.len() + 1];
    let mut possible = 0u64;
    for pupil in &summary {
        let persistent = usize::from(pupil.counts.persistently_absent());
        let severe = usize::from(pupil.counts.severely_absent());
        possible += u64::from(pupil.counts.possible);
        let school = by_school.entry(pupil.urn.get()).or_default();
        school.0.add(&pupil.counts);
        school.1 += persistent;
        school.2 += severe;
        let flags = groups_of.get(pupil.upn.as_str()).cloned().unwrap_or_default();
        for (index, group) in by_group.iter_mut().enumerate() {
            if index == 0 || flags.get(index - 1).copied().unwrap_or(false) {
                group.0.add(&pupil.counts);
                group.1 += 1;
                group.2 += persistent;
            }
        }
    }
    let names = std::iter::once("All pupils").chain(GROUPS);
    Ok(AttendanceBenchmark {
        pupils: summary.len(),
        schools: by_school.len(),
        possible,
        persistent: by_school.values().map(|school| school.1).sum(),
        severe: by_school.values().map(|school| school.2).sum(),
        groups: names
            .zip(by_group)
            .map(|(name, (counts, pupils, persistent))| {
                (
                    name.to_owned(),
                    pupils,
                    persistent,
                    counts.absence_percent().unwrap_or(0.0),
                )
            })
            .collect(),
        counting_seconds,
        seconds: started.elapsed().as_secs_f64(),
        peak_resident_mib: crate::import_benchmark::peak_resident_mib(),
    })
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;

    use super::*;

    #[test]
    fn a_year_has_about_190_school_days_and_the_files_count_back() {
        let days = school_days();
        assert!((185..=195).contains(&days.len()), "{} school days", days.len());
        assert!(days.iter().all(|day| day.weekday().number_from_monday() <= 5));
        let folder = tempfile::tempdir().expect("a folder");
        let (marks, pupils) = write_files(folder.path(), 300).expect("written");
        let found = run(&marks, &pupils).expect("counted");
        assert_eq!(found.pupils, 300);
        assert_eq!(found.schools, 2);
        // Every mark the generator writes is a possible session.
        assert_eq!(found.possible, 300 * 2 * days.len() as u64);
        let written = std::fs::read_to_string(&marks).expect("read").lines().count() as u64 - 1;
        assert_eq!(found.possible, written);
        assert!(found.persistent > 0 && found.persistent < 300);
        assert_eq!(found.groups[0].1, 300);
    }
}
