//! The School Intervention Record in SQLite: cases with their steps, activities, and each
//! case's history. A change to a case is saved only at the revision it was read at.

use super::engine::{self, Db, DbRow, Pool};
use super::{query, query_scalar};
use chrono::{DateTime, Utc};
use sqlx::{Row, Transaction};
use stride_core::intervention::{
    Activity, Case, CaseChange, CaseOpening, CaseSaved, HistoryEntry, LadderStep, NoteOfVisit,
};
use stride_core::{LaCode, Urn};

use super::categorisation::{categorised_inspections, categorised_schools};
use super::{coded, optional_coded, unreadable, urn};
use crate::StoreError;

/// What the clocks read for the LA's schools (or every school held): the schools, their
/// inspections, cases and activities, the LA's own activities, and each school's advisers.
pub(super) async fn evidence(
    pool: &Pool,
    la: Option<LaCode>,
) -> Result<stride_core::intervention::InterventionEvidence, StoreError> {
    let la_code = la.map(|la| i64::from(la.get()));
    let schools = categorised_schools(pool, la_code).await?;
    let inspections = categorised_inspections(pool, la_code).await?;
    let adviser_rows = query(
        "SELECT s.urn, a.id, a.display_name FROM account_schools s JOIN accounts a ON a.id = s.account_id
         WHERE a.role = 'adviser' ORDER BY s.urn, a.display_name",
    )
    .fetch_all(pool)
    .await?;
    let advisers = adviser_rows
        .iter()
        .map(|row| {
            Ok(stride_core::intervention::SchoolAdviser {
                urn: urn(row, "account_schools")?,
                account_id: row.try_get("id")?,
                name: row.try_get("display_name")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let cases = cases(pool, la).await?;
    let held: std::collections::HashSet<i64> = cases.iter().map(|case| case.id).collect();
    let support_of = super::support::all(pool)
        .await?
        .into_iter()
        .filter(|(case_id, _)| held.contains(case_id))
        .collect();
    Ok(stride_core::intervention::InterventionEvidence {
        schools,
        inspections,
        cases,
        activities: activities(pool, la).await?,
        advisers,
        support: support_of,
        kept_levels: kept_levels(pool).await?,
    })
}

/// Every case of the LA's schools (or of every school), oldest first, with its steps.
pub(super) async fn cases(pool: &Pool, la: Option<LaCode>) -> Result<Vec<Case>, StoreError> {
    let la_code = la.map(|la| i64::from(la.get()));
    let case_rows = query(
        "SELECT c.id, c.urn, c.opened_on, c.plan_agreed_on, c.revision FROM cases c
         JOIN establishments e ON e.urn = c.urn
         WHERE (? IS NULL OR e.la_code = ?) ORDER BY c.id",
    )
    .bind(la_code)
    .bind(la_code)
    .fetch_all(pool)
    .await?;
    let step_rows = query(
        "SELECT s.case_id, s.stage, s.taken_on, s.solution, s.compliance_ends, s.evidence, s.decided_by
         FROM case_steps s JOIN cases c ON c.id = s.case_id JOIN establishments e ON e.urn = c.urn
         WHERE (? IS NULL OR e.la_code = ?) ORDER BY s.case_id, s.id",
    )
    .bind(la_code)
    .bind(la_code)
    .fetch_all(pool)
    .await?;
    let mut steps: std::collections::HashMap<i64, Vec<LadderStep>> = std::collections::HashMap::new();
    for row in &step_rows {
        steps.entry(row.try_get("case_id")?).or_default().push(step(row)?);
    }
    case_rows
        .iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            Ok(Case {
                id,
                urn: urn(row, "cases")?,
                opened_on: row.try_get("opened_on")?,
                steps: steps.remove(&id).unwrap_or_default(),
                plan_agreed_on: row.try_get("plan_agreed_on")?,
                revision: row.try_get("revision")?,
            })
        })
        .collect()
}

/// Each school's level in every categorisation run kept, oldest run first.
async fn kept_levels(pool: &Pool) -> Result<Vec<stride_core::intervention::KeptLevel>, StoreError> {
    let rows = query(
        "SELECT r.rule_set, r.as_of, c.urn, c.level FROM categorisation_runs r
         JOIN categorisations c ON c.run_id = r.id ORDER BY r.run_at, r.id, c.urn",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(stride_core::intervention::KeptLevel {
                rule_set: row.try_get("rule_set")?,
                as_of: row.try_get("as_of")?,
                urn: urn(row, "categorisations")?,
                level: row.try_get("level")?,
            })
        })
        .collect()
}

