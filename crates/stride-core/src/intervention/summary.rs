//! The termly summary for management, and the calendar of the cycle: what the sources ask to be
//! reported each term (schools on the register, their movements, what is overdue, the visits
//! and meetings held) and the year's dates the cycle turns on.

use chrono::NaiveDate;
use serde::Serialize;

use super::clocks::{ClockRules, Trigger};
use super::due::DueState;
use super::evidence::{Assigned, InterventionEvidence, latest_case};
use super::ladder::Stage;
use crate::calendar::{Calendar, Term, bank_holidays};
use crate::identifiers::Urn;
use crate::year::AcademicYear;

/// A school's step in the term, up or down the ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Movement {
    pub urn: Urn,
    pub school: String,
    pub from: Stage,
    pub to: Stage,
    pub on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermlySummary {
    pub term: Term,
    /// Schools whose open case stands at each stage above light touch now.
    pub on_register: Vec<(Stage, usize)>,
    /// Cases opened in the term.
    pub opened: usize,
    /// Steps taken in the term, in date order.
    pub movements: Vec<Movement>,
    /// What is overdue now, by what is due, most first.
    pub overdue: Vec<(String, usize)>,
    /// Visits, meetings, statements and reviews held in the term, by kind.
    pub held: Vec<(&'static str, usize)>,
    /// The support commissioned for the open cases: days allocated and days used, in all.
    pub days_allocated: f64,
    pub days_used: f64,
}

/// The summary of a term as it stands on `as_of`.
pub fn termly_summary(evidence: &InterventionEvidence, items: &[Assigned], term: Term) -> TermlySummary {
    let in_term = |day: NaiveDate| term.dates.contains(day);
    let mut on_register: Vec<(Stage, usize)> = Vec::new();
    for school in &evidence.schools {
        let Some(case) = latest_case(&evidence.cases, school.urn).filter(|case| case.is_open()) else {
            continue;
        };
        if case.stage() == Stage::LightTouch {
            continue;
        }
        match on_register.iter_mut().find(|(stage, _)| *stage == case.stage()) {
            Some((_, count)) => *count += 1,
            None => on_register.push((case.stage(), 1)),
        }
    }
    on_register.sort();
    let name_of = |urn: Urn| {
        evidence
            .schools
            .iter()
            .find(|school| school.urn == urn)
            .map_or_else(|| urn.to_string(), |school| school.name.clone())
    };
    let mut movements: Vec<Movement> = evidence
        .cases
        .iter()
        .flat_map(|case| {
            case.steps
                .windows(2)
                .filter(|pair| in_term(pair[1].taken_on))
                .map(|pair| Movement {
                    urn: case.urn,
                    school: name_of(case.urn),
                    from: pair[0].stage,
                    to: pair[1].stage,
                    on: pair[1].taken_on,
                })
        })
        .collect();
    movements.sort_by(|left, right| (left.on, &left.school).cmp(&(right.on, &right.school)));
    let mut overdue: Vec<(String, usize)> = Vec::new();
    for assigned in items.iter().filter(|assigned| assigned.item.state == DueState::Overdue) {
        match overdue.iter_mut().find(|(what, _)| *what == assigned.item.what) {
            Some((_, count)) => *count += 1,
            None => overdue.push((assigned.item.what.clone(), 1)),
        }
    }
    overdue.sort_by(|left, right| right.1.cmp(&left.1).then(left.0.cmp(&right.0)));
    let mut held: Vec<(&'static str, usize)> = Vec::new();
    for activity in evidence.activities.iter().filter(|activity| in_term(activity.held_on)) {
        match held.iter_mut().find(|(kind, _)| *kind == activity.kind.label()) {
            Some((_, count)) => *count += 1,
            None => held.push((activity.kind.label(), 1)),
        }
    }
    held.sort_by(|left, right| right.1.cmp(&left.1).then(left.0.cmp(right.0)));
    let open: Vec<i64> = evidence
        .cases
        .iter()
        .filter(|case| case.is_open())
        .map(|case| case.id)
        .collect();
    let commissioned = evidence.support.iter().filter(|(case, _)| open.contains(case));
    let (days_allocated, days_used) = commissioned.fold((0.0, 0.0), |(allocated, used), (_, support)| {
        (allocated + support.days_allocated, used + support.days_used)
    });
    TermlySummary {
        term,
        days_allocated,
        days_used,
        on_register,
        opened: evidence.cases.iter().filter(|case| in_term(case.opened_on)).count(),
        movements,
        overdue,
        held,
    }
}

/// A dated entry of the cycle's year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CycleDate {
    pub from: NaiveDate,
    /// The last day, where it runs over several.
    pub to: Option<NaiveDate>,
    pub what: String,
}

/// The academic year's dates, month by month: terms and half terms, bank holidays, and the
/// annual clocks (School Review Group meetings, school visits) with their windows.
pub fn cycle_calendar(rules: &ClockRules, calendar: &Calendar, year: AcademicYear) -> Vec<(String, Vec<CycleDate>)> {
    let mut dates = Vec::new();
    for term in calendar.terms(year) {
        let name = term.name.label();
        dates.push(CycleDate {
            from: term.dates.first(),
            to: None,
            what: format!("{name} starts"),
        });
        dates.push(CycleDate {
            from: term.half_term.first(),
            to: Some(term.half_term.last()),
            what: format!("{name} half term"),
        });
        dates.push(CycleDate {
            from: term.dates.last(),
            to: None,
            what: format!("{name} ends"),
        });
    }
    for holiday in bank_holidays(year.start_year())
        .into_iter()
        .chain(bank_holidays(year.start_year() + 1))
        .filter(|day| AcademicYear::containing(*day) == year)
    {
        dates.push(CycleDate {
            from: holiday,
            to: None,
            what: "Bank holiday".to_owned(),
        });
    }
    for clock in &rules.clocks {
        if let Trigger::Annual { opens, due, .. } = clock.starts {
            let on = |month: u32, day: u32| {
                let calendar_year = if month >= 9 {
                    year.start_year()
                } else {
                    year.start_year() + 1
                };
                NaiveDate::from_ymd_opt(calendar_year, month, day)
            };
            if let (Some(from), Some(to)) = (on(opens.month, opens.day), on(due.month, due.day)) {
                dates.push(CycleDate {
                    from,
                    to: Some(calendar.working_day_on_or_before(to)),
                    what: clock.what.clone(),
                });
            }
        }
    }
    dates.sort_by(|left, right| (left.from, &left.what).cmp(&(right.from, &right.what)));
    let mut months: Vec<(String, Vec<CycleDate>)> = Vec::new();
    for date in dates {
        let month = date.from.format("%B %Y").to_string();
        match months.last_mut() {
            Some((name, entries)) if *name == month => entries.push(date),
            _ => months.push((month, vec![date])),
        }
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intervention::clocks::ClockRules;

    #[test]
    fn the_cycle_of_2026_27_holds_its_terms_holidays_and_meetings_month_by_month() {
        let rules = ClockRules::shipped().expect("shipped");
        let months = cycle_calendar(&rules, &Calendar::default(), AcademicYear::starting(2026));
        assert_eq!(months.first().map(|(month, _)| month.as_str()), Some("September 2026"));
        assert_eq!(months.last().map(|(month, _)| month.as_str()), Some("August 2027"));
        let september = &months
            .iter()
            .find(|(month, _)| month == "September 2026")
            .expect("September")
            .1;
        let whats: Vec<&str> = september.iter().map(|date| date.what.as_str()).collect();
        assert!(whats.contains(&"Autumn term starts"), "{whats:?}");
        assert!(
            whats
                .iter()
                .any(|what| what.starts_with("School Review Group meeting 1"))
        );
        let december = &months
            .iter()
            .find(|(month, _)| month == "December 2026")
            .expect("December")
            .1;
        let holidays = december.iter().filter(|date| date.what == "Bank holiday").count();
        assert_eq!(holidays, 2, "Christmas Day and Boxing Day's substitute");
    }
}
