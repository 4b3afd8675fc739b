//! Stride's storage on a relational database, written once and compiled for each engine: the
//! parent module (`sqlite` or `postgres`) names its engine's types and the little of its SQL
//! that differs in `engine`, and opens the pool. Statements are written with SQLite's `?`
//! placeholders; [`query`] hands each to its engine in the engine's own form.

mod accounts;
mod action_plans;
mod categorisation;
mod held;
mod import;
mod import_figures;
mod import_inspections;
mod import_statistics;
mod intervention;
pub(super) mod overlapped;
mod pupils;
mod read;
mod support;
mod write;

use std::str::FromStr;

use sqlx::Row;
use sqlx::query::{Query, QueryAs, QueryScalar};
use stride_core::coded::UnknownCode;

use super::engine::{self, Arguments, Db, DbRow, Pool};
use crate::StoreError;

/// The store on one engine's pool of connections.
#[derive(Debug, Clone)]
pub struct RelationalStore {
    pool: Pool,
}

impl RelationalStore {
    pub(super) fn on(pool: Pool) -> RelationalStore {
        RelationalStore { pool }
    }

    /// The pool itself, for copying a deployment between engines.
    pub(crate) fn pool(&self) -> &Pool {
        &self.pool
    }
}

/// A statement's text: a constant, or built from constant text and placeholders alone.
pub(crate) trait Statement {
    fn for_engine(self) -> sqlx::SqlStr;
}

impl Statement for &'static str {
    fn for_engine(self) -> sqlx::SqlStr {
        engine::statement(self)
    }
}

/// A statement built at run time; only constant text and placeholders go into it, never a value.
pub(crate) struct Dynamic(pub String);

impl Statement for Dynamic {
    fn for_engine(self) -> sqlx::SqlStr {
        engine::built_statement(self.0)
    }
}

pub(crate) fn query<'q>(sql: impl Statement) -> Query<'q, Db, Arguments> {
    sqlx::query(sql.for_engine())
}

pub(crate) fn query_scalar<'q, Scalar>(sql: impl Statement) -> QueryScalar<'q, Db, Scalar, Arguments>
where
    (Scalar,): for<'r> sqlx::FromRow<'r, DbRow>,
{
    sqlx::query_scalar(sql.for_engine())
}

pub(crate) fn query_as<'q, Record>(sql: impl Statement) -> QueryAs<'q, Db, Record, Arguments>
where
    Record: for<'r> sqlx::FromRow<'r, DbRow>,
{
    sqlx::query_as(sql.for_engine())
}

/// Reads a coded enumeration from a column, naming the place if the code is not one Stride knows.
fn coded<T>(row: &DbRow, table: &'static str, column: &'static str) -> Result<T, StoreError>
where
    T: FromStr<Err = UnknownCode>,
{
    let code: String = row.try_get(column)?;
    code.parse().map_err(|error: UnknownCode| StoreError::Unreadable {
        table,
        column,
        detail: error.to_string(),
    })
}

fn unreadable(table: &'static str, column: &'static str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Unreadable {
        table,
        column,
        detail: error.to_string(),
    }
}

fn optional_coded<T>(row: &DbRow, table: &'static str, column: &'static str) -> Result<Option<T>, StoreError>
where
    T: FromStr<Err = UnknownCode>,
{
    let code: Option<String> = row.try_get(column)?;
    code.map(|code| {
        code.parse().map_err(|error: UnknownCode| StoreError::Unreadable {
            table,
            column,
            detail: error.to_string(),
        })
    })
    .transpose()
}

fn urn(row: &DbRow, table: &'static str) -> Result<stride_core::Urn, StoreError> {
    urn_from(row.try_get("urn")?, table)
}

fn urn_from(value: i64, table: &'static str) -> Result<stride_core::Urn, StoreError> {
    u32::try_from(value)
        .ok()
        .and_then(|value| stride_core::Urn::new(value).ok())
        .ok_or_else(|| StoreError::Unreadable {
            table,
            column: "urn",
            detail: format!("{value} is not a URN"),
        })
}

#[async_trait::async_trait]
impl crate::Store for RelationalStore {
    async fn establishment_count(&self) -> Result<u64, StoreError> {
        let count: i64 = query_scalar("SELECT COUNT(*) FROM establishments")
            .fetch_one(&self.pool)
            .await?;
        Ok(count.unsigned_abs())
    }

    async fn write_dataset(
        &self,
        dataset: &stride_core::Dataset,
        accounts: &[crate::NewAccount],
    ) -> Result<(), StoreError> {
        write::dataset(&self.pool, dataset, accounts).await
    }

