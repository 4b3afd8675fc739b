//! The authority's strategy action plan for behaviour, attendance and exclusions, in the shape of
//! Oxfordshire's implementation progress report (seed 004), moved to the present: actions and
//! tasks with a year of updates, some done, some on target, one delayed, one not started and
//! overdue, and a progress report issued in the summer, so that the next says what changed.

use chrono::{Days, NaiveDate};
use stride_core::action_plan::{Action, ActionPlan, Task, TaskStatus, TaskUpdate, Timescale};

/// A task as written here: what, by when, and its updates as (days before the data's day,
/// status, progress, revised timescale).
type Written = (
    &'static str,
    (i32, u32),
    &'static [(u64, TaskStatus, &'static str, Option<(i32, u32)>)],
);

const ACTIONS: [(&str, &[Written]); 3] = [
    (
        "Support for schools in improving standards of behaviour",
        &[
            (
                "Develop and put in place a way of identifying schools by their behaviour support needs.",
                (2026, 3),
                &[
                    (
                        300,
                        TaskStatus::OnTarget,
                        "Criteria drafted with the behaviour support service.",
                        None,
                    ),
                    (
                        240,
                        TaskStatus::Completed,
                        "Schools are now identified each term and intensive support targeted where it is needed.",
                        None,
                    ),
                ],
            ),
            (
                "Produce a handbook of good practice for behaviour support, with a tool for assessing behaviour.",
                (2026, 9),
                &[
                    (
                        200,
                        TaskStatus::OnTarget,
                        "Draft prepared and in consultation with SENCOs.",
                        None,
                    ),
                    (
                        60,
                        TaskStatus::OnTarget,
                        "Trial in twelve primary schools under way; feedback due in December.",
                        None,
                    ),
                ],
            ),
            (
                "Establish a network of behaviour co-ordinators in primary and secondary schools.",
                (2027, 3),
                &[
                    (150, TaskStatus::OnTarget, "Secondary network meets half-termly.", None),
                    (
                        30,
                        TaskStatus::CompletedAndOngoing,
                        "Primary network established in every locality; training continues half-termly.",
                        None,
                    ),
                ],
            ),
            (
                "Create multi-agency behaviour support teams in the localities of highest need.",
                (2026, 9),
                &[
                    (
                        180,
                        TaskStatus::OnTarget,
                        "Proposal for integrated teams in development for Greyhaven and Hollowmoor.",
                        None,
                    ),
                    (
                        45,
                        TaskStatus::Delayed,
                        "Recruitment to the second team has been delayed; the first team is in place.",
                        Some((2027, 4)),
                    ),
                ],
            ),
        ],
    ),
    (
        "Rapid response to exclusions",
        &[
            (
                "Pilot a rapid response to exclusions in the Brindleford schools and evaluate it.",
                (2026, 7),
                &[
                    (320, TaskStatus::OnTarget, "Pilot running in nine schools.", None),
                    (
                        120,
                        TaskStatus::Completed,
                        "Completed and evaluated: permanent exclusions in the pilot schools fell from 14 to 6.",
                        None,
                    ),
                ],
            ),
            (
                "Extend the rapid response to groups at risk of exclusion across the county (children in care, pupils with EHC plans).",
                (2027, 1),
                &[(
                    90,
                    TaskStatus::OnTarget,
                    "Extended to two more localities from September.",
                    None,
                )],
            ),
            (
                "Secure funding to continue the rapid response beyond March 2027.",
                (2026, 10),
                &[],
            ),
        ],
    ),
    (
        "Improving attendance",
        &[
            (
                "Agree attendance support with every school, naming the pupils persistently absent.",
                (2026, 12),
                &[
                    (
                        100,
                        TaskStatus::OnTarget,
                        "Agreements in place with 61% of schools.",
                        None,
                    ),
                    (
                        20,
                        TaskStatus::OnTarget,
                        "Agreements in place with 84% of schools.",
                        None,
                    ),
                ],
            ),
            (
                "Run the termly attendance surgeries for schools with the highest persistent absence.",
                (2027, 7),
                &[(
                    200,
                    TaskStatus::Ongoing,
                    "Surgeries held each term since January.",
                    None,
                )],
            ),
        ],
    ),
];

/// The plan's reports were issued to the scrutiny committee this many days before the data's day.
const REPORT_ISSUED_DAYS_BEFORE: u64 = 110;

fn timescale((year, month): (i32, u32)) -> Timescale {
    Timescale::month(year, month).unwrap_or(Timescale::Ongoing)
}

fn before(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(days)).unwrap_or(day)
}

pub fn action_plans(as_of: NaiveDate) -> Vec<ActionPlan> {
    let mut task_id = 0;
    let actions = ACTIONS
        .iter()
        .zip(1..)
        .map(|((title, tasks), number)| Action {
            id: i64::from(number),
            number,
            title: (*title).to_owned(),
            tasks: tasks
                .iter()
                .map(|(description, due, updates)| {
                    task_id += 1;
                    Task {
                        id: task_id,
                        description: (*description).to_owned(),
                        timescale: timescale(*due),
                        updates: updates
                            .iter()
                            .map(|(days, status, progress, revised)| TaskUpdate {
                                at: before(as_of, *days).and_hms_opt(11, 0, 0).unwrap_or_default().and_utc(),
                                by: "inclusion.officer".to_owned(),
                                status: *status,
                                progress: (*progress).to_owned(),
                                revised_timescale: revised.map(timescale),
                            })
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect();
    vec![ActionPlan {
        id: 1,
        title: "Behaviour, attendance and exclusions strategy".to_owned(),
        reports_issued: vec![before(as_of, REPORT_ISSUED_DAYS_BEFORE)],
        actions,
    }]
}