fn step(row: &DbRow) -> Result<LadderStep, StoreError> {
    Ok(LadderStep {
        stage: coded(row, "case_steps", "stage")?,
        taken_on: row.try_get("taken_on")?,
        solution: optional_coded(row, "case_steps", "solution")?,
        compliance_ends: row.try_get("compliance_ends")?,
        evidence: row.try_get("evidence")?,
        decided_by: row.try_get("decided_by")?,
    })
}

async fn insert_step(
    transaction: &mut Transaction<'_, Db>,
    case_id: i64,
    step: &LadderStep,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    query(
        "INSERT INTO case_steps (case_id, stage, taken_on, solution, compliance_ends, evidence, decided_by, decided_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(case_id)
    .bind(step.stage.code())
    .bind(step.taken_on)
    .bind(step.solution.map(|solution| solution.code()))
    .bind(step.compliance_ends)
    .bind(&step.evidence)
    .bind(&step.decided_by)
    .bind(at)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

async fn insert_history(
    transaction: &mut Transaction<'_, Db>,
    case_id: i64,
    revision: i64,
    by: &str,
    at: DateTime<Utc>,
    change: &str,
) -> Result<(), StoreError> {
    query("INSERT INTO case_history (case_id, revision, changed_by, changed_at, change) VALUES (?, ?, ?, ?, ?)")
        .bind(case_id)
        .bind(revision)
        .bind(by)
        .bind(at)
        .bind(change)
        .execute(&mut **transaction)
        .await?;
    Ok(())
}

/// Writes a case with its steps, each in its history, the first opening it.
pub(super) async fn insert_case(
    transaction: &mut Transaction<'_, Db>,
    school: Urn,
    opened_on: chrono::NaiveDate,
    plan_agreed_on: Option<chrono::NaiveDate>,
    steps: &[LadderStep],
    at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let id = query_scalar::<i64>("INSERT INTO cases (urn, opened_on) VALUES (?, ?) RETURNING id")
        .bind(i64::from(school.get()))
        .bind(opened_on)
        .fetch_one(&mut **transaction)
        .await?;
    let mut revision = 0;
    for step in steps {
        insert_step(transaction, id, step, at).await?;
        revision += 1;
        let change = CaseChange::Step(step.clone()).describe();
        let change = if revision == 1 {
            format!("Case opened: {change}")
        } else {
            change
        };
        insert_history(transaction, id, revision, &step.decided_by, at, &change).await?;
    }
    if let Some(on) = plan_agreed_on {
        revision += 1;
        query("UPDATE cases SET plan_agreed_on = ? WHERE id = ?")
            .bind(on)
            .bind(id)
            .execute(&mut **transaction)
            .await?;
        let decided_by = steps.last().map_or("", |step| step.decided_by.as_str());
        insert_history(
            transaction,
            id,
            revision,
            decided_by,
            at,
            &CaseChange::PlanAgreed(on).describe(),
        )
        .await?;
    }
    query("UPDATE cases SET revision = ? WHERE id = ?")
        .bind(revision.max(1))
        .bind(id)
        .execute(&mut **transaction)
        .await?;
    Ok(id)
}

/// Opens a case for a school with its first step, unless the school has an open case already.
pub(super) async fn open_case(
    pool: &Pool,
    school: Urn,
    first: &LadderStep,
    at: DateTime<Utc>,
) -> Result<CaseOpening, StoreError> {
    let mut transaction = engine::begin_writing(pool).await?;
    let open: Option<i64> = query_scalar(
        "SELECT c.id FROM cases c WHERE c.urn = ?
           AND (SELECT s.stage FROM case_steps s WHERE s.case_id = c.id ORDER BY s.id DESC LIMIT 1) <> 'closed'",
    )
    .bind(i64::from(school.get()))
    .fetch_optional(&mut *transaction)
    .await?;
    if let Some(open) = open {
        return Ok(CaseOpening::AlreadyOpen(open));
    }
    let id = insert_case(
        &mut transaction,
        school,
        first.taken_on,
        None,
        std::slice::from_ref(first),
        at,
    )
    .await?;
    transaction.commit().await?;
    Ok(CaseOpening::Opened(id))
}

/// Saves a change to a case if it still stands at the revision it was read at.
pub(super) async fn change_case(
    pool: &Pool,
    case_id: i64,
    seen_revision: i64,
    change: &CaseChange,
    by: &str,
    at: DateTime<Utc>,
) -> Result<CaseSaved, StoreError> {
    let mut transaction = engine::begin_writing(pool).await?;
    let moved = query("UPDATE cases SET revision = revision + 1 WHERE id = ? AND revision = ?")
        .bind(case_id)
        .bind(seen_revision)
        .execute(&mut *transaction)
        .await?
        .rows_affected();
    if moved == 0 {
        transaction.rollback().await?;
        return Ok(CaseSaved::Conflict {
            changes_since: history_since(pool, case_id, seen_revision).await?,
        });
    }
    let applied = match change {
        CaseChange::Step(step) => {
            insert_step(&mut transaction, case_id, step, at).await?;
            1
        }
        CaseChange::PlanAgreed(on) => query("UPDATE cases SET plan_agreed_on = ? WHERE id = ?")
            .bind(on)
            .bind(case_id)
            .execute(&mut *transaction)
            .await?
            .rows_affected(),
        other => change_plan(&mut transaction, case_id, other).await?,
    };
    if applied == 0 {
        transaction.rollback().await?;
        return Ok(CaseSaved::NotThisCase);
    }
    let revision = seen_revision + 1;
    insert_history(&mut transaction, case_id, revision, by, at, &change.describe()).await?;
    transaction.commit().await?;
    Ok(CaseSaved::Saved(revision))
}

/// A change to the case's plan; the rows it wrote, none where the priority or action it names
/// is not the case's.
async fn change_plan(
    transaction: &mut Transaction<'_, Db>,
    case_id: i64,
    change: &CaseChange,
) -> Result<u64, StoreError> {
    let written = match change {
        CaseChange::AddPriority { title } => {
            query("INSERT INTO plan_priorities (case_id, title) VALUES (?, ?)")
                .bind(case_id)
                .bind(title)
                .execute(&mut **transaction)
                .await?
        }
        CaseChange::AddAction {
            priority,
            description,
            owner,
            due_on,
        } => {
            query(
                "INSERT INTO plan_actions (priority_id, description, owner, due_on, status)
             SELECT id, ?, ?, ?, 'not-started' FROM plan_priorities WHERE id = ? AND case_id = ?",
            )
            .bind(description)
            .bind(owner)
            .bind(due_on)
            .bind(priority)
            .bind(case_id)
            .execute(&mut **transaction)
            .await?
        }
        CaseChange::SetActionStatus { action, status } => {
            query(
                "UPDATE plan_actions SET status = ? WHERE id = ?
               AND priority_id IN (SELECT id FROM plan_priorities WHERE case_id = ?)",
            )
            .bind(status.code())
            .bind(action)
            .bind(case_id)
            .execute(&mut **transaction)
            .await?
        }
        CaseChange::RecordImpact { priority, impact } => {
            query("UPDATE plan_priorities SET impact = ? WHERE id = ? AND case_id = ?")
                .bind(impact)
                .bind(priority)
                .bind(case_id)
                .execute(&mut **transaction)
                .await?
        }
        CaseChange::CommissionSupport(commission) => {
            let support = stride_core::intervention::Support::commissioned(0, commission);
            return super::support::insert_support(transaction, case_id, &support).await;
        }
        CaseChange::EvaluateSupport { support, evaluation } => {
            return super::support::evaluate(transaction, case_id, *support, evaluation).await;
        }
        CaseChange::RecordDaysUsed { support, days_used } => {
            query("UPDATE support SET days_used = ? WHERE id = ? AND case_id = ?")
                .bind(days_used)
                .bind(support)
                .bind(case_id)
                .execute(&mut **transaction)
                .await?
        }
        CaseChange::Step(_) | CaseChange::PlanAgreed(_) => return Ok(0),
    };
    Ok(written.rows_affected())
}

/// A case's plan: its priorities in the order added, each with its actions.
pub(super) async fn plan(
    pool: &Pool,
    case_id: i64,
) -> Result<Vec<stride_core::intervention::PlanPriority>, StoreError> {
    let priorities = query("SELECT id, title, impact FROM plan_priorities WHERE case_id = ? ORDER BY id")
        .bind(case_id)
        .fetch_all(pool)
        .await?;
    let actions = query(
        "SELECT a.id, a.priority_id, a.description, a.owner, a.due_on, a.status FROM plan_actions a
         JOIN plan_priorities p ON p.id = a.priority_id WHERE p.case_id = ? ORDER BY a.id",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    priorities
        .iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            let mut of_priority = Vec::new();
            for action in &actions {
                let priority: i64 = action.try_get("priority_id")?;
                if priority == id {
                    of_priority.push(stride_core::intervention::PlanAction {
                        id: action.try_get("id")?,
                        description: action.try_get("description")?,
                        owner: action.try_get("owner")?,
                        due_on: action.try_get("due_on")?,
                        status: coded(action, "plan_actions", "status")?,
                    });
                }
            }
            Ok(stride_core::intervention::PlanPriority {
                id,
                title: row.try_get("title")?,
                impact: row.try_get("impact")?,
                actions: of_priority,
            })
        })
        .collect()
}

/// The changes made to a case after a revision, oldest first.
pub(super) async fn history_since(pool: &Pool, case_id: i64, after: i64) -> Result<Vec<HistoryEntry>, StoreError> {
    let rows = query(
        "SELECT revision, changed_by, changed_at, change FROM case_history
         WHERE case_id = ? AND revision > ? ORDER BY revision",
    )
    .bind(case_id)
    .bind(after)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(HistoryEntry {
                revision: row.try_get("revision")?,
                changed_by: row.try_get("changed_by")?,
                changed_at: row.try_get("changed_at")?,
                change: row.try_get("change")?,
            })
        })
        .collect()
}