    async fn pupils(&self, filter: crate::PupilFilter<'_>) -> Result<Vec<stride_core::pupils::Pupil>, StoreError> {
        pupils::pupils(&self.pool, filter).await
    }

    async fn pupil_characteristics(
        &self,
        on: chrono::NaiveDate,
    ) -> Result<Vec<stride_core::pupils::overlap::CountedPupil>, StoreError> {
        pupils::pupil_characteristics(&self.pool, on).await
    }

    async fn episodes(&self, pupil: Option<i64>) -> Result<Vec<stride_core::pupils::episodes::Episode>, StoreError> {
        pupils::episodes(&self.pool, pupil).await
    }

    async fn record_episode(
        &self,
        pupil_id: i64,
        episode_id: Option<i64>,
        kind: &stride_core::pupils::episodes::EpisodeKind,
        by: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let mut transaction = engine::begin_writing(&self.pool).await?;
        let id = pupils::record_episode(&mut transaction, pupil_id, episode_id, kind, by, at).await?;
        transaction.commit().await?;
        Ok(id)
    }

    async fn caseloads(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        pupils::caseloads(&self.pool).await
    }

    async fn assign_caseloads(
        &self,
        assignments: &[(stride_core::pupils::Upn, i64)],
        since: chrono::NaiveDate,
    ) -> Result<(), StoreError> {
        let mut transaction = engine::begin_writing(&self.pool).await?;
        pupils::assign_caseload(&mut transaction, assignments, since).await?;
        transaction.commit().await?;
        Ok(())
    }

    async fn set_caseload(
        &self,
        pupil_id: i64,
        account_id: i64,
        since: Option<chrono::NaiveDate>,
    ) -> Result<(), StoreError> {
        pupils::set_caseload(&self.pool, pupil_id, account_id, since).await
    }

    async fn attendance_marks(
        &self,
        year: stride_core::AcademicYear,
        of: crate::MarksOf,
    ) -> Result<Vec<(i64, stride_core::Urn, stride_core::pupils::YearOfMarks)>, StoreError> {
        pupils::attendance_marks(&self.pool, year, of).await
    }

    async fn attendance_summaries(
        &self,
        of: crate::MarksOf,
    ) -> Result<
        Vec<(
            i64,
            stride_core::Urn,
            stride_core::pupils::TermOfYear,
            stride_core::pupils::SessionCounts,
        )>,
        StoreError,
    > {
        pupils::attendance_summaries(&self.pool, of).await
    }

    async fn record_audit(&self, entries: &[stride_core::pupils::AuditEntry]) -> Result<(), StoreError> {
        pupils::record_audit(&self.pool, entries).await
    }

    async fn audit_log(
        &self,
        pupil: Option<i64>,
        limit: u32,
    ) -> Result<Vec<stride_core::pupils::AuditEntry>, StoreError> {
        pupils::audit_log(&self.pool, pupil, limit).await
    }

    async fn audit_chain(&self) -> Result<Vec<stride_core::pupils::SealedEntry>, StoreError> {
        pupils::audit_chain(&self.pool).await
    }

    async fn audit_search(
        &self,
        search: &crate::AuditSearch,
        limit: u32,
    ) -> Result<Vec<(i64, stride_core::pupils::AuditEntry)>, StoreError> {
        pupils::audit_search(&self.pool, search, limit).await
    }

    async fn imports(&self, limit: u32) -> Result<Vec<stride_core::import::ImportRecord>, StoreError> {
        read::imports(&self.pool, limit).await
    }

    async fn set_local_authority(
        &self,
        la: stride_core::LaCode,
    ) -> Result<Option<stride_core::LocalAuthority>, StoreError> {
        read::set_local_authority(&self.pool, la).await
    }

    async fn local_authority(&self) -> Result<Option<stride_core::LocalAuthority>, StoreError> {
        read::local_authority(&self.pool).await
    }

    async fn localities(&self) -> Result<Vec<stride_core::Locality>, StoreError> {
        read::localities(&self.pool).await
    }

    async fn school_list_rows(
        &self,
        la: Option<stride_core::LaCode>,
    ) -> Result<Vec<stride_core::school_list::SchoolListRow>, StoreError> {
        read::school_list_rows(&self.pool, la).await
    }

    async fn latest_full_inspections(&self) -> Result<Vec<stride_core::Inspection>, StoreError> {
        read::latest_full_inspections(&self.pool).await
    }

    async fn inspections_of(&self, urn: stride_core::Urn) -> Result<Vec<stride_core::Inspection>, StoreError> {
        read::inspections_of(&self.pool, urn).await
    }

