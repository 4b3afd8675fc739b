//! The bank holidays of England and Wales for any year: the rules of the Banking and Financial
//! Dealings Act 1971 and the Royal Proclamations that follow them each year, with the one-off
//! changes held as data.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A change the Crown made to a year's bank holidays by proclamation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneOff {
    /// A regular bank holiday moved to another day.
    Moved {
        from: NaiveDate,
        to: NaiveDate,
        why: &'static str,
    },
    /// A bank holiday for that year alone.
    Extra { on: NaiveDate, why: &'static str },
}

const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("a one-off bank holiday's date is not a date"),
    }
}

/// The one-off changes since 1995, as proclaimed. A new one is a line here.
pub const ONE_OFFS: &[OneOff] = &[
    OneOff::Moved {
        from: date(1995, 5, 1),
        to: date(1995, 5, 8),
        why: "the 50th anniversary of VE Day",
    },
    OneOff::Extra {
        on: date(1999, 12, 31),
        why: "the Millennium",
    },
    OneOff::Moved {
        from: date(2002, 5, 27),
        to: date(2002, 6, 4),
        why: "the Golden Jubilee",
    },
    OneOff::Extra {
        on: date(2002, 6, 3),
        why: "the Golden Jubilee",
    },
    OneOff::Extra {
        on: date(2011, 4, 29),
        why: "the wedding of Prince William and Catherine Middleton",
    },
    OneOff::Moved {
        from: date(2012, 5, 28),
        to: date(2012, 6, 4),
        why: "the Diamond Jubilee",
    },
    OneOff::Extra {
        on: date(2012, 6, 5),
        why: "the Diamond Jubilee",
    },
    OneOff::Moved {
        from: date(2020, 5, 4),
        to: date(2020, 5, 8),
        why: "the 75th anniversary of VE Day",
    },
    OneOff::Moved {
        from: date(2022, 5, 30),
        to: date(2022, 6, 2),
        why: "the Platinum Jubilee",
    },
    OneOff::Extra {
        on: date(2022, 6, 3),
        why: "the Platinum Jubilee",
    },
    OneOff::Extra {
        on: date(2022, 9, 19),
        why: "the State Funeral of Queen Elizabeth II",
    },
    OneOff::Extra {
        on: date(2023, 5, 8),
        why: "the Coronation of King Charles III",
    },
];

/// Easter Sunday in the Gregorian calendar (the anonymous algorithm of 1876).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let (b, c) = (year / 100, year % 100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or(NaiveDate::MIN)
}

fn first_monday(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 1).unwrap_or(NaiveDate::MIN)
}

fn last_monday(year: i32, month: u32) -> NaiveDate {
    let next_month_start = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .unwrap_or(NaiveDate::MIN);
    let mut day = next_month_start - Duration::days(1);
    while day.weekday() != Weekday::Mon {
        day -= Duration::days(1);
    }
    day
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The next weekday on or after a day, not already taken.
fn substitute(day: NaiveDate, taken: &[NaiveDate]) -> NaiveDate {
    let mut substitute = day;
    while is_weekend(substitute) || taken.contains(&substitute) {
        substitute += Duration::days(1);
    }
    substitute
}

/// The bank holidays of England and Wales in a calendar year, in date order: the days off, with
/// a holiday that falls at a weekend replaced by its substitute weekday.
pub fn bank_holidays(year: i32) -> Vec<NaiveDate> {
    let easter = easter_sunday(year);
    let mut days = vec![
        substitute(date_or_min(year, 1, 1), &[]),
        easter - Duration::days(2),
        easter + Duration::days(1),
        first_monday(year, 5),
        last_monday(year, 5),
        last_monday(year, 8),
    ];
    // Christmas first, so that Boxing Day's substitute steps past Christmas's.
    let christmas = substitute(date_or_min(year, 12, 25), &[]);
    let boxing_day = substitute(date_or_min(year, 12, 26), &[christmas]);
    days.extend([christmas, boxing_day]);
    for change in ONE_OFFS {
        match *change {
            OneOff::Moved { from, to, .. } if from.year() == year => {
                days.retain(|day| *day != from);
                days.push(to);
            }
            OneOff::Extra { on, .. } if on.year() == year => days.push(on),
            _ => {}
        }
    }
    days.sort();
    days.dedup();
    days
}

fn date_or_min(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easter_falls_on_the_published_sundays() {
        for (year, month, day) in [(2010, 4, 4), (2011, 4, 24), (2019, 4, 21), (2024, 3, 31), (2038, 4, 25)] {
            assert_eq!(easter_sunday(year), date(year, month, day), "{year}");
        }
    }

    #[test]
    fn christmas_on_a_saturday_gives_the_monday_and_tuesday_after() {
        let days = bank_holidays(2021);
        assert!(days.contains(&date(2021, 12, 27)) && days.contains(&date(2021, 12, 28)));
        assert!(!days.contains(&date(2021, 12, 25)));
    }
}
