//! A pupil's register for a year at one school: a mark a session, kept as a byte a session from
//! the first day of the academic year, so a year of 380 sessions is under a kilobyte.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Upn;
use super::attendance::{AttendanceCode, SessionCounts};
use crate::identifiers::Urn;
use crate::year::AcademicYear;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Session {
    Morning,
    Afternoon,
}

impl Session {
    pub fn parse(text: &str) -> Option<Session> {
        match text.trim().to_ascii_uppercase().as_str() {
            "AM" | "A" | "MORNING" => Some(Session::Morning),
            "PM" | "P" | "AFTERNOON" => Some(Session::Afternoon),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Session::Morning => "AM",
            Session::Afternoon => "PM",
        }
    }
}

/// A year of one pupil's marks at one school.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct YearOfMarks {
    /// Two bytes a day from 1 September; 0 is no mark. Trailing unmarked sessions are not kept.
    bytes: Vec<u8>,
}

impl YearOfMarks {
    pub fn from_bytes(mut bytes: Vec<u8>) -> YearOfMarks {
        while bytes.last() == Some(&0) {
            bytes.pop();
        }
        YearOfMarks { bytes }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn slot(year: AcademicYear, day: NaiveDate, session: Session) -> Option<usize> {
        let offset = usize::try_from((day - year.first_day()).num_days()).ok()?;
        (day <= year.last_day()).then_some(offset * 2 + usize::from(session == Session::Afternoon))
    }

    /// Sets a mark; `false` where the day is outside the year.
    pub fn set(&mut self, year: AcademicYear, day: NaiveDate, session: Session, code: AttendanceCode) -> bool {
        let Some(slot) = YearOfMarks::slot(year, day, session) else {
            return false;
        };
        if self.bytes.len() <= slot {
            self.bytes.resize(slot + 1, 0);
        }
        self.bytes[slot] = code.to_byte();
        true
    }

    pub fn mark(&self, year: AcademicYear, day: NaiveDate, session: Session) -> Option<AttendanceCode> {
        let slot = YearOfMarks::slot(year, day, session)?;
        AttendanceCode::from_byte(*self.bytes.get(slot)?)
    }

    /// These marks laid over `self`: a session marked in both takes the newer mark. Says whether
    /// anything changed, so that importing the same marks again is seen to change nothing.
    pub fn overlay(&mut self, newer: &YearOfMarks) -> bool {
        let mut changed = false;
        if self.bytes.len() < newer.bytes.len() {
            self.bytes.resize(newer.bytes.len(), 0);
        }
        for (slot, &byte) in newer.bytes.iter().enumerate() {
            if byte != 0 && self.bytes[slot] != byte {
                self.bytes[slot] = byte;
                changed = true;
            }
        }
        changed
    }

    /// Every session marked, counted, up to and including `until`'s afternoon.
    pub fn counts_until(&self, year: AcademicYear, until: NaiveDate) -> SessionCounts {
        self.counts_between(year, year.first_day(), until)
    }

    /// Every session marked from `first`'s morning to `last`'s afternoon, both days included.
    pub fn counts_between(&self, year: AcademicYear, first: NaiveDate, last: NaiveDate) -> SessionCounts {
        let end = YearOfMarks::slot(year, last.min(year.last_day()), Session::Afternoon)
            .map_or(0, |slot| slot + 1)
            .min(self.bytes.len());
        let start = YearOfMarks::slot(year, first.max(year.first_day()), Session::Morning)
            .unwrap_or(end)
            .min(end);
        let mut counts = SessionCounts::default();
        for code in self.bytes[start..end]
            .iter()
            .filter_map(|byte| AttendanceCode::from_byte(*byte))
        {
            counts.count(code);
        }
        counts
    }

    pub fn counts(&self, year: AcademicYear) -> SessionCounts {
        self.counts_until(year, year.last_day())
    }

    /// Each marked session, in order.
    pub fn marked(&self, year: AcademicYear) -> impl Iterator<Item = (NaiveDate, Session, AttendanceCode)> + '_ {
        self.bytes.iter().enumerate().filter_map(move |(slot, byte)| {
            let code = AttendanceCode::from_byte(*byte)?;
            let day = year.first_day() + chrono::Days::new(u64::try_from(slot / 2).ok()?);
            let session = if slot % 2 == 0 {
                Session::Morning
            } else {
                Session::Afternoon
            };
            Some((day, session, code))
        })
    }
}

/// One pupil's marks at one school in one academic year, as imported or held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilMarks {
    pub upn: Upn,
    pub urn: Urn,
    pub year: AcademicYear,
    pub marks: YearOfMarks,
}

#[cfg(test)]
mod tests {
    use super::*;
    use AttendanceCode::*;

    fn day(year: i32, month: u32, date: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, date).expect("valid date")
    }

    #[test]
    fn marks_are_kept_by_day_and_session_and_counted() {
        let year = AcademicYear::starting(2025);
        let mut marks = YearOfMarks::default();
        assert!(marks.set(year, day(2025, 9, 3), Session::Morning, PresentMorning));
        assert!(marks.set(year, day(2025, 9, 3), Session::Afternoon, Illness));
        assert!(marks.set(year, day(2025, 9, 4), Session::Morning, ReasonNotProvided));
        assert!(!marks.set(year, day(2026, 9, 1), Session::Morning, PresentMorning));
        assert!(!marks.set(year, day(2025, 8, 31), Session::Morning, PresentMorning));
        assert_eq!(marks.mark(year, day(2025, 9, 3), Session::Afternoon), Some(Illness));
        let counts = marks.counts(year);
        assert_eq!(
            (counts.possible, counts.present, counts.authorised, counts.unauthorised),
            (3, 1, 1, 1)
        );
        assert_eq!(marks.counts_until(year, day(2025, 9, 3)).possible, 2);
        assert_eq!(
            marks
                .counts_between(year, day(2025, 9, 4), day(2025, 9, 30))
                .unauthorised,
            1
        );
        assert_eq!(
            marks.counts_between(year, day(2025, 9, 4), day(2025, 9, 30)).possible,
            1
        );
        assert_eq!(
            marks.counts_between(year, day(2025, 10, 1), day(2025, 9, 30)).possible,
            0
        );
        assert_eq!(marks.marked(year).count(), 3);
        assert_eq!(
            marks.marked(year).last(),
            Some((day(2025, 9, 4), Session::Morning, ReasonNotProvided))
        );
    }

    #[test]
    fn overlaying_the_same_marks_changes_nothing() {
        let year = AcademicYear::starting(2025);
        let mut held = YearOfMarks::default();
        held.set(year, day(2025, 9, 3), Session::Morning, PresentMorning);
        let mut newer = held.clone();
        assert!(!held.overlay(&newer));
        newer.set(year, day(2025, 9, 3), Session::Morning, Medical);
        newer.set(year, day(2025, 9, 10), Session::Morning, PresentMorning);
        assert!(held.overlay(&newer));
        assert_eq!(held.mark(year, day(2025, 9, 3), Session::Morning), Some(Medical));
        assert_eq!(YearOfMarks::from_bytes(held.as_bytes().to_vec()), held);
    }
}
