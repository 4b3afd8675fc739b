//! `stride due` on the synthetic authority, run as a nightly job would: every shipped clock is
//! started by its trigger, and each due date is the one its rule gives from the generated
//! record, worked out here from the generated data rather than through the clocks.

use std::collections::HashSet;
use std::process::Command;

use chrono::NaiveDate;
use stride_core::calendar::{Calendar, Period};
use stride_core::intervention::{ActivityKind, Case, Stage};
use stride_core::{Urn, inspection::HeadlineOutcome};

mod common;

const SEED: u64 = 2026;

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

struct Item {
    clock: String,
    urn: Option<Urn>,
    due_on: NaiveDate,
    done_on: Option<NaiveDate>,
    state: String,
}

/// What `stride due` lists as on a day: with `all`, what is done too.
fn due(database: &str, as_of: &str, all: bool) -> Vec<Item> {
    let mut arguments = vec!["due", "--db", database, "--as-of", as_of, "--format", "json"];
    if all {
        arguments.push("--all");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_stride"))
        .args(arguments)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    json["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| Item {
            clock: item["clock"].as_str().expect("a clock").to_owned(),
            urn: item["urn"].as_u64().map(|urn| Urn::new(urn as u32).expect("a URN")),
            due_on: day(item["due_on"].as_str().expect("a date")),
            done_on: item["done_on"].as_str().map(day),
            state: item["state"].as_str().expect("a state").to_owned(),
        })
        .collect()
}

/// The day `period` after `start`, as each rule names its period.
fn after(calendar: &Calendar, start: NaiveDate, period: Period) -> NaiveDate {
    calendar.due(start, period).expect("a day")
}

#[test]
fn every_shipped_clock_is_started_by_its_trigger_on_the_synthetic_authority_with_its_due_date() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = common::copy_of_template(SEED, directory.path(), "stride");
    let dataset = stride_synth::generate(SEED).dataset;
    let calendar = Calendar::default();
    let as_of = day("2026-11-20");
    let items = due(&database, "2026-11-20", true);
    let activities = |urn: Urn, kind: ActivityKind| -> Vec<NaiveDate> {
        let mut dates: Vec<NaiveDate> = dataset
            .activities
            .iter()
            .filter(|activity| activity.urn == Some(urn) && activity.kind == kind && activity.held_on <= as_of)
            .map(|activity| activity.held_on)
            .collect();
        dates.sort();
        dates
    };
    // The school's case now: the open one, not one closed in an earlier year.
    let case_of = |urn: Urn| -> Option<&Case> {
        dataset
            .cases
            .iter()
            .rev()
            .find(|case| case.urn == urn && case.is_open())
    };
    let mut seen = HashSet::new();
    for item in &items {
        seen.insert(item.clock.clone());
        let Some(urn) = item.urn else {
            // The LA's School Review Group: September's meeting, held on the 24th.
            assert_eq!(item.clock, "school-review-group-autumn");
            assert_eq!(
                (item.due_on, item.done_on),
                (day("2026-09-30"), Some(day("2026-09-24")))
            );
            continue;
        };
        let case = case_of(urn);
        let latest = dataset
            .inspections
            .iter()
            .filter(|inspection| inspection.urn == urn && inspection.published_on <= as_of)
            .max_by_key(|inspection| (inspection.published_on, inspection.started_on));
        // From the last time it was done, or from when its trigger began.
        let repeating = |kind: ActivityKind, since: NaiveDate, weeks: u32| {
            let last = activities(urn, kind).into_iter().rfind(|held| *held >= since);
            after(&calendar, last.unwrap_or(since), Period::Weeks(weeks))
        };
        let expected = match item.clock.as_str() {
            "post-inspection-visit" => after(&calendar, latest.expect("inspected").started_on, Period::Weeks(2)),
            "monitoring-visit" => after(&calendar, latest.expect("inspected").started_on, Period::Weeks(4)),
            "statement-of-action" | "dfe-alert-after-category" => after(
                &calendar,
                latest.expect("inspected").published_on,
                Period::WorkingDays(10),
            ),
            "team-around-the-school" => {
                repeating(ActivityKind::TeamAroundTheSchool, case.expect("a case").opened_on, 6)
            }
            "task-group" => {
                let raised = case
                    .expect("a case")
                    .steps
                    .iter()
                    .find(|step| step.stage == Stage::HighLevelSupport)
                    .expect("raised")
                    .taken_on;
                repeating(ActivityKind::TaskGroup, raised, 6)
            }
            "plan-review" => repeating(
                ActivityKind::PlanReview,
                case.and_then(|case| case.plan_agreed_on).expect("a plan"),
                4,
            ),
            // The autumn term of 2026 as most LAs keep it ends on Friday 18 December.
            "termly-monitoring" => day("2026-12-18"),
            "warning-notice-compliance" => case
                .and_then(|case| case.steps.last())
                .and_then(|step| step.compliance_ends)
                .expect("a notice's period"),
            "school-visit-1" => day("2026-11-30"),
            other => panic!("a clock the test does not know: {other}"),
        };
        assert_eq!(item.due_on, expected, "{} for {urn}", item.clock);
        if item.clock.contains("inspection") || item.clock == "monitoring-visit" {
            let outcome = latest.expect("inspected").headline();
            assert!(
                matches!(
                    outcome,
                    HeadlineOutcome::RequiresImprovement | HeadlineOutcome::ReportCardNeedsAttention
                ),
                "{outcome:?}"
            );
        }
    }
    for clock in [
        "post-inspection-visit",
        "monitoring-visit",
        "statement-of-action",
        "team-around-the-school",
        "task-group",
        "plan-review",
        "termly-monitoring",
        "school-review-group-autumn",
        "school-visit-1",
    ] {
        assert!(seen.contains(clock), "{clock} is started on the synthetic authority");
    }
    // What is done was done by the day; what is overdue is due before it; without --all only
    // what is not done is listed.
    for item in items.iter().filter(|item| item.state == "done") {
        assert!(item.done_on.is_some_and(|done| done <= as_of), "{}", item.clock);
    }
    assert!(
        items
            .iter()
            .filter(|item| item.state == "overdue")
            .all(|item| item.due_on < as_of)
    );
    let open = due(&database, "2026-11-20", false);
    assert_eq!(open.len(), items.iter().filter(|item| item.state != "done").count());
    assert!(open.iter().all(|item| item.state != "done"));

    // In the summer the spring and summer meetings and visits have opened too.
    let summer = due(&database, "2027-07-20", false);
    let clocks: HashSet<&str> = summer.iter().map(|item| item.clock.as_str()).collect();
    for clock in [
        "school-review-group-spring",
        "school-review-group-summer",
        "school-review-group-july",
        "school-visit-2",
        "school-visit-3",
    ] {
        assert!(clocks.contains(clock), "{clock} by July");
    }
    // September's School Review Group met on the 24th: its clock is done and not listed.
    assert!(
        dataset
            .activities
            .iter()
            .any(|activity| activity.urn.is_none() && activity.held_on == day("2026-09-24"))
    );
    let july = summer
        .iter()
        .find(|item| item.clock == "school-review-group-july")
        .expect("July's");
    assert_eq!(july.due_on, day("2027-07-30"), "31 July 2027 is a Saturday");
}

