use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::inspection::{
    CategoryOfConcern, EvaluationArea, FourPointGrade, Framework, Grade, InspectionFields, InspectionKind, Judgement,
};
use crate::intervention::clocks::ActivityKind;
use crate::intervention::ladder::Stage;
use crate::intervention::record::{Activity, Case, LadderStep};

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

fn urn() -> Urn {
    Urn::new(914_001).expect("a URN")
}

fn inspection(
    started: &str,
    published: &str,
    grade: FourPointGrade,
    category: Option<CategoryOfConcern>,
) -> Inspection {
    Inspection::new(InspectionFields {
        urn: urn(),
        framework: Framework::Education2019,
        kind: InspectionKind::Graded,
        started_on: day(started),
        published_on: day(published),
        judgements: vec![Judgement {
            area: EvaluationArea::OverallEffectiveness,
            grade: Grade::FourPoint(grade),
        }],
        ungraded_outcome: None,
        category_of_concern: category,
    })
    .expect("an inspection")
}

fn step(stage: Stage, on: &str) -> LadderStep {
    LadderStep {
        stage,
        taken_on: day(on),
        solution: None,
        compliance_ends: None,
        evidence: "Categorised for additional support".to_owned(),
        decided_by: "An improvement manager".to_owned(),
    }
}

fn case(steps: Vec<LadderStep>, plan_agreed_on: Option<&str>) -> Case {
    Case {
        id: 1,
        urn: urn(),
        opened_on: steps[0].taken_on,
        steps,
        plan_agreed_on: plan_agreed_on.map(day),
        revision: 1,
    }
}

fn activity(kind: ActivityKind, on: &str) -> Activity {
    Activity {
        id: 1,
        urn: Some(urn()),
        kind,
        held_on: day(on),
        recorded_by: "An adviser".to_owned(),
        recorded_at: Utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0).single().expect("a time"),
        attendees: String::new(),
        summary: String::new(),
        actions: String::new(),
        note: None,
    }
}

/// The shipped clocks for one school, as of a date: each clock's due date and state.
fn due(
    inspections: &[&Inspection],
    case: Option<&Case>,
    activities: &[&Activity],
    powers: Powers,
    as_of: &str,
) -> Vec<(String, NaiveDate, DueState)> {
    let rules = ClockRules::shipped().expect("shipped");
    let school = ClockSchool {
        urn: urn(),
        name: "Alder Primary School".to_owned(),
        powers,
        inspections: inspections.to_vec(),
        case,
        activities: activities.to_vec(),
        levels: Vec::new(),
    };
    due_items(&rules, &[school], &[], &Calendar::default(), day(as_of))
        .into_iter()
        .filter(|item| item.urn.is_some() && !item.clock.starts_with("school-visit-"))
        .map(|item| (item.clock, item.due_on, item.state))
        .collect()
}

fn find(items: &[(String, NaiveDate, DueState)], clock: &str) -> (NaiveDate, DueState) {
    items
        .iter()
        .find(|(code, _, _)| code == clock)
        .map(|(_, due, state)| (*due, *state))
        .unwrap_or_else(|| panic!("no {clock} in {items:?}"))
}

// Inspections under the 2019 framework, in force until August 2024, which graded overall
// effectiveness.

#[test]
fn a_requires_improvement_inspection_starts_the_visit_in_two_weeks_and_monitoring_in_four() {
    // Inspected Monday 6 November 2023, published 1 December.
    let ri = inspection("2023-11-06", "2023-12-01", FourPointGrade::RequiresImprovement, None);
    let items = due(&[&ri], None, &[], Powers::Intervene, "2023-12-04");
    assert_eq!(
        find(&items, "post-inspection-visit"),
        (day("2023-11-20"), DueState::Overdue)
    );
    assert_eq!(find(&items, "monitoring-visit"), (day("2023-12-04"), DueState::DueSoon));
    // A visit before publication counts from the inspection.
    let visited = activity(ActivityKind::PostInspectionVisit, "2023-11-17");
    let items = due(&[&ri], None, &[&visited], Powers::Intervene, "2023-12-04");
    assert_eq!(
        find(&items, "post-inspection-visit"),
        (day("2023-11-20"), DueState::Done)
    );
    // A good inspection starts neither.
    let good = inspection("2023-11-06", "2023-12-01", FourPointGrade::Good, None);
    assert!(due(&[&good], None, &[], Powers::Intervene, "2023-12-04").is_empty());
}

