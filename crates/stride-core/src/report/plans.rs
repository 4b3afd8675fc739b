//! The progress report on strategy action plans, in the shape of Oxfordshire's implementation
//! progress report (seed 004): each action's tasks with their progress, timescale and status,
//! with a RAG rating and its reason, and what changed since the last report was issued.

use chrono::NaiveDate;

use super::{Report, Section};
use crate::action_plan::{ActionPlan, Rating, change_between, rating};
use crate::table::{Cell, Column, Table};

fn counted(plan: &ActionPlan, as_of: NaiveDate) -> [usize; 4] {
    let mut counts = [0; 4];
    for task in plan.tasks() {
        let (rated, _) = rating(&task.state_on(as_of), as_of);
        let index = Rating::ALL.iter().position(|held| *held == rated).unwrap_or(0);
        counts[index] += 1;
    }
    counts
}

fn changed(plan: &ActionPlan, as_of: NaiveDate) -> Option<usize> {
    let last = plan.last_report_before(as_of)?;
    Some(
        plan.tasks()
            .filter(|task| change_between(task, last, as_of).is_some())
            .count(),
    )
}

fn summary(plans: &[ActionPlan], as_of: NaiveDate) -> Section {
    let sentences = plans
        .iter()
        .map(|plan| {
            let [complete, green, amber, red] = counted(plan, as_of);
            let total = complete + green + amber + red;
            let since = match (plan.last_report_before(as_of), changed(plan, as_of)) {
                (Some(last), Some(count)) => format!(
                    " Since the last report, issued on {}, {count} {} changed.",
                    last.format("%-d %B %Y"),
                    if count == 1 { "task" } else { "tasks" }
                ),
                _ => " No progress report has been issued before.".to_owned(),
            };
            format!(
                "{}: {total} tasks, of which {complete} complete, {green} green, {amber} amber and {red} red.{since}",
                plan.title
            )
        })
        .collect();
    let mut columns = vec![Column::text("Plan"), Column::number("Tasks")];
    columns.extend(Rating::ALL.iter().map(|rated| Column::number(rated.label())));
    columns.extend([Column::text("Last report"), Column::number("Changed since")]);
    let rows = plans
        .iter()
        .map(|plan| {
            let counts = counted(plan, as_of);
            let mut row = vec![
                Cell::Text(plan.title.clone()),
                Cell::Integer(counts.iter().sum::<usize>() as i64),
            ];
            row.extend(counts.iter().map(|count| Cell::Integer(*count as i64)));
            row.push(
                plan.last_report_before(as_of)
                    .map_or(Cell::Missing(String::new()), Cell::Date),
            );
            row.push(changed(plan, as_of).map_or(Cell::Missing(String::new()), |count| Cell::Integer(count as i64)));
            row
        })
        .collect();
    Section {
        sources: Vec::new(),
        heading: "Summary".to_owned(),
        sentences: if plans.is_empty() {
            vec!["No action plans are held.".to_owned()]
        } else {
            sentences
        },
        tables: vec![Table {
            title: "Tasks by rating".to_owned(),
            columns,
            rows,
        }],
        charts: Vec::new(),
    }
}

fn action_sections(plan: &ActionPlan, as_of: NaiveDate) -> Vec<Section> {
    let last = plan.last_report_before(as_of);
    let changed_heading = last.map_or_else(
        || "Changed since the last report".to_owned(),
        |last| format!("Changed since {}", last.format("%-d %B %Y")),
    );
    plan.actions
        .iter()
        .map(|action| {
            let rows = action
                .tasks
                .iter()
                .map(|task| {
                    let state = task.state_on(as_of);
                    let (rated, reason) = rating(&state, as_of);
                    let change = match last {
                        Some(last) => change_between(task, last, as_of).unwrap_or_else(|| "No change".to_owned()),
                        None => String::new(),
                    };
                    vec![
                        Cell::Text(task.description.clone()),
                        Cell::Text(state.progress),
                        Cell::Text(state.timescale.label()),
                        Cell::Text(state.status.label().to_owned()),
                        Cell::Text(rated.label().to_owned()),
                        Cell::Text(reason),
                        Cell::Text(change),
                    ]
                })
                .collect();
            Section {
                sources: Vec::new(),
                heading: format!("Action {}: {}", action.number, action.title),
                sentences: Vec::new(),
                tables: vec![Table {
                    title: format!("{}, action {}: tasks", plan.title, action.number),
                    columns: vec![
                        Column::text("Task"),
                        Column::text("Progress"),
                        Column::text("Time scale"),
                        Column::text("Status"),
                        Column::text("RAG"),
                        Column::text("Why"),
                        Column::text(changed_heading.clone()),
                    ],
                    rows,
                }],
                charts: Vec::new(),
            }
        })
        .collect()
}

/// The progress report on these plans as at a day.
pub fn action_plan_progress(plans: &[ActionPlan], as_of: NaiveDate) -> Report {
    let mut sections = vec![summary(plans, as_of)];
    for plan in plans {
        sections.extend(action_sections(plan, as_of));
    }
    Report {
        name: "action-plan-progress",
        title: match plans {
            [plan] => format!("{}: progress report", plan.title),
            _ => "Strategy action plans: progress report".to_owned(),
        },
        as_of,
        sections,
    }
}
