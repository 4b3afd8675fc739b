//! Strategy action plans, as an LA tracks a strategy's implementation (seed 004): actions, each
//! with tasks, each task with its progress, timescale and status, and the history of its updates;
//! a task's RAG rating worked out from its status and timescale on the day of a report, with the
//! reason; and what changed since the last progress report was issued.
//!
//! Invariants: a task's state on a day is its latest update made by then; updates are never
//! changed, only added to.

use chrono::{DateTime, NaiveDate, Utc};

use crate::coded::coded_enum;

coded_enum! {
    /// Where a task stands, in the words progress reports use.
    pub enum TaskStatus ("task status") {
        NotStarted => ("not-started", "Not started"),
        OnTarget => ("on-target", "On target"),
        Ongoing => ("ongoing", "Ongoing"),
        Delayed => ("delayed", "Delayed"),
        Completed => ("completed", "Completed"),
        CompletedAndOngoing => ("completed-and-ongoing", "Completed and ongoing"),
    }
}

/// When a task is to be done by: a month, as plans give it ("September 2003"), or ongoing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timescale {
    By { year: i32, month: u32 },
    Ongoing,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a timescale: give a month as 2003-09, or 'ongoing'")]
pub struct TimescaleError(pub String);

impl Timescale {
    pub fn month(year: i32, month: u32) -> Result<Timescale, TimescaleError> {
        if (1..=12).contains(&month) && (1990..=2100).contains(&year) {
            Ok(Timescale::By { year, month })
        } else {
            Err(TimescaleError(format!("{year}-{month:02}")))
        }
    }

    /// As storage holds it: `2003-09`, or `ongoing`.
    pub fn code(self) -> String {
        match self {
            Timescale::By { year, month } => format!("{year}-{month:02}"),
            Timescale::Ongoing => "ongoing".to_owned(),
        }
    }

    pub fn from_code(code: &str) -> Result<Timescale, TimescaleError> {
        let refused = || TimescaleError(code.to_owned());
        if code.trim().eq_ignore_ascii_case("ongoing") {
            return Ok(Timescale::Ongoing);
        }
        let (year, month) = code.trim().split_once('-').ok_or_else(refused)?;
        Timescale::month(
            year.parse().map_err(|_| refused())?,
            month.parse().map_err(|_| refused())?,
        )
    }

    /// As a plan writes it: "September 2003", or "Ongoing".
    pub fn label(self) -> String {
        match self {
            Timescale::By { year, month } => NaiveDate::from_ymd_opt(year, month, 1)
                .map_or_else(|| self.code(), |first| first.format("%B %Y").to_string()),
            Timescale::Ongoing => "Ongoing".to_owned(),
        }
    }

    /// The last day of the month it names; none when ongoing.
    pub fn last_day(self) -> Option<NaiveDate> {
        let Timescale::By { year, month } = self else {
            return None;
        };
        let (next_year, next_month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
        NaiveDate::from_ymd_opt(next_year, next_month, 1).and_then(|first| first.pred_opt())
    }
}

/// One update of a task: who, when, what they said of its progress, its status, and the
/// timescale it was revised to, where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskUpdate {
    pub at: DateTime<Utc>,
    pub by: String,
    pub status: TaskStatus,
    pub progress: String,
    pub revised_timescale: Option<Timescale>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: i64,
    pub description: String,
    pub timescale: Timescale,
    /// Oldest first.
    pub updates: Vec<TaskUpdate>,
}

/// A task as it stood on a day.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskState {
    pub status: TaskStatus,
    pub progress: String,
    /// The timescale as it stood: the latest revision, or the one first given.
    pub timescale: Timescale,
}

