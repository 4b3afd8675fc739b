//! What is due: every clock rule started by what the LA holds (inspections, cases and their
//! steps, plans, the annual cycle), with its due date on the LA's calendar, and whether what
//! stops it has been recorded.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::clocks::{ClockRule, ClockRules, DayOfYear, Owner, Trigger};
use super::ladder::{Powers, Stage};
use super::record::{Activity, Case};
use crate::calendar::Calendar;
use crate::identifiers::Urn;
use crate::inspection::Inspection;
use crate::year::AcademicYear;

/// An inspection older than this starts no clock: its visits are long past, and a newer
/// inspection would have followed; a first import of Ofsted's history should not raise years
/// of overdue items.
const INSPECTIONS_WITHIN: Duration = Duration::days(365);

/// Due within this many working days: what an adviser sees beside the overdue.
pub const DUE_SOON_WORKING_DAYS: i64 = 10;

/// What a school brings to the clocks.
#[derive(Debug, Clone)]
pub struct ClockSchool<'a> {
    pub urn: Urn,
    pub name: String,
    pub powers: Powers,
    /// Newest first, as published by the date.
    pub inspections: Vec<&'a Inspection>,
    pub case: Option<&'a Case>,
    pub activities: Vec<&'a Activity>,
    /// The school's level in each categorisation run kept under the rule set of the latest,
    /// oldest first, with the day each judged on.
    pub levels: Vec<(NaiveDate, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DueState {
    Overdue,
    DueSoon,
    Later,
    Done,
}

impl DueState {
    pub fn label(self) -> &'static str {
        match self {
            DueState::Overdue => "Overdue",
            DueState::DueSoon => "Due soon",
            DueState::Later => "Due later",
            DueState::Done => "Done",
        }
    }
}

/// One thing due, for a school or for the LA as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueItem {
    pub clock: String,
    pub what: String,
    /// None for the LA as a whole.
    pub urn: Option<Urn>,
    pub school: String,
    pub whose: Owner,
    pub started_on: NaiveDate,
    pub due_on: NaiveDate,
    /// When what stops the clock was recorded, for one that does not repeat.
    pub done_on: Option<NaiveDate>,
    /// For one that repeats: when it was last done.
    pub last_done: Option<NaiveDate>,
    pub state: DueState,
    /// Working days from the date asked about to the due date; negative when overdue.
    pub working_days_left: i64,
}

struct Found {
    started_on: NaiveDate,
    due_on: NaiveDate,
    done_on: Option<NaiveDate>,
    last_done: Option<NaiveDate>,
}

