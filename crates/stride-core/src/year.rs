//! Academic years, which run from 1 September to 31 August and are written 2024/25.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// An academic year, named by the calendar year in which it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AcademicYear(i32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an academic year: expected the form 2024/25 or 202425")]
pub struct AcademicYearError(String);

impl AcademicYear {
    pub fn starting(year: i32) -> Self {
        AcademicYear(year)
    }

    /// The academic year a date falls in.
    pub fn containing(date: NaiveDate) -> Self {
        if date.month() >= 9 {
            AcademicYear(date.year())
        } else {
            AcademicYear(date.year() - 1)
        }
    }

    pub fn start_year(self) -> i32 {
        self.0
    }

    pub fn previous(self) -> Self {
        AcademicYear(self.0 - 1)
    }

    pub fn next(self) -> Self {
        AcademicYear(self.0 + 1)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 9, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 8, 31).unwrap_or(NaiveDate::MAX)
    }

    /// The January census day of the year, when pupils on roll are counted.
    pub fn census_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 1, 16).unwrap_or(NaiveDate::MAX)
    }

    /// The `count` years ending with this one, oldest first.
    pub fn last(self, count: usize) -> Vec<AcademicYear> {
        (0..count as i32)
            .rev()
            .map(|back| AcademicYear(self.0 - back))
            .collect()
    }
}

impl fmt::Display for AcademicYear {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}/{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
}

impl FromStr for AcademicYear {
    type Err = AcademicYearError;

    /// Reads "2024/25", "2024-25" and the DfE's "202425".
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || AcademicYearError(text.to_owned());
        let digits: String = text.trim().chars().filter(char::is_ascii_digit).collect();
        if digits.len() != 6 {
            return Err(error());
        }
        let start: i32 = digits[..4].parse().map_err(|_| error())?;
        let end: i32 = digits[4..].parse().map_err(|_| error())?;
        if (start + 1).rem_euclid(100) != end {
            return Err(error());
        }
        Ok(AcademicYear(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
    }

    #[test]
    fn the_year_turns_on_the_first_of_september() {
        assert_eq!(AcademicYear::containing(date(2025, 8, 31)).to_string(), "2024/25");
        assert_eq!(AcademicYear::containing(date(2025, 9, 1)).to_string(), "2025/26");
        assert_eq!(AcademicYear::starting(1999).to_string(), "1999/00");
    }

    #[test]
    fn reads_the_forms_the_dfe_publishes() {
        assert_eq!("2024/25".parse(), Ok(AcademicYear::starting(2024)));
        assert_eq!("202425".parse(), Ok(AcademicYear::starting(2024)));
        assert!("2024/26".parse::<AcademicYear>().is_err());
        assert!("2024".parse::<AcademicYear>().is_err());
    }

    #[test]
    fn the_last_five_years_end_with_this_one() {
        let years = AcademicYear::starting(2025).last(5);
        assert_eq!(years.first(), Some(&AcademicYear::starting(2021)));
        assert_eq!(years.last(), Some(&AcademicYear::starting(2025)));
        assert_eq!(years.len(), 5);
    }
}