pub(super) async fn record_activity<'e>(
    executor: impl sqlx::Executor<'e, Database = Db>,
    activity: &Activity,
) -> Result<i64, StoreError> {
    let note = activity
        .note
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|error| unreadable("activities", "note", error))?;
    Ok(query_scalar::<i64>(
        "INSERT INTO activities (urn, kind, held_on, recorded_by, recorded_at, attendees, summary, actions, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(activity.urn.map(|urn| i64::from(urn.get())))
    .bind(activity.kind.code())
    .bind(activity.held_on)
    .bind(&activity.recorded_by)
    .bind(activity.recorded_at)
    .bind(&activity.attendees)
    .bind(&activity.summary)
    .bind(&activity.actions)
    .bind(note)
    .fetch_one(executor)
    .await?)
}

/// The activities of the LA's schools (or every school's) and the LA's own, oldest first.
pub(super) async fn activities(pool: &Pool, la: Option<LaCode>) -> Result<Vec<Activity>, StoreError> {
    let la_code = la.map(|la| i64::from(la.get()));
    let rows = query(
        "SELECT a.id, a.urn, a.kind, a.held_on, a.recorded_by, a.recorded_at, a.attendees, a.summary, a.actions, a.note
         FROM activities a LEFT JOIN establishments e ON e.urn = a.urn
         WHERE a.urn IS NULL OR ? IS NULL OR e.la_code = ? ORDER BY a.held_on, a.id",
    )
    .bind(la_code)
    .bind(la_code)
    .fetch_all(pool)
    .await?;
    rows.iter().map(activity).collect()
}

