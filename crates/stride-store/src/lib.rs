//! Stride's storage: one [`Store`] trait that the web and the command line use, implemented
//! once over SQL (`relational`) and compiled for SQLite, the embedded default, and for
//! PostgreSQL, the server option.
//!
//! Invariants: no business rule lives here (the core decides what a figure means and who may
//! see it); every write of many rows is one transaction, so it happens whole or not at all.

pub mod copy_across;
mod error;
mod postgres;
pub mod pupils;
mod reports;
pub mod scratch;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use stride_core::school_list::SchoolListRow;
use stride_core::school_profile::SchoolProfile;
use stride_core::{
    Account, Dataset, Inspection, LocalAuthority, Locality, Measure, PupilGroup, Role, SchoolFigure, Urn, VisibleSchool,
};

pub use error::StoreError;
pub use postgres::{PostgresStore, without_password};
pub use reports::{
    ProfileData, ReportData, profile_data, report_data, school_profile_data, scoped_intervention_evidence,
};
pub use sqlite::SqliteStore;
pub use sqlite::backup::check_copy;

/// Which pupils to read.
#[derive(Debug, Clone, Copy)]
pub enum PupilFilter<'a> {
    All,
    Id(i64),
    /// On roll at a school: their latest return is from it.
    AtSchool(Urn),
    OnCaseload(i64),
    Ids(&'a [i64]),
    /// A UPN exactly, or the start of a surname or of a forename and surname.
    Named(&'a str),
}

/// What an administrator searches the audit log for; each part left out matches every entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditSearch {
    pub account_id: Option<i64>,
    pub action: Option<stride_core::pupils::AuditAction>,
    pub pupil_id: Option<i64>,
    /// The first and last days, both included.
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

/// Whose register marks to read.
#[derive(Debug, Clone, Copy)]
pub enum MarksOf {
    Everyone,
    Pupil(i64),
    /// Every pupil's marks at a school.
    School(Urn),
}

/// An account to create, with its password already hashed by the caller.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    /// An adviser's assigned schools, or a headteacher's own school.
    pub schools: Vec<Urn>,
}

#[derive(Debug, Clone)]
pub struct Credentials {
    pub account_id: i64,
    pub password_hash: String,
}

/// A sign-in at the identity provider: what it must come back with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInFlow {
    pub token_hash: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub account_id: Option<i64>,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The account whose code this session waits for, between a right password and the code.
    pub awaiting_account_id: Option<i64>,
    /// The authenticator key offered to this session's account, until a code confirms it.
    pub offered_secret: Option<String>,
}

/// An account's authenticator key and the step of the last code taken from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondFactor {
    pub secret: String,
    pub last_step: Option<i64>,
}

#[async_trait]
pub trait Store: Send + Sync {
    async fn establishment_count(&self) -> Result<u64, StoreError>;

    /// Writes a whole local authority's data, and the accounts that work on it, in one
    /// transaction: either all of it is there afterwards or none of it.
    async fn write_dataset(&self, dataset: &Dataset, accounts: &[NewAccount]) -> Result<(), StoreError>;

    /// The files imported, newest first, at most `limit`.
    async fn imports(&self, limit: u32) -> Result<Vec<stride_core::import::ImportRecord>, StoreError>;

    /// Makes an LA Stride knows of the deployment's own: its schools are the ones it works
    /// with, the rest reference data. None if the code is of no LA Stride knows.
    async fn set_local_authority(&self, la: stride_core::LaCode) -> Result<Option<LocalAuthority>, StoreError>;

    async fn local_authority(&self) -> Result<Option<LocalAuthority>, StoreError>;

    async fn localities(&self) -> Result<Vec<Locality>, StoreError>;

    /// Every establishment as a list row, with its latest pupils on roll; the latest inspection
    /// and headline figures are attached by the core from the two calls that follow.
    /// With an LA, only its establishments.
    async fn school_list_rows(&self, la: Option<stride_core::LaCode>) -> Result<Vec<SchoolListRow>, StoreError>;

    /// Each establishment's latest graded inspection.
    async fn latest_full_inspections(&self) -> Result<Vec<Inspection>, StoreError>;