    async fn figures_for_all_schools(
        &self,
        measures: &[stride_core::Measure],
        group: stride_core::PupilGroup,
    ) -> Result<Vec<stride_core::SchoolFigure>, StoreError> {
        read::figures_for_all_schools(&self.pool, measures, group).await
    }

    async fn figures_of_schools(
        &self,
        urns: &[stride_core::Urn],
    ) -> Result<Vec<stride_core::SchoolFigure>, StoreError> {
        read::figures_of_schools(&self.pool, urns).await
    }

    async fn school_profile(
        &self,
        school: stride_core::VisibleSchool,
        years: usize,
    ) -> Result<Option<stride_core::school_profile::SchoolProfile>, StoreError> {
        read::school_profile(&self.pool, school, years).await
    }

    async fn create_account(&self, account: &crate::NewAccount) -> Result<i64, StoreError> {
        accounts::create_account(&self.pool, account).await
    }

    async fn credentials(&self, username: &str) -> Result<Option<crate::Credentials>, StoreError> {
        accounts::credentials(&self.pool, username).await
    }

    async fn account(&self, account_id: i64) -> Result<Option<stride_core::Account>, StoreError> {
        accounts::account(&self.pool, account_id).await
    }

    async fn create_session(&self, session: &crate::SessionRecord) -> Result<(), StoreError> {
        accounts::create_session(&self.pool, session).await
    }

    async fn session(&self, token_hash: &str) -> Result<Option<crate::SessionRecord>, StoreError> {
        accounts::session(&self.pool, token_hash).await
    }

    async fn touch_session(&self, token_hash: &str, at: chrono::DateTime<chrono::Utc>) -> Result<(), StoreError> {
        accounts::touch_session(&self.pool, token_hash, at).await
    }

    async fn backup_to(&self, to: &std::path::Path) -> Result<(), StoreError> {
        engine::backup_to(&self.pool, to).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        accounts::delete_session(&self.pool, token_hash).await
    }

    async fn set_password(&self, account_id: i64, password_hash: &str) -> Result<(), StoreError> {
        accounts::set_password(&self.pool, account_id, password_hash).await
    }

    async fn offer_secret(&self, token_hash: &str, secret: Option<&str>) -> Result<(), StoreError> {
        accounts::offer_secret(&self.pool, token_hash, secret).await
    }

    async fn second_factor(&self, account_id: i64) -> Result<Option<crate::SecondFactor>, StoreError> {
        accounts::second_factor(&self.pool, account_id).await
    }

    async fn enrol_second_factor(&self, account_id: i64, secret: &str, step: i64) -> Result<(), StoreError> {
        accounts::enrol_second_factor(&self.pool, account_id, secret, step).await
    }

    async fn remove_second_factor(&self, account_id: i64) -> Result<(), StoreError> {
        accounts::remove_second_factor(&self.pool, account_id).await
    }

    async fn take_second_factor_step(&self, account_id: i64, step: i64) -> Result<bool, StoreError> {
        accounts::take_second_factor_step(&self.pool, account_id, step).await
    }

    async fn record_sign_in_failure(
        &self,
        username_hash: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        accounts::record_sign_in_failure(&self.pool, username_hash, at).await
    }