#[test]
fn clock_rules_kept_from_the_command_line_are_those_due_dates_follow() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = common::copy_of_template(SEED, directory.path(), "stride");
    let before = due(&database, "2026-11-20", true);
    // The monitoring visit within three weeks rather than four.
    let shipped = stride_core::intervention::SHIPPED_CLOCKS;
    let three = shipped
        .replacen("version = \"2025.1\"", "version = \"2026.1\"", 1)
        .replacen(
            "outcomes = [\"requires-improvement\", \"report-card-needs-attention\"]\nwithin_weeks = 4",
            "outcomes = [\"requires-improvement\", \"report-card-needs-attention\"]\nwithin_weeks = 3",
            1,
        );
    assert_ne!(three, shipped);
    let file = directory.path().join("clocks.toml");
    let keep = |text: &str| {
        std::fs::write(&file, text).expect("written");
        Command::new(env!("CARGO_BIN_EXE_stride"))
            .args(["clocks", "keep", "--db", &database, &file.display().to_string()])
            .output()
            .expect("runs")
    };
    let refused = keep(shipped);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("kept already"));
    let kept = keep(&three);
    assert!(kept.status.success(), "{}", String::from_utf8_lossy(&kept.stderr));
    let after = due(&database, "2026-11-20", true);
    let monitoring = |items: &[Item]| -> Vec<(Option<Urn>, NaiveDate)> {
        items
            .iter()
            .filter(|item| item.clock == "monitoring-visit")
            .map(|item| (item.urn, item.due_on))
            .collect()
    };
    let (four, three) = (monitoring(&before), monitoring(&after));
    assert!(!four.is_empty());
    assert_eq!(four.len(), three.len());
    for (urn, due_on) in &three {
        let earlier = four.iter().find(|(other, _)| other == urn).expect("the same school").1;
        // A week sooner, or a few days more where a weekend or bank holiday brings it forward.
        let sooner = (earlier - *due_on).num_days();
        assert!((7..=10).contains(&sooner), "{urn:?}: {due_on} against {earlier}");
    }
}