#[test]
fn special_measures_starts_the_statement_of_action_ten_working_days_from_publication_or_the_dfe_alert() {
    // Published Friday 15 December 2023: Christmas, Boxing Day and New Year's Day not counted.
    let report = inspection(
        "2023-11-27",
        "2023-12-15",
        FourPointGrade::Inadequate,
        Some(CategoryOfConcern::SpecialMeasures),
    );
    let maintained = due(&[&report], None, &[], Powers::Intervene, "2024-01-02");
    assert_eq!(
        find(&maintained, "statement-of-action"),
        (day("2024-01-03"), DueState::DueSoon)
    );
    assert!(
        maintained
            .iter()
            .all(|(clock, _, _)| clock != "dfe-alert-after-category")
    );
    let academy = due(&[&report], None, &[], Powers::AlertDfe, "2024-01-02");
    assert_eq!(
        find(&academy, "dfe-alert-after-category"),
        (day("2024-01-03"), DueState::DueSoon)
    );
    assert!(academy.iter().all(|(clock, _, _)| clock != "statement-of-action"));
}

#[test]
fn an_inspection_a_year_old_starts_no_clock_and_a_newer_one_replaces_it() {
    let old = inspection("2022-06-06", "2022-06-28", FourPointGrade::RequiresImprovement, None);
    assert!(due(&[&old], None, &[], Powers::Intervene, "2023-12-04").is_empty());
    let newer = inspection("2023-10-09", "2023-10-31", FourPointGrade::Good, None);
    let ri = inspection("2023-09-11", "2023-09-29", FourPointGrade::RequiresImprovement, None);
    assert!(due(&[&newer, &ri], None, &[], Powers::Intervene, "2023-12-04").is_empty());
}

#[test]
fn team_around_the_school_is_due_every_six_weeks_from_the_last_while_the_case_needs_support() {
    let supported = case(vec![step(Stage::AdditionalSupport, "2025-09-08")], None);
    let items = due(&[], Some(&supported), &[], Powers::Intervene, "2025-10-13");
    assert_eq!(
        find(&items, "team-around-the-school"),
        (day("2025-10-20"), DueState::DueSoon)
    );
    let met = activity(ActivityKind::TeamAroundTheSchool, "2025-10-15");
    let items = due(&[], Some(&supported), &[&met], Powers::Intervene, "2025-10-16");
    assert_eq!(
        find(&items, "team-around-the-school"),
        (day("2025-11-26"), DueState::Later)
    );
    // Moving up to high-level support keeps the clock running from where it started; the task
    // group's starts then.
    let higher = case(
        vec![
            step(Stage::AdditionalSupport, "2025-09-08"),
            step(Stage::HighLevelSupport, "2025-10-01"),
        ],
        None,
    );
    let items = due(&[], Some(&higher), &[&met], Powers::Intervene, "2025-10-16");
    assert_eq!(
        find(&items, "team-around-the-school"),
        (day("2025-11-26"), DueState::Later)
    );
    assert_eq!(find(&items, "task-group"), (day("2025-11-12"), DueState::Later));
    // Back to light touch: none.
    let improved = case(
        vec![
            step(Stage::AdditionalSupport, "2025-09-08"),
            step(Stage::LightTouch, "2025-10-01"),
        ],
        None,
    );
    let items = due(&[], Some(&improved), &[], Powers::Intervene, "2025-10-16");
    assert!(items.iter().all(|(clock, _, _)| clock != "team-around-the-school"));
}

#[test]
fn a_plan_is_reviewed_four_weekly_and_the_adviser_monitors_each_term() {
    let planned = case(vec![step(Stage::HighLevelSupport, "2025-09-08")], Some("2025-11-10"));
    let items = due(&[], Some(&planned), &[], Powers::Intervene, "2025-11-20");
    assert_eq!(find(&items, "plan-review"), (day("2025-12-08"), DueState::Later));
    // The autumn term ends on Friday 19 December 2025.
    assert_eq!(find(&items, "termly-monitoring"), (day("2025-12-19"), DueState::Later));
    let visited = activity(ActivityKind::SchoolVisit, "2025-11-12");
    let items = due(&[], Some(&planned), &[&visited], Powers::Intervene, "2025-11-20");
    assert_eq!(find(&items, "termly-monitoring"), (day("2025-12-19"), DueState::Done));
    // In the Christmas holiday, the autumn term's visit not made is overdue.
    let items = due(&[], Some(&planned), &[], Powers::Intervene, "2025-12-22");
    assert_eq!(
        find(&items, "termly-monitoring"),
        (day("2025-12-19"), DueState::Overdue)
    );
}