    async fn sign_in_failures(
        &self,
        username_hash: &str,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<chrono::DateTime<chrono::Utc>>, StoreError> {
        accounts::sign_in_failures(&self.pool, username_hash, since).await
    }

    async fn clear_sign_in_failures(&self, username_hash: &str) -> Result<(), StoreError> {
        accounts::clear_sign_in_failures(&self.pool, username_hash).await
    }

    async fn held_statistics(
        &self,
        data_set: Option<&str>,
        code: Option<&str>,
    ) -> Result<Vec<stride_core::held_statistics::HeldStatistic>, StoreError> {
        held::held_statistics(&self.pool, data_set, code).await
    }

    async fn held_figures(
        &self,
        urn: Option<stride_core::Urn>,
        history: bool,
    ) -> Result<Vec<stride_core::held_figures::HeldFigure>, StoreError> {
        held::held_figures(&self.pool, urn, history).await
    }

    async fn categorisation_evidence(
        &self,
        la: Option<stride_core::LaCode>,
        wanted: &stride_core::categorisation::EvidenceWanted,
    ) -> Result<stride_core::categorisation::CategorisationEvidence, StoreError> {
        categorisation::categorisation_evidence(&self.pool, la, wanted).await
    }

    async fn categorisation_intelligence(
        &self,
        la: Option<stride_core::LaCode>,
    ) -> Result<Vec<stride_core::IntelligenceItem>, StoreError> {
        categorisation::intelligence(&self.pool, la).await
    }

    async fn figures_version(&self) -> Result<i64, StoreError> {
        // Figures, establishments and inspections change only by an import, which is
        // recorded, or by generating into an empty database, which comes before any import; a
        // second import that changes nothing leaves no record.
        Ok(query_scalar("SELECT COALESCE(MAX(id), 0) FROM imports")
            .fetch_one(&self.pool)
            .await?)
    }

    async fn save_categorisation(&self, run: &stride_core::categorisation::NewRun<'_>) -> Result<i64, StoreError> {
        categorisation::save_run(&self.pool, run).await
    }

    async fn categorisation_runs(&self) -> Result<Vec<stride_core::categorisation::CategorisationRun>, StoreError> {
        categorisation::runs(&self.pool).await
    }

    async fn saved_levels(&self, run_id: i64) -> Result<Vec<stride_core::categorisation::SavedLevel>, StoreError> {
        categorisation::saved_levels(&self.pool, run_id).await
    }

    async fn record_level_override(
        &self,
        chosen: &stride_core::categorisation::LevelOverride,
    ) -> Result<(), StoreError> {
        categorisation::record_override(&self.pool, chosen).await
    }

    async fn level_overrides(
        &self,
        rule_set: &str,
    ) -> Result<Vec<stride_core::categorisation::LevelOverride>, StoreError> {
        categorisation::overrides(&self.pool, rule_set).await
    }

    async fn keep_rule_set(&self, kept: &stride_core::categorisation::KeptRuleSet) -> Result<(), StoreError> {
        categorisation::keep_rule_set(&self.pool, kept).await
    }

    async fn kept_rule_sets(&self) -> Result<Vec<stride_core::categorisation::KeptRuleSet>, StoreError> {
        categorisation::kept_rule_sets(&self.pool).await
    }

    async fn intervention_evidence(
        &self,
        la: Option<stride_core::LaCode>,
    ) -> Result<stride_core::intervention::InterventionEvidence, StoreError> {
        intervention::evidence(&self.pool, la).await
    }

    async fn set_calendar_feed(
        &self,
        account_id: i64,
        token_hash: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        accounts::set_calendar_feed(&self.pool, account_id, token_hash, at).await
    }

    async fn calendar_feed_account(&self, token_hash: &str) -> Result<Option<stride_core::Account>, StoreError> {
        accounts::calendar_feed_account(&self.pool, token_hash).await
    }

    async fn create_api_token(
        &self,
        account_id: i64,
        token_hash: &str,
        label: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        accounts::create_api_token(&self.pool, account_id, token_hash, label, at).await
    }

    async fn api_token_account(&self, token_hash: &str) -> Result<Option<stride_core::Account>, StoreError> {
        accounts::api_token_account(&self.pool, token_hash).await
    }

    async fn revoke_api_tokens(&self, account_id: i64) -> Result<u64, StoreError> {
        accounts::revoke_api_tokens(&self.pool, account_id).await
    }

    async fn sign_in_from_provider(&self, subject: &str, account: &crate::NewAccount) -> Result<i64, StoreError> {
        accounts::sign_in_from_provider(&self.pool, subject, account).await
    }

    async fn start_sign_in_flow(&self, flow: &crate::SignInFlow) -> Result<(), StoreError> {
        accounts::start_sign_in_flow(&self.pool, flow).await
    }

    async fn take_sign_in_flow(
        &self,
        token_hash: &str,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<crate::SignInFlow>, StoreError> {
        accounts::take_sign_in_flow(&self.pool, token_hash, since).await
    }

    async fn keep_clock_rules(&self, kept: &stride_core::intervention::KeptClockRules) -> Result<(), StoreError> {
        intervention::keep_clock_rules(&self.pool, kept).await
    }

    async fn kept_clock_rules(&self) -> Result<Vec<stride_core::intervention::KeptClockRules>, StoreError> {
        intervention::kept_clock_rules(&self.pool).await
    }

    async fn school_terms(
        &self,
    ) -> Result<std::collections::BTreeMap<stride_core::AcademicYear, Vec<stride_core::calendar::Term>>, StoreError>
    {
        intervention::school_terms(&self.pool).await
    }

    async fn set_school_terms(
        &self,
        year: stride_core::AcademicYear,
        terms: &[stride_core::calendar::Term],
        by: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        intervention::set_school_terms(&self.pool, year, terms, by, at).await
    }

    async fn cases(&self, la: Option<stride_core::LaCode>) -> Result<Vec<stride_core::intervention::Case>, StoreError> {
        intervention::cases(&self.pool, la).await
    }

    async fn open_case(
        &self,
        school: stride_core::Urn,
        first: &stride_core::intervention::LadderStep,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<stride_core::intervention::CaseOpening, StoreError> {
        intervention::open_case(&self.pool, school, first, at).await
    }

    async fn change_case(
        &self,
        case_id: i64,
        seen_revision: i64,
        change: &stride_core::intervention::CaseChange,
        by: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<stride_core::intervention::CaseSaved, StoreError> {
        intervention::change_case(&self.pool, case_id, seen_revision, change, by, at).await
    }

    async fn attach_document(
        &self,
        document: &stride_core::intervention::Document,
        bytes: &[u8],
    ) -> Result<i64, StoreError> {
        intervention::attach_document(&self.pool, document, bytes).await
    }

    async fn documents(
        &self,
        school: stride_core::Urn,
    ) -> Result<Vec<stride_core::intervention::Document>, StoreError> {
        intervention::documents(&self.pool, school).await
    }

    async fn document_bytes(
        &self,
        school: stride_core::Urn,
        id: i64,
    ) -> Result<Option<(stride_core::intervention::Document, Vec<u8>)>, StoreError> {
        intervention::document_bytes(&self.pool, school, id).await
    }

    async fn support(&self, case_id: i64) -> Result<Vec<stride_core::intervention::Support>, StoreError> {
        support::of_case(&self.pool, case_id).await
    }

    async fn la_comparators(
        &self,
        la: Option<stride_core::LaCode>,
    ) -> Result<Vec<stride_core::ComparatorFigure>, StoreError> {
        categorisation::la_comparators(&self.pool, la).await
    }

    async fn every_la_figures(&self) -> Result<Vec<(stride_core::LaCode, stride_core::ComparatorFigure)>, StoreError> {
        read::every_la_figures(&self.pool).await
    }

    async fn action_plans(&self) -> Result<Vec<stride_core::action_plan::ActionPlan>, StoreError> {
        action_plans::action_plans(&self.pool).await
    }

    async fn change_action_plan(
        &self,
        change: &stride_core::action_plan::PlanChange,
        by: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<i64>, StoreError> {
        action_plans::change_action_plan(&self.pool, change, by, at).await
    }

    async fn providers(&self) -> Result<Vec<stride_core::support::Provider>, StoreError> {
        support::providers(&self.pool).await
    }

    async fn save_provider(
        &self,
        id: Option<i64>,
        entry: &stride_core::support::ProviderEntry,
        by: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<i64>, StoreError> {
        support::save_provider(&self.pool, id, entry, by, at).await
    }

    async fn provider_changes(
        &self,
        id: i64,
    ) -> Result<Vec<(String, chrono::DateTime<chrono::Utc>, String)>, StoreError> {
        support::provider_changes(&self.pool, id).await
    }

    async fn plan(&self, case_id: i64) -> Result<Vec<stride_core::intervention::PlanPriority>, StoreError> {
        intervention::plan(&self.pool, case_id).await
    }

    async fn case_history(
        &self,
        case_id: i64,
        after: i64,
    ) -> Result<Vec<stride_core::intervention::HistoryEntry>, StoreError> {
        intervention::history_since(&self.pool, case_id, after).await
    }

    async fn record_activity(&self, activity: &stride_core::intervention::Activity) -> Result<i64, StoreError> {
        intervention::record_activity(&self.pool, activity).await
    }

    async fn activities(
        &self,
        la: Option<stride_core::LaCode>,
    ) -> Result<Vec<stride_core::intervention::Activity>, StoreError> {
        intervention::activities(&self.pool, la).await
    }

    async fn intelligence_of(
        &self,
        school: stride_core::VisibleSchool,
    ) -> Result<Vec<stride_core::IntelligenceItem>, StoreError> {
        read::intelligence(&self.pool, school.urn()).await
    }

    async fn record_intelligence(&self, item: &stride_core::IntelligenceItem) -> Result<(), StoreError> {
        categorisation::record_intelligence(&self.pool, item).await
    }

    async fn import(
        &self,
        file: &stride_core::import::ImportedFile,
        content: &stride_core::import::ImportContent,
        dry_run: bool,
    ) -> Result<stride_core::import::ImportSummary, StoreError> {
        import::import(&self.pool, file, content, dry_run).await
    }

    async fn import_batch(
        &self,
        files: &mut tokio::sync::mpsc::Receiver<crate::BatchFile>,
        dry_run: bool,
        told: crate::BatchTold<'_>,
    ) -> Result<Vec<stride_core::import::ImportSummary>, StoreError> {
        import::import_batch(&self.pool, files, dry_run, told).await
    }
}