    /// Every inspection held of a URN, newest first, whether or not Stride holds the school.
    async fn inspections_of(&self, urn: stride_core::Urn) -> Result<Vec<Inspection>, StoreError>;

    /// The figures of these measures for one pupil group, for every establishment and year.
    async fn figures_for_all_schools(
        &self,
        measures: &[Measure],
        group: PupilGroup,
    ) -> Result<Vec<SchoolFigure>, StoreError>;

    /// What categorising the schools of an LA (or every school held) reads: their figures of
    /// the measures and groups wanted, their comparators (England's alone for every LA's
    /// schools), inspections and intelligence, and every school's figures of the measures
    /// compared nationally.
    async fn categorisation_evidence(
        &self,
        la: Option<stride_core::LaCode>,
        wanted: &stride_core::categorisation::EvidenceWanted,
    ) -> Result<stride_core::categorisation::CategorisationEvidence, StoreError>;

    /// The comparators of an LA's schools (the LA, its statistical neighbours, its region and
    /// England), every measure, phase, pupil group and year held; England's alone where no LA
    /// is given.
    async fn la_comparators(
        &self,
        la: Option<stride_core::LaCode>,
    ) -> Result<Vec<stride_core::ComparatorFigure>, StoreError>;

    /// Every LA's own figures (all schools), each with its LA: what quartile bands and ranks
    /// among LAs are made from.
    async fn every_la_figures(&self) -> Result<Vec<(stride_core::LaCode, stride_core::ComparatorFigure)>, StoreError>;

    /// Every figure held of these schools, every measure, group, year and release: for
    /// aggregates of a few schools (a school's similar schools), never shown school by school
    /// to a reader who may not see them.
    async fn figures_of_schools(&self, urns: &[stride_core::Urn]) -> Result<Vec<SchoolFigure>, StoreError>;

    /// The intelligence recorded about the schools [`categorisation_evidence`] reads, newest
    /// first: the part of the evidence that people change through Stride rather than by import.
    ///
    /// [`categorisation_evidence`]: Store::categorisation_evidence
    async fn categorisation_intelligence(
        &self,
        la: Option<stride_core::LaCode>,
    ) -> Result<Vec<stride_core::IntelligenceItem>, StoreError>;

    /// A number that changes whenever files are imported: what is derived from figures,
    /// establishments and inspections (national quartiles, the evidence of categorisation
    /// but its intelligence) can be kept until it does.
    async fn figures_version(&self) -> Result<i64, StoreError>;

