//! Strategy action plans: read whole, changed one edit at a time in a transaction, each task's
//! updates appended and never changed.

use std::collections::HashMap;

use super::engine::{self, Db, Pool};
use super::{query, query_scalar};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Row, Transaction};
use stride_core::action_plan::{Action, ActionPlan, PlanChange, Task, TaskStatus, TaskUpdate, Timescale};

use crate::StoreError;

fn timescale(code: &str, column: &'static str) -> Result<Timescale, StoreError> {
    Timescale::from_code(code).map_err(|error| StoreError::Unreadable {
        table: "strategy_tasks",
        column,
        detail: error.to_string(),
    })
}

/// Every plan held, oldest first, each with its actions in number order, their tasks in the
/// order they were added, and each task's updates oldest first.
pub(super) async fn action_plans(pool: &Pool) -> Result<Vec<ActionPlan>, StoreError> {
    let mut updates: HashMap<i64, Vec<TaskUpdate>> = HashMap::new();
    for row in query(
        "SELECT task_id, updated_by, updated_at, status, progress, revised_timescale FROM strategy_task_updates
         ORDER BY updated_at, id",
    )
    .fetch_all(pool)
    .await?
    {
        let status: String = row.try_get("status")?;
        let revised: Option<String> = row.try_get("revised_timescale")?;
        updates.entry(row.try_get("task_id")?).or_default().push(TaskUpdate {
            at: row.try_get("updated_at")?,
            by: row.try_get("updated_by")?,
            status: TaskStatus::from_code(&status).map_err(|error| StoreError::Unreadable {
                table: "strategy_task_updates",
                column: "status",
                detail: error.to_string(),
            })?,
            progress: row.try_get("progress")?,
            revised_timescale: revised.map(|code| timescale(&code, "revised_timescale")).transpose()?,
        });
    }
    let mut tasks: HashMap<i64, Vec<Task>> = HashMap::new();
    for row in query("SELECT id, action_id, description, timescale FROM strategy_tasks ORDER BY id")
        .fetch_all(pool)
        .await?
    {
        let id: i64 = row.try_get("id")?;
        let code: String = row.try_get("timescale")?;
        tasks.entry(row.try_get("action_id")?).or_default().push(Task {
            id,
            description: row.try_get("description")?,
            timescale: timescale(&code, "timescale")?,
            updates: updates.remove(&id).unwrap_or_default(),
        });
    }
    let mut actions: HashMap<i64, Vec<Action>> = HashMap::new();
    for row in query("SELECT id, plan_id, number, title FROM strategy_actions ORDER BY plan_id, number")
        .fetch_all(pool)
        .await?
    {
        let id: i64 = row.try_get("id")?;
        let number: i64 = row.try_get("number")?;
        actions.entry(row.try_get("plan_id")?).or_default().push(Action {
            id,
            number: u32::try_from(number).unwrap_or(0),
            title: row.try_get("title")?,
            tasks: tasks.remove(&id).unwrap_or_default(),
        });
    }
    let mut issued: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
    for row in query("SELECT plan_id, issued_on FROM strategy_reports ORDER BY issued_on")
        .fetch_all(pool)
        .await?
    {
        issued
            .entry(row.try_get("plan_id")?)
            .or_default()
            .push(row.try_get("issued_on")?);
    }
    query("SELECT id, title FROM strategy_plans ORDER BY id")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            Ok(ActionPlan {
                id,
                title: row.try_get("title")?,
                reports_issued: issued.remove(&id).unwrap_or_default(),
                actions: actions.remove(&id).unwrap_or_default(),
            })
        })
        .collect()
}

/// Makes one change, whole: the id of what it made or changed, or none where the plan, action or
/// task it names is not there (or a report was already issued that day).
pub(super) async fn change_action_plan(
    pool: &Pool,
    change: &PlanChange,
    by: &str,
    at: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    let mut transaction = engine::begin_writing(pool).await?;
    let made = apply(&mut transaction, change, by, at).await?;
    if made.is_some() {
        transaction.commit().await?;
    }
    Ok(made)
}