/// Everything due on `as_of` under the clock rules, for the schools and for the LA (its own
/// activities, such as School Review Group meetings, are those without a school): overdue
/// first, then due soon, then later, then done, each by due date.
pub fn due_items(
    rules: &ClockRules,
    schools: &[ClockSchool<'_>],
    la_activities: &[&Activity],
    calendar: &Calendar,
    as_of: NaiveDate,
) -> Vec<DueItem> {
    let mut items = Vec::new();
    for rule in &rules.clocks {
        match &rule.starts {
            Trigger::Annual { each_school: false, .. } => {
                if let Some(found) = annual(rule, la_activities, as_of, calendar) {
                    items.push(item(rule, None, "The LA", found, calendar, as_of));
                }
            }
            _ => {
                for school in schools {
                    if rule.powers.is_some_and(|powers| powers != school.powers) {
                        continue;
                    }
                    if let Some(found) = for_school(rule, school, calendar, as_of) {
                        items.push(item(rule, Some(school.urn), &school.name, found, calendar, as_of));
                    }
                }
            }
        }
    }
    items.sort_by(|left, right| {
        (left.state, left.due_on, &left.school, &left.clock).cmp(&(
            right.state,
            right.due_on,
            &right.school,
            &right.clock,
        ))
    });
    items
}

fn item(
    rule: &ClockRule,
    urn: Option<Urn>,
    school: &str,
    found: Found,
    calendar: &Calendar,
    as_of: NaiveDate,
) -> DueItem {
    let working_days_left = calendar.working_days_between(as_of, found.due_on);
    let state = match found.done_on {
        Some(_) => DueState::Done,
        None if found.due_on < as_of => DueState::Overdue,
        None if working_days_left <= DUE_SOON_WORKING_DAYS => DueState::DueSoon,
        None => DueState::Later,
    };
    DueItem {
        clock: rule.code.clone(),
        what: rule.what.clone(),
        urn,
        school: school.to_owned(),
        whose: rule.whose,
        started_on: found.started_on,
        due_on: found.due_on,
        done_on: found.done_on,
        last_done: found.last_done,
        state,
        working_days_left,
    }
}

/// The first time what stops the clock was recorded, on or after the day it started.
fn first_done(rule: &ClockRule, activities: &[&Activity], since: NaiveDate, as_of: NaiveDate) -> Option<NaiveDate> {
    activities
        .iter()
        .filter(|activity| activity.kind == rule.done_by && activity.held_on >= since && activity.held_on <= as_of)
        .map(|activity| activity.held_on)
        .min()
}

fn last_done(rule: &ClockRule, activities: &[&Activity], since: NaiveDate, as_of: NaiveDate) -> Option<NaiveDate> {
    activities
        .iter()
        .filter(|activity| activity.kind == rule.done_by && activity.held_on >= since && activity.held_on <= as_of)
        .map(|activity| activity.held_on)
        .max()
}

/// A clock from a start: once, or again `within` after each time it was done.
fn from_start(
    rule: &ClockRule,
    activities: &[&Activity],
    start: NaiveDate,
    as_of: NaiveDate,
    calendar: &Calendar,
) -> Option<Found> {
    let within = rule.within?;
    if rule.repeats {
        let last = last_done(rule, activities, start, as_of);
        return Some(Found {
            started_on: start,
            due_on: calendar.due(last.unwrap_or(start), within)?,
            done_on: None,
            last_done: last,
        });
    }
    Some(Found {
        started_on: start,
        due_on: calendar.due(start, within)?,
        done_on: first_done(rule, activities, start, as_of),
        last_done: None,
    })
}

fn for_school(rule: &ClockRule, school: &ClockSchool<'_>, calendar: &Calendar, as_of: NaiveDate) -> Option<Found> {
    let open_case = school.case.filter(|case| case.is_open());
    match &rule.starts {
        Trigger::Inspection {
            outcomes,
            categories,
            from_publication,
        } => {
            let latest = school.inspections.first()?;
            let matches = outcomes.contains(&latest.headline())
                || latest
                    .category_of_concern
                    .is_some_and(|category| categories.contains(&category));
            if !matches || as_of - latest.published_on > INSPECTIONS_WITHIN {
                return None;
            }
            let start = if *from_publication {
                latest.published_on
            } else {
                latest.started_on
            };
            let mut found = from_start(rule, &school.activities, start, as_of, calendar)?;
            // A visit may be made before the report is published: it counts from the inspection.
            found.done_on = first_done(rule, &school.activities, latest.started_on, as_of);
            Some(found)
        }
        Trigger::CaseAtStage { stages } => {
            let since = open_case?.among_since(stages)?;
            from_start(rule, &school.activities, since, as_of, calendar)
        }
        Trigger::Categorised { levels } => {
            let mut since = None;
            for (judged_on, level) in school.levels.iter().rev() {
                if !levels.contains(level) {
                    break;
                }
                since = Some(*judged_on);
            }
            from_start(rule, &school.activities, since?, as_of, calendar)
        }
        Trigger::CaseOpened => from_start(rule, &school.activities, open_case?.opened_on, as_of, calendar),
        Trigger::PlanAgreed => from_start(rule, &school.activities, open_case?.plan_agreed_on?, as_of, calendar),
        Trigger::WarningNotice => {
            let step = open_case?
                .current_step()
                .filter(|step| step.stage == Stage::WarningNotice)?;
            Some(Found {
                started_on: step.taken_on,
                due_on: step.compliance_ends?,
                done_on: first_done(rule, &school.activities, step.taken_on, as_of),
                last_done: None,
            })
        }
        Trigger::EachTerm { stages } => {
            let since = open_case?.among_since(stages)?;
            let term = calendar.term_of_or_before(as_of)?;
            if since > term.dates.last() {
                return None;
            }
            Some(Found {
                started_on: term.dates.first().max(since),
                due_on: term.dates.last(),
                done_on: first_done(rule, &school.activities, term.dates.first().max(since), as_of)
                    .filter(|done| *done <= term.dates.last()),
                last_done: None,
            })
        }
        Trigger::Annual { .. } => annual(rule, &school.activities, as_of, calendar),
    }
}

/// This academic year's window of an annual clock, once it has opened.
fn annual(rule: &ClockRule, activities: &[&Activity], as_of: NaiveDate, calendar: &Calendar) -> Option<Found> {
    let Trigger::Annual { opens, due, .. } = rule.starts else {
        return None;
    };
    let year = AcademicYear::containing(as_of);
    let in_year = |day: DayOfYear| {
        let calendar_year = if day.month >= 9 {
            year.start_year()
        } else {
            year.start_year() + 1
        };
        NaiveDate::from_ymd_opt(calendar_year, day.month, day.day)
    };
    let (opens_on, due_on) = (in_year(opens)?, in_year(due)?);
    if opens_on > as_of {
        return None;
    }
    Some(Found {
        started_on: opens_on,
        due_on: calendar.working_day_on_or_before(due_on),
        done_on: first_done(rule, activities, opens_on, as_of),
        last_done: None,
    })
}

#[cfg(test)]
mod tests;