impl Task {
    /// The task as it stood at the end of a day: its latest update made by then.
    pub fn state_on(&self, day: NaiveDate) -> TaskState {
        let made: Vec<&TaskUpdate> = self
            .updates
            .iter()
            .filter(|update| update.at.date_naive() <= day)
            .collect();
        TaskState {
            status: made.last().map_or(TaskStatus::NotStarted, |update| update.status),
            progress: made.last().map_or_else(String::new, |update| update.progress.clone()),
            timescale: made
                .iter()
                .rev()
                .find_map(|update| update.revised_timescale)
                .unwrap_or(self.timescale),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub id: i64,
    pub number: u32,
    pub title: String,
    pub tasks: Vec<Task>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionPlan {
    pub id: i64,
    pub title: String,
    /// The days progress reports were issued to committee, oldest first.
    pub reports_issued: Vec<NaiveDate>,
    pub actions: Vec<Action>,
}

impl ActionPlan {
    /// The last report issued before a day: what a report on that day reports changes since.
    pub fn last_report_before(&self, day: NaiveDate) -> Option<NaiveDate> {
        self.reports_issued.iter().copied().filter(|issued| *issued < day).max()
    }

    pub fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.actions.iter().flat_map(|action| action.tasks.iter())
    }
}

coded_enum! {
    /// A task's rating on a report's day. Complete is kept apart from green, as progress
    /// reports to committee show it.
    pub enum Rating ("rating") {
        Complete => ("complete", "Complete"),
        Green => ("green", "Green"),
        Amber => ("amber", "Amber"),
        Red => ("red", "Red"),
    }
}

/// How close a timescale must be for a task not yet started to be amber.
pub const NOT_STARTED_WARNING_DAYS: i64 = 90;

/// A task's rating on a day, with the reason, from its status and its timescale as it stood.
pub fn rating(state: &TaskState, day: NaiveDate) -> (Rating, String) {
    let due = state.timescale.last_day();
    let passed = due.is_some_and(|due| due < day);
    let label = state.timescale.label();
    match state.status {
        TaskStatus::Completed | TaskStatus::CompletedAndOngoing => (Rating::Complete, "Completed".to_owned()),
        TaskStatus::Ongoing if !passed => (Rating::Green, "Ongoing work".to_owned()),
        TaskStatus::OnTarget if !passed => (Rating::Green, format!("On target for {label}")),
        TaskStatus::Ongoing | TaskStatus::OnTarget => (
            Rating::Amber,
            format!("Its timescale, {label}, has passed without it being completed"),
        ),
        TaskStatus::Delayed if passed => (Rating::Red, format!("Delayed, and its timescale, {label}, has passed")),
        TaskStatus::Delayed => (Rating::Amber, format!("Delayed, now due by {label}")),
        TaskStatus::NotStarted if passed => (Rating::Red, format!("Not started, and due by {label}")),
        TaskStatus::NotStarted => match due {
            Some(due) if (due - day).num_days() <= NOT_STARTED_WARNING_DAYS => (
                Rating::Amber,
                format!("Not started, and due by {label}, within {NOT_STARTED_WARNING_DAYS} days"),
            ),
            _ => (Rating::Green, format!("Not yet started, due by {label}")),
        },
    }
}

/// What changed in a task between two days, in words: none where nothing did.
pub fn change_between(task: &Task, before: NaiveDate, day: NaiveDate) -> Option<String> {
    let then = task.state_on(before);
    let now = task.state_on(day);
    let mut changes = Vec::new();
    if then.status != now.status {
        changes.push(format!(
            "{} to {}",
            then.status.label(),
            now.status.label().to_lowercase()
        ));
    }
    if then.timescale != now.timescale {
        changes.push(format!(
            "timescale {} to {}",
            then.timescale.label(),
            now.timescale.label()
        ));
    }
    if then.progress != now.progress {
        changes.push("progress updated".to_owned());
    }
    let new = task.updates.iter().all(|update| update.at.date_naive() > before) && !task.updates.is_empty();
    if changes.is_empty() {
        None
    } else if new && then.status == TaskStatus::NotStarted && then.progress.is_empty() {
        Some(format!("First reported: {}", now.status.label().to_lowercase()))
    } else {
        let mut sentence = changes.join("; ");
        if let Some(first) = sentence.get(..1) {
            sentence = first.to_uppercase() + &sentence[1..];
        }
        Some(sentence)
    }
}

/// A change to the plans held, as one edit: it is made whole or not at all.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanChange {
    NewPlan {
        title: String,
    },
    AddAction {
        plan: i64,
        title: String,
    },
    AddTask {
        plan: i64,
        action: i64,
        description: String,
        timescale: Timescale,
    },
    UpdateTask {
        plan: i64,
        task: i64,
        status: TaskStatus,
        progress: String,
        revised_timescale: Option<Timescale>,
    },
    IssueReport {
        plan: i64,
        on: NaiveDate,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    fn update(on: &str, status: TaskStatus, progress: &str, revised: Option<Timescale>) -> TaskUpdate {
        TaskUpdate {
            at: day(on).and_hms_opt(10, 0, 0).expect("a time").and_utc(),
            by: "An officer".to_owned(),
            status,
            progress: progress.to_owned(),
            revised_timescale: revised,
        }
    }

    fn task(updates: Vec<TaskUpdate>) -> Task {
        Task {
            id: 1,
            description: "Pilot rapid response to exclusions".to_owned(),
            timescale: Timescale::month(2003, 9).expect("a month"),
            updates,
        }
    }

    #[test]
    fn a_timescale_is_written_as_plans_write_it_and_read_back() {
        let september = Timescale::from_code("2003-09").expect("a month");
        assert_eq!(september.label(), "September 2003");
        assert_eq!(Timescale::from_code(&september.code()), Ok(september));
        assert_eq!(september.last_day(), Some(day("2003-09-30")));
        assert_eq!(
            Timescale::from_code("2003-12").expect("a month").last_day(),
            Some(day("2003-12-31"))
        );
        assert_eq!(Timescale::from_code("Ongoing"), Ok(Timescale::Ongoing));
        assert!(Timescale::from_code("2003-13").is_err());
        assert!(Timescale::from_code("soon").is_err());
    }

    #[test]
    fn a_task_stands_as_its_latest_update_by_the_day_with_its_latest_revised_timescale() {
        let april = Timescale::month(2004, 4).expect("a month");
        let task = task(vec![
            update("2003-06-01", TaskStatus::OnTarget, "Started in City schools", None),
            update("2003-10-01", TaskStatus::Delayed, "Funding awaited", Some(april)),
            update("2003-12-01", TaskStatus::Delayed, "Funding agreed", None),
        ]);
        assert_eq!(task.state_on(day("2003-05-31")).status, TaskStatus::NotStarted);
        let june = task.state_on(day("2003-06-01"));
        assert_eq!((june.status, june.timescale), (TaskStatus::OnTarget, task.timescale));
        let december = task.state_on(day("2003-12-10"));
        assert_eq!(december.timescale, april, "the revision stands after later updates");
        assert_eq!(december.progress, "Funding agreed");
    }

    #[test]
    fn a_rating_follows_the_status_and_whether_the_timescale_has_passed() {
        let state = |status, timescale: &str| TaskState {
            status,
            progress: String::new(),
            timescale: Timescale::from_code(timescale).expect("a timescale"),
        };
        let on = day("2003-12-10");
        let rated = |status, timescale| rating(&state(status, timescale), on).0;
        assert_eq!(rated(TaskStatus::Completed, "2002-07"), Rating::Complete);
        assert_eq!(rated(TaskStatus::OnTarget, "2004-04"), Rating::Green);
        assert_eq!(
            rated(TaskStatus::OnTarget, "2003-12"),
            Rating::Green,
            "due by the month's end"
        );
        assert_eq!(
            rated(TaskStatus::OnTarget, "2003-11"),
            Rating::Amber,
            "past its timescale"
        );
        assert_eq!(rated(TaskStatus::Ongoing, "ongoing"), Rating::Green);
        assert_eq!(rated(TaskStatus::Delayed, "2004-04"), Rating::Amber);
        assert_eq!(rated(TaskStatus::Delayed, "2003-09"), Rating::Red);
        assert_eq!(rated(TaskStatus::NotStarted, "2003-09"), Rating::Red);
        assert_eq!(
            rated(TaskStatus::NotStarted, "2004-02"),
            Rating::Amber,
            "due within 90 days"
        );
        assert_eq!(rated(TaskStatus::NotStarted, "2004-09"), Rating::Green);
        let (_, reason) = rating(&state(TaskStatus::Delayed, "2004-04"), on);
        assert_eq!(reason, "Delayed, now due by April 2004");
    }

    #[test]
    fn what_changed_since_the_last_report_is_said_in_words() {
        let april = Timescale::month(2004, 4).expect("a month");
        let task = task(vec![
            update("2003-06-01", TaskStatus::OnTarget, "Started", None),
            update("2003-10-01", TaskStatus::Delayed, "Funding awaited", Some(april)),
        ]);
        assert_eq!(
            change_between(&task, day("2003-07-01"), day("2003-12-10")).as_deref(),
            Some("On target to delayed; timescale September 2003 to April 2004; progress updated")
        );
        assert_eq!(change_between(&task, day("2003-10-02"), day("2003-12-10")), None);
        assert_eq!(
            change_between(&task, day("2003-05-01"), day("2003-07-01")).as_deref(),
            Some("First reported: on target")
        );
    }
}
