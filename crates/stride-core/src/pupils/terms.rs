//! The three terms the school census counts absence by, and a pupil's sessions in a term when a
//! school returns only the totals (the census's attendance module) rather than every mark.
//!
//! The census's terms are fixed by date, not by each school's own term dates: autumn to 31
//! December, spring from 1 January to Easter Sunday, summer from Easter Monday to the year's end.
//! Counting marks by the same dates makes a term from marks and a term from a summary the same
//! thing.

use std::collections::HashMap;
use std::fmt;

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use super::{SessionCounts, Upn, YearOfMarks};
use crate::calendar::easter_sunday;
use crate::identifiers::Urn;
use crate::year::AcademicYear;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Term {
    Autumn,
    Spring,
    Summer,
}

impl Term {
    pub const ALL: [Term; 3] = [Term::Autumn, Term::Spring, Term::Summer];

    pub fn label(self) -> &'static str {
        match self {
            Term::Autumn => "Autumn",
            Term::Spring => "Spring",
            Term::Summer => "Summer",
        }
    }

    /// The number stored for the term: 1 autumn, 2 spring, 3 summer.
    pub fn number(self) -> u8 {
        match self {
            Term::Autumn => 1,
            Term::Spring => 2,
            Term::Summer => 3,
        }
    }

    pub fn from_number(number: u8) -> Option<Term> {
        Term::ALL.into_iter().find(|term| term.number() == number)
    }

    /// Reads "Autumn", "AUT", "Aut" or the term's number, as MIS exports write them.
    pub fn parse(text: &str) -> Option<Term> {
        let text = text.trim().to_ascii_lowercase();
        Term::ALL.into_iter().find(|term| {
            let label = term.label().to_ascii_lowercase();
            text == label || text == label[..3] || text == term.number().to_string()
        })
    }
}

/// A term of an academic year: what a trend of absence is counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TermOfYear {
    pub year: AcademicYear,
    pub term: Term,
}

impl TermOfYear {
    pub fn containing(day: NaiveDate) -> TermOfYear {
        let year = AcademicYear::containing(day);
        let spring = NaiveDate::from_ymd_opt(year.start_year() + 1, 1, 1).unwrap_or(NaiveDate::MAX);
        let term = if day < spring {
            Term::Autumn
        } else if day <= easter_sunday(day.year()) {
            Term::Spring
        } else {
            Term::Summer
        };
        TermOfYear { year, term }
    }

    /// The first and last days the census counts in the term.
    pub fn days(self) -> (NaiveDate, NaiveDate) {
        let january = NaiveDate::from_ymd_opt(self.year.start_year() + 1, 1, 1).unwrap_or(NaiveDate::MAX);
        let easter = easter_sunday(self.year.start_year() + 1);
        match self.term {
            Term::Autumn => (self.year.first_day(), january - Days::new(1)),
            Term::Spring => (january, easter),
            Term::Summer => (easter + Days::new(1), self.year.last_day()),
        }
    }
}

impl fmt::Display for TermOfYear {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} {}", self.term.label(), self.year)
    }
}

/// A pupil's sessions in a term at a school, as the census's attendance module returns them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermSummary {
    pub upn: Upn,
    pub urn: Urn,
    pub term: TermOfYear,
    pub counts: SessionCounts,
}

/// A summary's sessions from the three figures a return gives: attended is what is left of the
/// possible sessions when the absences are taken away.
pub fn summary_counts(possible: u32, authorised: u32, unauthorised: u32) -> Option<SessionCounts> {
    let present = possible.checked_sub(authorised)?.checked_sub(unauthorised)?;
    Some(SessionCounts {
        possible,
        present,
        approved_educational_activity: 0,
        authorised,
        unauthorised,
    })
}

/// A pupil's sessions at a school in a term, by (pupil, school, term).
pub type SessionsByTerm = HashMap<(i64, Urn, TermOfYear), SessionCounts>;

/// Each pupil's sessions at each school in each term to `until`: from the register marks of
/// `year` where the term has any, and from the termly totals for every other term.
pub fn sessions_by_term(
    marks: &[(i64, Urn, YearOfMarks)],
    year: AcademicYear,
    until: NaiveDate,
    summaries: &[(i64, Urn, TermOfYear, SessionCounts)],
) -> SessionsByTerm {
    let mut counted = SessionsByTerm::new();
    for (pupil, urn, year_of_marks) in marks {
        for term in Term::ALL.map(|term| TermOfYear { year, term }) {
            let (first, last) = term.days();
            let counts = year_of_marks.counts_between(year, first, last.min(until));
            if first <= until && counts.possible > 0 {
                counted.insert((*pupil, *urn, term), counts);
            }
        }
    }
    for (pupil, urn, term, counts) in summaries {
        if term.days().0 <= until {
            counted.entry((*pupil, *urn, *term)).or_insert(*counts);
        }
    }
    counted
}