#[test]
fn a_warning_notice_is_due_for_review_at_the_end_of_the_compliance_period_it_states() {
    let mut notice = step(Stage::WarningNotice, "2025-11-03");
    notice.compliance_ends = Some(day("2025-12-12"));
    let warned = case(vec![step(Stage::HighLevelSupport, "2025-09-08"), notice], None);
    let items = due(&[], Some(&warned), &[], Powers::Intervene, "2025-12-15");
    assert_eq!(
        find(&items, "warning-notice-compliance"),
        (day("2025-12-12"), DueState::Overdue)
    );
}

#[test]
fn the_annual_cycle_falls_due_in_its_months_for_the_la_and_each_maintained_school() {
    let rules = ClockRules::shipped().expect("shipped");
    let school = ClockSchool {
        urn: urn(),
        name: "Alder Primary School".to_owned(),
        powers: Powers::Intervene,
        inspections: Vec::new(),
        case: None,
        activities: Vec::new(),
        levels: Vec::new(),
    };
    let academy = ClockSchool {
        urn: Urn::new(914_002).expect("a URN"),
        powers: Powers::AlertDfe,
        ..school.clone()
    };
    let met = Activity {
        urn: None,
        ..activity(ActivityKind::SchoolReviewGroup, "2025-09-24")
    };
    let items = due_items(
        &rules,
        &[school, academy],
        &[&met],
        &Calendar::default(),
        day("2025-11-20"),
    );
    let la: Vec<_> = items.iter().filter(|item| item.urn.is_none()).collect();
    assert_eq!(la.len(), 1, "only the autumn meeting has opened: {la:?}");
    assert_eq!((la[0].due_on, la[0].state), (day("2025-09-30"), DueState::Done));
    let visits: Vec<_> = items.iter().filter(|item| item.clock == "school-visit-1").collect();
    assert_eq!(visits.len(), 1, "for the maintained school alone");
    // 30 November 2025 is a Sunday: due the Friday before.
    assert_eq!(
        (visits[0].due_on, visits[0].state),
        (day("2025-11-28"), DueState::DueSoon)
    );
    assert_eq!(visits[0].working_days_left, 6);
}

#[test]
fn a_categorisation_kept_starts_a_clock_from_the_first_run_of_the_levels_it_names() {
    let text = "name = \"mine\"\nversion = \"1\"\n[[clock]]\ncode = \"agree-support\"\nwhat = \"Visit to agree the support\"\nstarts = \"categorised\"\nlevels = [\"additional-support\", \"high-level-support\"]\nwithin_working_days = 15\nwhose = \"adviser\"\ndone_by = \"school-visit\"\n";
    let rules = ClockRules::from_toml("mine.toml", text).expect("valid");
    let run = |levels: Vec<(&str, &str)>, activities: Vec<&Activity>| {
        let school = ClockSchool {
            urn: urn(),
            name: "Alder Primary School".to_owned(),
            powers: Powers::Intervene,
            inspections: Vec::new(),
            case: None,
            activities,
            levels: levels
                .into_iter()
                .map(|(on, level)| (day(on), level.to_owned()))
                .collect(),
        };
        due_items(&rules, &[school], &[], &Calendar::default(), day("2026-10-05"))
    };
    // Light touch in the spring, additional support from September's run, high-level in October's.
    let items = run(
        vec![
            ("2026-04-22", "light-touch"),
            ("2026-09-24", "additional-support"),
            ("2026-10-01", "high-level-support"),
        ],
        Vec::new(),
    );
    assert_eq!(items.len(), 1);
    // Fifteen working days from Thursday 24 September 2026.
    assert_eq!(
        (items[0].due_on, items[0].state),
        (day("2026-10-15"), DueState::DueSoon)
    );
    let visit = activity(ActivityKind::SchoolVisit, "2026-10-02");
    let items = run(vec![("2026-09-24", "additional-support")], vec![&visit]);
    assert_eq!(items[0].state, DueState::Done);
    assert!(
        run(
            vec![("2026-09-24", "additional-support"), ("2026-10-01", "light-touch")],
            Vec::new()
        )
        .is_empty()
    );
    let refused = ClockRules::from_toml(
        "mine.toml",
        &text.replace("levels = [\"additional-support\", \"high-level-support\"]\n", ""),
    );
    assert!(refused.expect_err("refused").to_string().contains("levels"));
}