fn activity(row: &DbRow) -> Result<Activity, StoreError> {
    let school: Option<i64> = row.try_get("urn")?;
    let note: Option<String> = row.try_get("note")?;
    Ok(Activity {
        id: row.try_get("id")?,
        urn: school.map(|value| super::urn_from(value, "activities")).transpose()?,
        kind: coded(row, "activities", "kind")?,
        held_on: row.try_get("held_on")?,
        recorded_by: row.try_get("recorded_by")?,
        recorded_at: row.try_get("recorded_at")?,
        attendees: row.try_get("attendees")?,
        summary: row.try_get("summary")?,
        actions: row.try_get("actions")?,
        note: note
            .map(|note| serde_json::from_str::<NoteOfVisit>(&note))
            .transpose()
            .map_err(|error| unreadable("activities", "note", error))?,
    })
}

pub(super) async fn keep_clock_rules(
    pool: &Pool,
    kept: &stride_core::intervention::KeptClockRules,
) -> Result<(), StoreError> {
    query("INSERT INTO kept_clock_rules (version, rule_text, kept_by, kept_at) VALUES (?, ?, ?, ?)")
        .bind(&kept.version)
        .bind(&kept.text)
        .bind(&kept.kept_by)
        .bind(kept.kept_at)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn kept_clock_rules(
    pool: &Pool,
) -> Result<Vec<stride_core::intervention::KeptClockRules>, StoreError> {
    let rows =
        query("SELECT version, rule_text, kept_by, kept_at FROM kept_clock_rules ORDER BY kept_at DESC, id DESC")
            .fetch_all(pool)
            .await?;
    rows.iter()
        .map(|row| {
            Ok(stride_core::intervention::KeptClockRules {
                version: row.try_get("version")?,
                text: row.try_get("rule_text")?,
                kept_by: row.try_get("kept_by")?,
                kept_at: row.try_get("kept_at")?,
            })
        })
        .collect()
}

/// The terms the LA entered, by academic year, each year's in date order.
pub(super) async fn school_terms(
    pool: &Pool,
) -> Result<std::collections::BTreeMap<stride_core::AcademicYear, Vec<stride_core::calendar::Term>>, StoreError> {
    use stride_core::calendar::{DateRange, Term};
    let rows = query(
        "SELECT academic_year, term, first_day, last_day, half_term_first_day, half_term_last_day
         FROM school_terms ORDER BY academic_year, first_day",
    )
    .fetch_all(pool)
    .await?;
    let mut terms: std::collections::BTreeMap<stride_core::AcademicYear, Vec<Term>> = std::collections::BTreeMap::new();
    for row in &rows {
        let year: i64 = row.try_get("academic_year")?;
        let name = coded(row, "school_terms", "term")?;
        let range = |first: &str, last: &str| -> Result<DateRange, StoreError> {
            DateRange::new("a term", row.try_get(first)?, row.try_get(last)?)
                .map_err(|error| unreadable("school_terms", "last_day", error))
        };
        let term = Term::new(
            name,
            range("first_day", "last_day")?,
            range("half_term_first_day", "half_term_last_day")?,
        )
        .map_err(|error| unreadable("school_terms", "half_term_first_day", error))?;
        terms
            .entry(stride_core::AcademicYear::starting(year as i32))
            .or_default()
            .push(term);
    }
    Ok(terms)
}

/// Enters an academic year's terms, in place of any entered before, whole or not at all.
pub(super) async fn set_school_terms(
    pool: &Pool,
    year: stride_core::AcademicYear,
    terms: &[stride_core::calendar::Term],
    by: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut transaction = engine::begin_writing(pool).await?;
    query("DELETE FROM school_terms WHERE academic_year = ?")
        .bind(i64::from(year.start_year()))
        .execute(&mut *transaction)
        .await?;
    for term in terms {
        query(
            "INSERT INTO school_terms (academic_year, term, first_day, last_day, half_term_first_day,
                                       half_term_last_day, entered_by, entered_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(i64::from(year.start_year()))
        .bind(term.name.code())
        .bind(term.dates.first())
        .bind(term.dates.last())
        .bind(term.half_term.first())
        .bind(term.half_term.last())
        .bind(by)
        .bind(at)
        .execute(&mut *transaction)
        .await?;
    }
    transaction.commit().await?;
    Ok(())
}

/// Attaches a document to a school's record; its id is given.
pub(super) async fn attach_document(
    pool: &Pool,
    document: &stride_core::intervention::Document,
    bytes: &[u8],
) -> Result<i64, StoreError> {
    Ok(query_scalar::<i64>(
        "INSERT INTO documents (urn, title, file_name, content_type, bytes, sha256, uploaded_by, uploaded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(i64::from(document.urn.get()))
    .bind(&document.title)
    .bind(&document.file_name)
    .bind(&document.content_type)
    .bind(bytes)
    .bind(&document.sha256)
    .bind(&document.uploaded_by)
    .bind(document.uploaded_at)
    .fetch_one(pool)
    .await?)
}

fn document(row: &DbRow) -> Result<stride_core::intervention::Document, StoreError> {
    let size: i64 = row.try_get("size")?;
    Ok(stride_core::intervention::Document {
        id: row.try_get("id")?,
        urn: urn(row, "documents")?,
        title: row.try_get("title")?,
        file_name: row.try_get("file_name")?,
        content_type: row.try_get("content_type")?,
        size: usize::try_from(size).unwrap_or(0),
        sha256: row.try_get("sha256")?,
        uploaded_by: row.try_get("uploaded_by")?,
        uploaded_at: row.try_get("uploaded_at")?,
    })
}

/// The documents attached to a school's record, newest first, without their bytes.
pub(super) async fn documents(
    pool: &Pool,
    school: Urn,
) -> Result<Vec<stride_core::intervention::Document>, StoreError> {
    let rows = query(
        "SELECT id, urn, title, file_name, content_type, CAST(length(bytes) AS BIGINT) AS size, sha256, uploaded_by, uploaded_at
         FROM documents WHERE urn = ? ORDER BY id DESC",
    )
    .bind(i64::from(school.get()))
    .fetch_all(pool)
    .await?;
    rows.iter().map(document).collect()
}

/// A school's document with its bytes; none if the school has no such document.
pub(super) async fn document_bytes(
    pool: &Pool,
    school: Urn,
    id: i64,
) -> Result<Option<(stride_core::intervention::Document, Vec<u8>)>, StoreError> {
    let row = query(
        "SELECT id, urn, title, file_name, content_type, CAST(length(bytes) AS BIGINT) AS size, sha256, uploaded_by, uploaded_at, bytes
         FROM documents WHERE urn = ? AND id = ?",
    )
    .bind(i64::from(school.get()))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.map(|row| Ok((document(&row)?, row.try_get("bytes")?))).transpose()
}