/// Each pupil's sessions at each school in a year: its terms added up.
pub fn sessions_in_year(by_term: &SessionsByTerm, year: AcademicYear) -> Vec<(i64, Urn, SessionCounts)> {
    let mut in_year: HashMap<(i64, Urn), SessionCounts> = HashMap::new();
    for ((pupil, urn, term), counts) in by_term {
        if term.year == year {
            in_year.entry((*pupil, *urn)).or_default().add(counts);
        }
    }
    in_year
        .into_iter()
        .map(|((pupil, urn), counts)| (pupil, urn, counts))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: i32, month: u32, date: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, date).expect("valid date")
    }

    #[test]
    fn the_census_terms_turn_at_new_year_and_at_easter() {
        // Easter Sunday 2026 is 5 April.
        let year = AcademicYear::starting(2025);
        let of = |date| TermOfYear::containing(date);
        assert_eq!(
            of(day(2025, 9, 3)),
            TermOfYear {
                year,
                term: Term::Autumn
            }
        );
        assert_eq!(of(day(2025, 12, 31)).term, Term::Autumn);
        assert_eq!(of(day(2026, 1, 1)).term, Term::Spring);
        assert_eq!(of(day(2026, 4, 5)).term, Term::Spring);
        assert_eq!(of(day(2026, 4, 6)).term, Term::Summer);
        assert_eq!(
            of(day(2026, 7, 22)),
            TermOfYear {
                year,
                term: Term::Summer
            }
        );
        let spring = TermOfYear {
            year,
            term: Term::Spring,
        };
        assert_eq!(spring.days(), (day(2026, 1, 1), day(2026, 4, 5)));
        assert_eq!(spring.to_string(), "Spring 2025/26");
    }

    #[test]
    fn terms_read_as_exports_write_them() {
        assert_eq!(Term::parse("AUT"), Some(Term::Autumn));
        assert_eq!(Term::parse(" spring "), Some(Term::Spring));
        assert_eq!(Term::parse("3"), Some(Term::Summer));
        assert_eq!(Term::parse("Winter"), None);
        assert_eq!(Term::from_number(2), Some(Term::Spring));
    }

    #[test]
    fn marks_count_where_held_and_totals_fill_the_other_terms() {
        use crate::pupils::{AttendanceCode, Session};
        let year = AcademicYear::starting(2025);
        let school = crate::testing::urn(914_001);
        let mut marks = YearOfMarks::default();
        marks.set(year, day(2025, 9, 3), Session::Morning, AttendanceCode::PresentMorning);
        marks.set(year, day(2025, 9, 3), Session::Afternoon, AttendanceCode::Illness);
        marks.set(year, day(2026, 1, 6), Session::Morning, AttendanceCode::NotAuthorised);
        let autumn = TermOfYear {
            year,
            term: Term::Autumn,
        };
        let spring = TermOfYear {
            year,
            term: Term::Spring,
        };
        let summer = TermOfYear {
            year,
            term: Term::Summer,
        };
        let totals = summary_counts(100, 5, 5).expect("adds up");
        let summaries = [
            (1, school, autumn, totals),
            (1, school, summer, totals),
            (2, school, spring, totals),
        ];
        let by_term = sessions_by_term(&[(1, school, marks)], year, day(2026, 3, 1), &summaries);
        assert_eq!(by_term[&(1, school, autumn)].possible, 2, "the marks, not the totals");
        assert_eq!(by_term[&(1, school, spring)].unauthorised, 1);
        assert!(
            !by_term.contains_key(&(1, school, summer)),
            "summer has not begun on 1 March"
        );
        assert_eq!(by_term[&(2, school, spring)], totals);
        let mut in_year = sessions_in_year(&by_term, year);
        in_year.sort_by_key(|(pupil, _, _)| *pupil);
        assert_eq!(in_year[0].2.possible, 3);
        assert_eq!(in_year[1].2.possible, 100);
        assert!(sessions_in_year(&by_term, year.next()).is_empty());
    }

    #[test]
    fn a_summary_cannot_miss_more_sessions_than_were_possible() {
        let counts = summary_counts(120, 8, 5).expect("adds up");
        assert_eq!((counts.attended(), counts.absent()), (107, 13));
        assert!(counts.persistently_absent(), "13 of 120 is over 10%");
        assert_eq!(summary_counts(10, 8, 5), None);
    }
}