    /// Saves a categorisation run with every school's result, whole or not at all.
    async fn save_categorisation(&self, run: &stride_core::categorisation::NewRun<'_>) -> Result<i64, StoreError>;

    /// The saved runs, newest first.
    async fn categorisation_runs(&self) -> Result<Vec<stride_core::categorisation::CategorisationRun>, StoreError>;

    /// Every school's level in a saved run.
    async fn saved_levels(&self, run_id: i64) -> Result<Vec<stride_core::categorisation::SavedLevel>, StoreError>;

    /// Records a level set by professional judgement; earlier ones are kept.
    async fn record_level_override(
        &self,
        chosen: &stride_core::categorisation::LevelOverride,
    ) -> Result<(), StoreError>;

    /// Every level set by judgement under a rule set, oldest first.
    async fn level_overrides(
        &self,
        rule_set: &str,
    ) -> Result<Vec<stride_core::categorisation::LevelOverride>, StoreError>;

    /// Each school's level in the latest run kept under a rule set, with that run; none if no
    /// run was kept under it.
    async fn latest_run_levels(
        &self,
        rule_set: &str,
    ) -> Result<
        Option<(
            stride_core::categorisation::CategorisationRun,
            std::collections::HashMap<Urn, String>,
        )>,
        StoreError,
    > {
        let runs = self.categorisation_runs().await?;
        let Some(latest) = runs.into_iter().find(|run| run.rule_set == rule_set) else {
            return Ok(None);
        };
        let levels = self
            .saved_levels(latest.id)
            .await?
            .into_iter()
            .map(|saved| (saved.urn, saved.level))
            .collect();
        Ok(Some((latest, levels)))
    }

    /// Keeps a version of the LA's own rule set, as written; a version kept before is refused.
    async fn keep_rule_set(&self, kept: &stride_core::categorisation::KeptRuleSet) -> Result<(), StoreError>;

    /// Every version of every rule set the LA kept, newest first.
    async fn kept_rule_sets(&self) -> Result<Vec<stride_core::categorisation::KeptRuleSet>, StoreError>;

    /// What the clocks read for the LA's schools (or every school held): schools, inspections,
    /// cases, activities (the LA's own too) and each school's advisers.
    async fn intervention_evidence(
        &self,
        la: Option<stride_core::LaCode>,
    ) -> Result<stride_core::intervention::InterventionEvidence, StoreError>;

    /// Gives the account a new calendar feed, held by its token's hash, replacing any before.
    async fn set_calendar_feed(&self, account_id: i64, token_hash: &str, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// The account whose calendar feed a token's hash is.
    async fn calendar_feed_account(&self, token_hash: &str) -> Result<Option<Account>, StoreError>;

    /// Keeps an API token's hash for an account, with a label saying what it is for.
    async fn create_api_token(
        &self,
        account_id: i64,
        token_hash: &str,
        label: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The account an API token's hash belongs to, if any.
    async fn api_token_account(&self, token_hash: &str) -> Result<Option<Account>, StoreError>;

    /// Withdraws every API token of an account; how many there were.
    async fn revoke_api_tokens(&self, account_id: i64) -> Result<u64, StoreError>;

    /// The account of someone the identity provider vouches for, by its issuer and subject:
    /// made at their first sign-in, and given the role and name the provider says at each.
    /// Refused where the username is another account's already.
    async fn sign_in_from_provider(&self, subject: &str, account: &NewAccount) -> Result<i64, StoreError>;

    /// Keeps a sign-in sent to the identity provider until it comes back.
    async fn start_sign_in_flow(&self, flow: &SignInFlow) -> Result<(), StoreError>;

    /// Takes a sign-in back from the identity provider, once: none if it is unknown, taken
    /// already, or older than `since`.
    async fn take_sign_in_flow(&self, token_hash: &str, since: DateTime<Utc>)
    -> Result<Option<SignInFlow>, StoreError>;

    /// Keeps a version of the LA's clock rules as written; a version kept before is refused.
    async fn keep_clock_rules(&self, kept: &stride_core::intervention::KeptClockRules) -> Result<(), StoreError>;

    /// Every version of the clock rules kept, newest first.
    async fn kept_clock_rules(&self) -> Result<Vec<stride_core::intervention::KeptClockRules>, StoreError>;

    /// The terms the LA entered, by academic year.
    async fn school_terms(
        &self,
    ) -> Result<std::collections::BTreeMap<stride_core::AcademicYear, Vec<stride_core::calendar::Term>>, StoreError>;

    /// Enters an academic year's terms in place of those entered before.
    async fn set_school_terms(
        &self,
        year: stride_core::AcademicYear,
        terms: &[stride_core::calendar::Term],
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The clock rules in force (the latest kept, else those shipped) with their text, and the
    /// LA's calendar with the terms it entered.
    async fn cycle(
        &self,
    ) -> Result<
        (
            stride_core::intervention::ClockRules,
            String,
            stride_core::calendar::Calendar,
        ),
        StoreError,
    > {
        let kept = self.kept_clock_rules().await?;
        let (rules, text) =
            stride_core::intervention::ClockRules::in_force(&kept).map_err(|error| StoreError::Unreadable {
                table: "kept_clock_rules",
                column: "rule_text",
                detail: error.to_string(),
            })?;
        let calendar = stride_core::calendar::Calendar::new(self.school_terms().await?, Default::default());
        Ok((rules, text, calendar))
    }

    /// Every case of the LA's schools (or of every school held), with its steps.
    async fn cases(&self, la: Option<stride_core::LaCode>) -> Result<Vec<stride_core::intervention::Case>, StoreError>;

    /// Opens a case for a school with its first step on the ladder, unless it has one open.
    async fn open_case(
        &self,
        school: Urn,
        first: &stride_core::intervention::LadderStep,
        at: DateTime<Utc>,
    ) -> Result<stride_core::intervention::CaseOpening, StoreError>;

    /// Saves a change to a case if no one has changed it since `seen_revision`; otherwise
    /// saves nothing and gives the changes made since.
    async fn change_case(
        &self,
        case_id: i64,
        seen_revision: i64,
        change: &stride_core::intervention::CaseChange,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<stride_core::intervention::CaseSaved, StoreError>;

    /// Attaches a document to a school's record, as uploaded; its id is given.
    async fn attach_document(
        &self,
        document: &stride_core::intervention::Document,
        bytes: &[u8],
    ) -> Result<i64, StoreError>;

    /// The documents attached to a school's record, newest first, without their bytes.
    async fn documents(&self, school: Urn) -> Result<Vec<stride_core::intervention::Document>, StoreError>;

    /// One of a school's documents with its bytes.
    async fn document_bytes(
        &self,
        school: Urn,
        id: i64,
    ) -> Result<Option<(stride_core::intervention::Document, Vec<u8>)>, StoreError>;

    /// The support commissioned for a case: adviser days, brokered providers, leaders of
    /// education, with the days allocated and used.
    async fn support(&self, case_id: i64) -> Result<Vec<stride_core::intervention::Support>, StoreError>;

    /// The directory of providers, by name.
    async fn providers(&self) -> Result<Vec<stride_core::support::Provider>, StoreError>;

    /// Adds a provider to the directory (no id) or changes one, keeping the change in its
    /// history; the provider's id, or none where the one to change is not held.
    async fn save_provider(
        &self,
        id: Option<i64>,
        entry: &stride_core::support::ProviderEntry,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError>;

    /// A provider's history, newest first: who changed the entry, when, and what it became.
    async fn provider_changes(&self, id: i64) -> Result<Vec<(String, DateTime<Utc>, String)>, StoreError>;

    /// Every strategy action plan held, with its actions, tasks and each task's updates.
    async fn action_plans(&self) -> Result<Vec<stride_core::action_plan::ActionPlan>, StoreError>;

    /// Makes one change to the plans, whole: the id of what it made or changed, or none where
    /// what it names is not held.
    async fn change_action_plan(
        &self,
        change: &stride_core::action_plan::PlanChange,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError>;

    /// A case's plan: its priorities, each with its actions and the impact recorded against it.
    async fn plan(&self, case_id: i64) -> Result<Vec<stride_core::intervention::PlanPriority>, StoreError>;

    /// A case's history after a revision (0 for all of it), oldest first.
    async fn case_history(
        &self,
        case_id: i64,
        after: i64,
    ) -> Result<Vec<stride_core::intervention::HistoryEntry>, StoreError>;

    /// Records a visit, meeting, statement or review; its id is given.
    async fn record_activity(&self, activity: &stride_core::intervention::Activity) -> Result<i64, StoreError>;

    /// The activities of the LA's schools (or every school's) and the LA's own, oldest first.
    async fn activities(
        &self,
        la: Option<stride_core::LaCode>,
    ) -> Result<Vec<stride_core::intervention::Activity>, StoreError>;

    /// Records an item of intelligence about a school, such as a self-nomination.
    async fn record_intelligence(&self, item: &stride_core::IntelligenceItem) -> Result<(), StoreError>;

    /// One school's record, with the figures of its comparators for its phase.
    async fn school_profile(&self, school: VisibleSchool, years: usize) -> Result<Option<SchoolProfile>, StoreError>;

    /// The intelligence recorded about one school, newest first: the part of its record that
    /// changes between imports.
    async fn intelligence_of(&self, school: VisibleSchool) -> Result<Vec<stride_core::IntelligenceItem>, StoreError>;

    async fn create_account(&self, account: &NewAccount) -> Result<i64, StoreError>;

    async fn credentials(&self, username: &str) -> Result<Option<Credentials>, StoreError>;

    async fn account(&self, account_id: i64) -> Result<Option<Account>, StoreError>;

    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError>;

    async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError>;

    async fn touch_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<(), StoreError>;

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

    /// Gives an account a new password hash and ends every session it has, in one transaction.
    async fn set_password(&self, account_id: i64, password_hash: &str) -> Result<(), StoreError>;

    /// Keeps (or, with none, forgets) the authenticator key offered to a session's account.
    async fn offer_secret(&self, token_hash: &str, secret: Option<&str>) -> Result<(), StoreError>;

    /// The account's authenticator key, if it has one.
    async fn second_factor(&self, account_id: i64) -> Result<Option<SecondFactor>, StoreError>;

    /// Gives the account its authenticator key, confirmed by the code of `step`.
    async fn enrol_second_factor(&self, account_id: i64, secret: &str, step: i64) -> Result<(), StoreError>;

    /// Takes the account's authenticator key away, and ends its sessions.
    async fn remove_second_factor(&self, account_id: i64) -> Result<(), StoreError>;

    /// Takes the code of `step` for the account, if no code of that step or later has been
    /// taken: false when it was, so that two requests racing with one code cannot both pass.
    async fn take_second_factor_step(&self, account_id: i64, step: i64) -> Result<bool, StoreError>;

    /// Writes a consistent copy of the whole database to a new file, while it goes on serving.
    async fn backup_to(&self, to: &std::path::Path) -> Result<(), StoreError>;

    /// Notes a wrong password for a username (by its hash), and forgets those of the day before.
    async fn record_sign_in_failure(&self, username_hash: &str, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// When the wrong passwords for a username (by its hash) since a time were given.
    async fn sign_in_failures(
        &self,
        username_hash: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, StoreError>;

    /// Forgets a username's wrong passwords, once it has signed in.
    async fn clear_sign_in_failures(&self, username_hash: &str) -> Result<(), StoreError>;

    /// Every LAIT indicator and Explore Education Statistics figure held, or one data set's, or
    /// one subject's (an LA code, a region's name, a school's URN or DfE number as `935/4604`).
    async fn held_statistics(
        &self,
        data_set: Option<&str>,
        code: Option<&str>,
    ) -> Result<Vec<stride_core::held_statistics::HeldStatistic>, StoreError>;

    /// Pupils with every census return held, by surname; only through [`pupils::read_pupils`],
    /// which keeps to the reader's scope and writes the audit log.
    async fn pupils(&self, filter: PupilFilter<'_>) -> Result<Vec<stride_core::pupils::Pupil>, StoreError>;

    /// Each pupil's return standing on a day, without who they are: (pupil, school, year group,
    /// characteristics with disadvantaged worked out), for counting.
    async fn pupil_characteristics(
        &self,
        on: chrono::NaiveDate,
    ) -> Result<Vec<stride_core::pupils::overlap::CountedPupil>, StoreError>;

    /// Every episode as it stands, or one pupil's.
    async fn episodes(&self, pupil: Option<i64>) -> Result<Vec<stride_core::pupils::episodes::Episode>, StoreError>;

    /// Records a new episode of a pupil's, or a new version of one of theirs of the same kind:
    /// its id, or none where the episode named is not theirs or not of that kind.
    async fn record_episode(
        &self,
        pupil_id: i64,
        episode_id: Option<i64>,
        kind: &stride_core::pupils::episodes::EpisodeKind,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError>;

    /// Every caseload: (pupil, officer) pairs.
    async fn caseloads(&self) -> Result<Vec<(i64, i64)>, StoreError>;

    /// Puts pupils (by UPN) on officers' caseloads from a day.
    async fn assign_caseloads(
        &self,
        assignments: &[(stride_core::pupils::Upn, i64)],
        since: chrono::NaiveDate,
    ) -> Result<(), StoreError>;

    /// Puts a pupil on an officer's caseload from a day, or (with none) takes them off it.
    async fn set_caseload(
        &self,
        pupil_id: i64,
        account_id: i64,
        since: Option<chrono::NaiveDate>,
    ) -> Result<(), StoreError>;

    /// Pupils' marks of a year at each school: (pupil, school, marks).
    async fn attendance_marks(
        &self,
        year: stride_core::AcademicYear,
        of: MarksOf,
    ) -> Result<Vec<(i64, Urn, stride_core::pupils::YearOfMarks)>, StoreError>;

    /// Pupils' termly attendance totals at each school: (pupil, school, term, sessions).
    async fn attendance_summaries(
        &self,
        of: MarksOf,
    ) -> Result<
        Vec<(
            i64,
            Urn,
            stride_core::pupils::TermOfYear,
            stride_core::pupils::SessionCounts,
        )>,
        StoreError,
    >;

    /// Appends to the audit log.
    async fn record_audit(&self, entries: &[stride_core::pupils::AuditEntry]) -> Result<(), StoreError>;

    /// The audit log, newest first; of one pupil where one is named.
    async fn audit_log(
        &self,
        pupil: Option<i64>,
        limit: u32,
    ) -> Result<Vec<stride_core::pupils::AuditEntry>, StoreError>;

    /// Every entry of the audit log with its seal, oldest first, for checking the chain.
    async fn audit_chain(&self) -> Result<Vec<stride_core::pupils::SealedEntry>, StoreError>;

    /// The audit entries an administrator searches for, newest first, with their numbers.
    async fn audit_search(
        &self,
        search: &AuditSearch,
        limit: u32,
    ) -> Result<Vec<(i64, stride_core::pupils::AuditEntry)>, StoreError>;

    /// Every figure held, for schools and areas, with the file each came from; or one school's.
    /// With `history`, the values that later files of the same release replaced as well.
    async fn held_figures(
        &self,
        urn: Option<Urn>,
        history: bool,
    ) -> Result<Vec<stride_core::held_figures::HeldFigure>, StoreError>;

    /// Writes the records of an imported file in one transaction, or, for a dry run, works out
    /// what it would write and writes nothing.
    async fn import(
        &self,
        file: &stride_core::import::ImportedFile,
        content: &stride_core::import::ImportContent,
        dry_run: bool,
    ) -> Result<stride_core::import::ImportSummary, StoreError>;

    /// Writes a batch of files in one transaction, each as soon as the reader hands it on (so
    /// that writing the first overlaps reading the last), whole or not at all: a
    /// [`BatchFile::Refused`] ends the batch with nothing written. A dry run writes nothing.
    async fn import_batch(
        &self,
        files: &mut tokio::sync::mpsc::Receiver<BatchFile>,
        dry_run: bool,
        told: BatchTold<'_>,
    ) -> Result<Vec<stride_core::import::ImportSummary>, StoreError>;
}

/// Told how many of a file's records a batch's import has written, and of how many.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Send + Sync);

/// A file of a batch, as its reader hands it on to be written.
#[derive(Debug)]
pub enum BatchFile {
    Read(
        Box<stride_core::import::ImportedFile>,
        Box<stride_core::import::ImportContent>,
    ),
    /// The reader refused a file: nothing of the batch is to be written.
    Refused,
}

/// Told of a batch's writing as it goes.
pub type BatchTold<'a> = &'a (dyn Fn(BatchWriting<'_>) + Send + Sync);

#[derive(Debug, Clone, Copy)]
pub enum BatchWriting<'a> {
    Started {
        file: &'a stride_core::import::ImportedFile,
    },
    /// Of the file being written, how many records so far, and of how many.
    Records { written: usize, of: usize },
    Written {
        file: &'a stride_core::import::ImportedFile,
        summary: &'a stride_core::import::ImportSummary,
    },
}

/// Opens the database a `--db` argument names: a `postgres://` URL for PostgreSQL, or a file
/// path (or `sqlite:` URL) for SQLite.
pub async fn open(location: &str) -> Result<Arc<dyn Store>, StoreError> {
    if is_postgres(location) {
        return Ok(Arc::new(PostgresStore::open(location).await?));
    }
    let path = location
        .strip_prefix("sqlite://")
        .or_else(|| location.strip_prefix("sqlite:"))
        .unwrap_or(location);
    Ok(Arc::new(SqliteStore::open(path).await?))
}

/// Whether a `--db` argument names a PostgreSQL database.
pub fn is_postgres(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}
