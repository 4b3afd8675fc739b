//! The LA's school terms: three a year, each with a half-term holiday, entered once a year by an
//! administrator. Where none is entered, a pattern most English LAs follow is generated.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::bank_holidays::easter_sunday;
use crate::coded::coded_enum;
use crate::year::AcademicYear;

coded_enum! {
    pub enum TermName ("term") {
        Autumn => ("autumn", "Autumn term"),
        Spring => ("spring", "Spring term"),
        Summer => ("summer", "Summer term"),
    }
}

/// A run of days, first to last, both included; it cannot end before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    first: NaiveDate,
    last: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} ends on {last}, before it starts on {first}")]
pub struct BackwardsRange {
    pub what: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl DateRange {
    pub fn new(what: &str, first: NaiveDate, last: NaiveDate) -> Result<DateRange, BackwardsRange> {
        if last < first {
            return Err(BackwardsRange {
                what: what.to_owned(),
                first,
                last,
            });
        }
        Ok(DateRange { first, last })
    }

    pub fn first(self) -> NaiveDate {
        self.first
    }

    pub fn last(self) -> NaiveDate {
        self.last
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.first <= day && day <= self.last
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub name: TermName,
    pub dates: DateRange,
    pub half_term: DateRange,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermError {
    #[error(transparent)]
    Backwards(#[from] BackwardsRange),
    #[error("the {term} half term, {first} to {last}, is not within the term")]
    HalfTermOutside {
        term: TermName,
        first: NaiveDate,
        last: NaiveDate,
    },
}

impl Term {
    pub fn new(name: TermName, dates: DateRange, half_term: DateRange) -> Result<Term, TermError> {
        if !(dates.contains(half_term.first()) && dates.contains(half_term.last())) {
            return Err(TermError::HalfTermOutside {
                term: name,
                first: half_term.first(),
                last: half_term.last(),
            });
        }
        Ok(Term { name, dates, half_term })
    }

    /// Whether pupils are in school that day, bank holidays aside: a weekday of the term outside
    /// its half term.
    pub fn in_session(&self, day: NaiveDate) -> bool {
        self.dates.contains(day) && !self.half_term.contains(day) && !is_weekend(day)
    }
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

fn nth_weekday_on_or_after(day: NaiveDate, weekday: Weekday) -> NaiveDate {
    let mut found = day;
    while found.weekday() != weekday {
        found += Duration::days(1);
    }
    found
}

fn weekday_on_or_before(day: NaiveDate, weekday: Weekday) -> NaiveDate {
    let mut found = day;
    while found.weekday() != weekday {
        found -= Duration::days(1);
    }
    found
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// A week's holiday, Monday to Friday, from a Monday.
fn week_from(monday: NaiveDate) -> DateRange {
    DateRange {
        first: monday,
        last: monday + Duration::days(4),
    }
}

/// The terms most English LAs keep, for an academic year no administrator has entered: autumn
/// from the first Wednesday of September to the last Friday before 21 December, half term the
/// last week of October; spring from the first Monday after New Year's Day's holiday, half term
/// the week of the third Monday of February, to the Friday before the week of Good Friday;
/// summer from the Monday after Easter week to the Friday on or before 22 July, half term the
/// week of the spring bank holiday (the last Monday of May).
pub fn default_terms(year: AcademicYear) -> Vec<Term> {
    let (autumn_year, spring_year) = (year.start_year(), year.start_year() + 1);
    let autumn_starts = nth_weekday_on_or_after(ymd(autumn_year, 9, 1), Weekday::Wed);
    let autumn_ends = weekday_on_or_before(ymd(autumn_year, 12, 20), Weekday::Fri);
    let october_half = week_from(weekday_on_or_before(ymd(autumn_year, 10, 31), Weekday::Mon));
    let spring_starts = nth_weekday_on_or_after(ymd(spring_year, 1, 2), Weekday::Mon);
    let february_half = week_from(nth_weekday_on_or_after(ymd(spring_year, 2, 15), Weekday::Mon));
    let easter = easter_sunday(spring_year);
    // The Easter holiday: the week of Good Friday and the week of Easter Monday.
    let spring_ends = easter - Duration::days(9);
    let summer_starts = easter + Duration::days(8);
    let may_half = week_from(weekday_on_or_before(ymd(spring_year, 5, 31), Weekday::Mon));
    let summer_ends = weekday_on_or_before(ymd(spring_year, 7, 22), Weekday::Fri);
    vec![
        Term {
            name: TermName::Autumn,
            dates: DateRange {
                first: autumn_starts,
                last: autumn_ends,
            },
            half_term: october_half,
        },
        Term {
            name: TermName::Spring,
            dates: DateRange {
                first: spring_starts,
                last: spring_ends,
            },
            half_term: february_half,
        },
        Term {
            name: TermName::Summer,
            dates: DateRange {
                first: summer_starts,
                last: summer_ends,
            },
            half_term: may_half,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_terms_of_2025_26_fall_as_most_las_kept_them() {
        let terms = default_terms(AcademicYear::starting(2025));
        let shown: Vec<(NaiveDate, NaiveDate, NaiveDate)> = terms
            .iter()
            .map(|term| (term.dates.first(), term.half_term.first(), term.dates.last()))
            .collect();
        assert_eq!(
            shown,
            [
                (ymd(2025, 9, 3), ymd(2025, 10, 27), ymd(2025, 12, 19)),
                (ymd(2026, 1, 5), ymd(2026, 2, 16), ymd(2026, 3, 27)),
                (ymd(2026, 4, 13), ymd(2026, 5, 25), ymd(2026, 7, 17)),
            ]
        );
        for term in &terms {
            assert!(Term::new(term.name, term.dates, term.half_term).is_ok());
        }
    }

    #[test]
    fn a_term_that_ends_before_it_starts_or_a_half_term_outside_it_is_refused() {
        assert!(DateRange::new("the autumn term", ymd(2025, 12, 19), ymd(2025, 9, 3)).is_err());
        let term = DateRange::new("the autumn term", ymd(2025, 9, 3), ymd(2025, 12, 19)).expect("a range");
        let outside = DateRange::new("half term", ymd(2026, 1, 1), ymd(2026, 1, 5)).expect("a range");
        assert!(matches!(
            Term::new(TermName::Autumn, term, outside),
            Err(TermError::HalfTermOutside { .. })
        ));
    }
}