async fn apply(
    transaction: &mut Transaction<'_, Db>,
    change: &PlanChange,
    by: &str,
    at: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    let made = match change {
        PlanChange::NewPlan { title } => Some(
            query_scalar::<i64>(
                "INSERT INTO strategy_plans (title, created_by, created_at) VALUES (?, ?, ?) RETURNING id",
            )
            .bind(title.trim())
            .bind(by)
            .bind(at)
            .fetch_one(&mut **transaction)
            .await?,
        ),
        PlanChange::AddAction { plan, title } => add_action(transaction, *plan, title).await?,
        PlanChange::AddTask {
            plan,
            action,
            description,
            timescale,
        } => {
            let belongs: Option<i64> = query_scalar("SELECT id FROM strategy_actions WHERE id = ? AND plan_id = ?")
                .bind(action)
                .bind(plan)
                .fetch_optional(&mut **transaction)
                .await?;
            match belongs {
                Some(action) => Some(insert_task(transaction, action, description, *timescale).await?),
                None => None,
            }
        }
        PlanChange::UpdateTask {
            plan,
            task,
            status,
            progress,
            revised_timescale,
        } => {
            let belongs: Option<i64> = query_scalar(
                "SELECT t.id FROM strategy_tasks t JOIN strategy_actions a ON a.id = t.action_id WHERE t.id = ? AND a.plan_id = ?",
            )
            .bind(task)
            .bind(plan)
            .fetch_optional(&mut **transaction)
            .await?;
            match belongs {
                Some(task) => {
                    let update = TaskUpdate {
                        at,
                        by: by.to_owned(),
                        status: *status,
                        progress: progress.trim().to_owned(),
                        revised_timescale: *revised_timescale,
                    };
                    Some(insert_update(transaction, task, &update).await?)
                }
                None => None,
            }
        }
        PlanChange::IssueReport { plan, on } => {
            query_scalar::<i64>(
                "INSERT INTO strategy_reports (plan_id, issued_on, issued_by)
                 SELECT id, ?, ? FROM strategy_plans WHERE id = ?
                 ON CONFLICT (plan_id, issued_on) DO NOTHING RETURNING id",
            )
            .bind(on)
            .bind(by)
            .bind(plan)
            .fetch_optional(&mut **transaction)
            .await?
        }
    };
    Ok(made)
}

/// A new action, numbered after the plan's last.
async fn add_action(transaction: &mut Transaction<'_, Db>, plan: i64, title: &str) -> Result<Option<i64>, StoreError> {
    let exists: Option<i64> = query_scalar("SELECT id FROM strategy_plans WHERE id = ?")
        .bind(plan)
        .fetch_optional(&mut **transaction)
        .await?;
    if exists.is_none() {
        return Ok(None);
    }
    // Two added at once would otherwise both read the same last number (on PostgreSQL).
    engine::one_writer_at_a_time(transaction, "strategy_actions").await?;
    let id = query_scalar::<i64>(
        "INSERT INTO strategy_actions (plan_id, number, title)
         VALUES (?, (SELECT COALESCE(MAX(number), 0) + 1 FROM strategy_actions WHERE plan_id = ?), ?) RETURNING id",
    )
    .bind(plan)
    .bind(plan)
    .bind(title.trim())
    .fetch_one(&mut **transaction)
    .await?;
    Ok(Some(id))
}

async fn insert_task(
    transaction: &mut Transaction<'_, Db>,
    action: i64,
    description: &str,
    timescale: Timescale,
) -> Result<i64, StoreError> {
    Ok(query_scalar::<i64>(
        "INSERT INTO strategy_tasks (action_id, description, timescale) VALUES (?, ?, ?) RETURNING id",
    )
    .bind(action)
    .bind(description.trim())
    .bind(timescale.code())
    .fetch_one(&mut **transaction)
    .await?)
}

async fn insert_update(
    transaction: &mut Transaction<'_, Db>,
    task: i64,
    update: &TaskUpdate,
) -> Result<i64, StoreError> {
    Ok(query_scalar::<i64>(
        "INSERT INTO strategy_task_updates (task_id, updated_by, updated_at, status, progress, revised_timescale)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(task)
    .bind(&update.by)
    .bind(update.at)
    .bind(update.status.code())
    .bind(&update.progress)
    .bind(update.revised_timescale.map(Timescale::code))
    .fetch_one(&mut **transaction)
    .await?)
}

/// The plans of a generated authority, with their history, as part of writing it whole.
pub(super) async fn write_action_plans(
    transaction: &mut Transaction<'_, Db>,
    plans: &[ActionPlan],
    by: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    for plan in plans {
        let Some(plan_id) = apply(
            transaction,
            &PlanChange::NewPlan {
                title: plan.title.clone(),
            },
            by,
            at,
        )
        .await?
        else {
            continue;
        };
        for action in &plan.actions {
            let Some(action_id) = add_action(transaction, plan_id, &action.title).await? else {
                continue;
            };
            for task in &action.tasks {
                let task_id = insert_task(transaction, action_id, &task.description, task.timescale).await?;
                for update in &task.updates {
                    insert_update(transaction, task_id, update).await?;
                }
            }
        }
        for on in &plan.reports_issued {
            apply(transaction, &PlanChange::IssueReport { plan: plan_id, on: *on }, by, at).await?;
        }
    }
    Ok(())
}
