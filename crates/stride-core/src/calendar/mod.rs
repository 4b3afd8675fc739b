//! The English calendar deadlines are counted in: working days (weekdays that are not bank
//! holidays of England and Wales), school days (working days in the LA's terms, outside half
//! terms) and weeks; and the LA's terms, entered by an administrator or generated.
//!
//! Invariants: no clock (every answer is for the dates it is given); adding working or school
//! days never lands on a day that is not one, and never goes backwards.

mod bank_holidays;
mod terms;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

pub use bank_holidays::{ONE_OFFS, OneOff, bank_holidays, easter_sunday};
pub use terms::{BackwardsRange, DateRange, Term, TermError, TermName, default_terms};

use crate::year::AcademicYear;

/// How long something may take: the period of a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "unit", content = "count")]
pub enum Period {
    WorkingDays(u32),
    SchoolDays(u32),
    /// Calendar weeks; a deadline that falls on a day that is not a working day is brought
    /// forward to the working day before, never put back.
    Weeks(u32),
    /// By the last day of the term the start falls in (or, in a holiday, of the next term).
    EndOfTerm,
}

impl Period {
    pub fn describe(self) -> String {
        let plural = |count: u32, one: &str, many: &str| {
            if count == 1 {
                format!("1 {one}")
            } else {
                format!("{count} {many}")
            }
        };
        match self {
            Period::WorkingDays(count) => plural(count, "working day", "working days"),
            Period::SchoolDays(count) => plural(count, "school day", "school days"),
            Period::Weeks(count) => plural(count, "week", "weeks"),
            Period::EndOfTerm => "by the end of term".to_owned(),
        }
    }
}

/// The calendar an LA works to: bank holidays and its terms by academic year (generated for a
/// year no administrator has entered), and any other days its offices are closed.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    entered_terms: BTreeMap<AcademicYear, Vec<Term>>,
    closures: BTreeSet<NaiveDate>,
}

/// Beyond this, a count of days is not a deadline but a mistake; it keeps every answer finite.
const FURTHEST: i64 = 366 * 10;

impl Calendar {
    /// The calendar with these terms entered, each year's terms in date order.
    pub fn new(entered_terms: BTreeMap<AcademicYear, Vec<Term>>, closures: BTreeSet<NaiveDate>) -> Calendar {
        Calendar {
            entered_terms,
            closures,
        }
    }

    pub fn is_bank_holiday(&self, day: NaiveDate) -> bool {
        bank_holidays(day.year()).contains(&day)
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
            && !self.is_bank_holiday(day)
            && !self.closures.contains(&day)
    }

    /// The terms of an academic year: as entered, or generated.
    pub fn terms(&self, year: AcademicYear) -> Vec<Term> {
        self.entered_terms
            .get(&year)
            .cloned()
            .unwrap_or_else(|| default_terms(year))
    }

    /// Whether the terms of the year were entered by the LA rather than generated.
    pub fn terms_entered(&self, year: AcademicYear) -> bool {
        self.entered_terms.contains_key(&year)
    }

    /// The term a day falls in, if it falls in one.
    pub fn term_of(&self, day: NaiveDate) -> Option<Term> {
        self.terms(AcademicYear::containing(day))
            .into_iter()
            .find(|term| term.dates.contains(day))
    }

    /// The term a day falls in (or, in a holiday, the last before it), or the one `back` terms
    /// before that.
    pub fn terms_back(&self, day: NaiveDate, back: usize) -> Option<Term> {
        let mut term = self.term_of_or_before(day);
        for _ in 0..back {
            term = term.and_then(|term| self.term_of_or_before(term.dates.first().pred_opt()?));
        }
        term
    }

    /// The term a day falls in or, in a holiday, the last to have started before it.
    pub fn term_of_or_before(&self, day: NaiveDate) -> Option<Term> {
        let year = AcademicYear::containing(day);
        self.terms(year.previous())
            .into_iter()
            .chain(self.terms(year))
            .rfind(|term| term.dates.first() <= day)
    }

    pub fn is_school_day(&self, day: NaiveDate) -> bool {
        self.is_working_day(day) && self.term_of(day).is_some_and(|term| term.in_session(day))
    }

    /// The day `count` working days after `start` (the start itself not counted).
    pub fn add_working_days(&self, start: NaiveDate, count: u32) -> Option<NaiveDate> {
        self.add_days_where(start, count, |day| self.is_working_day(day))
    }

    /// The day `count` school days after `start` (the start itself not counted).
    pub fn add_school_days(&self, start: NaiveDate, count: u32) -> Option<NaiveDate> {
        self.add_days_where(start, count, |day| self.is_school_day(day))
    }

    fn add_days_where(&self, start: NaiveDate, count: u32, counts: impl Fn(NaiveDate) -> bool) -> Option<NaiveDate> {
        let mut day = start;
        let mut left = count;
        let mut steps = 0;
        while left > 0 {
            day = day.succ_opt()?;
            steps += 1;
            if steps > FURTHEST {
                return None;
            }
            if counts(day) {
                left -= 1;
            }
        }
        Some(day)
    }

    /// The working day on or before a day.
    pub fn working_day_on_or_before(&self, day: NaiveDate) -> NaiveDate {
        let mut found = day;
        while !self.is_working_day(found) {
            match found.pred_opt() {
                Some(before) => found = before,
                None => return day,
            }
        }
        found
    }

    /// The last day of the term `day` falls in, or of the next term where it falls in a holiday.
    pub fn end_of_term(&self, day: NaiveDate) -> Option<NaiveDate> {
        let year = AcademicYear::containing(day);
        self.terms(year)
            .into_iter()
            .chain(self.terms(year.next()))
            .find(|term| term.dates.last() >= day)
            .map(|term| term.dates.last())
    }

    /// When something started on `start` is due, `period` later.
    pub fn due(&self, start: NaiveDate, period: Period) -> Option<NaiveDate> {
        match period {
            Period::WorkingDays(count) => self.add_working_days(start, count),
            Period::SchoolDays(count) => self.add_school_days(start, count),
            Period::Weeks(count) => {
                let due = start.checked_add_signed(Duration::weeks(i64::from(count)))?;
                Some(self.working_day_on_or_before(due).max(start))
            }
            Period::EndOfTerm => self.end_of_term(start),
        }
    }

    /// The working days after `from` up to and including `to`: how far off a due date is.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (early, late, sign) = if from <= to { (from, to, 1) } else { (to, from, -1) };
        let mut count = 0;
        let mut day = early;
        while day < late {
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
            if self.is_working_day(day) {
                count += 1;
            }
        }
        sign * count
    }
}

#[cfg(test)]
mod tests;
