//! Stride's web interface: server-rendered pages in the GOV.UK Design System, sign-in with
//! server-side sessions, and the authorisation every request passes through.
//!
//! Invariants: every page that shows a school is reached through
//! [`stride_core::Account::visible_school`]; no figure is computed here that the core could
//! compute; no personal data is written to the log or put in a URL; pages work without
//! JavaScript.

pub mod access;
pub mod api;
mod assets;
pub mod auth;
mod error;
#[cfg(test)]
mod fixtures;
mod headers;
mod pages;
pub mod recent;
pub mod second_factor;
mod session;
pub mod single_sign_on;
mod view;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use stride_store::Store;
use tokio::net::TcpListener;

pub use error::WebError;

#[derive(Debug, Clone)]
pub struct Config {
    /// Mark the session cookie Secure: set when Stride is served over HTTPS.
    pub secure_cookies: bool,
    /// The day to treat as today, for a demonstration of a fixed moment and for tests; none
    /// for the real date.
    pub today: Option<chrono::NaiveDate>,
    /// Counts of pupils under this are withheld from readers without pupil access, with any
    /// count that would give one away: the LA's own rule, three (as seed 003's) unless it sets
    /// another.
    pub suppress_below: u64,
    /// The LA's identity provider, where its staff sign in with single sign-on.
    pub single_sign_on: Option<single_sign_on::SingleSignOn>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            secure_cookies: false,
            today: None,
            suppress_below: stride_core::suppression::DEFAULT_THRESHOLD,
            single_sign_on: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    /// The uploads this server is running or has run.
    pub imports: Arc<pages::imports::ImportJobs>,
    /// What categorisation reads that changes only by an import (national quartiles, the LA's
    /// figures, comparators and inspections), kept with the figures version it was made from.
    pub categorisation: Arc<pages::categorisation::KeptEvidence>,
    /// The batches of school data profiles this server is making or has made.
    pub profile_batches: Arc<pages::profiles::ProfileBatches>,
    /// Every pupil's characteristics on a day, for counting: they change only by an import.
    pub counted_pupils:
        Arc<pages::categorisation::KeptUntilImport<chrono::NaiveDate, Vec<stride_core::pupils::overlap::CountedPupil>>>,
    /// Schools' records as their pages read them, by school and the deployment's LA, but for
    /// intelligence, which is read afresh: the rest changes only by an import.
    pub school_profiles: Arc<
        pages::categorisation::KeptUntilImport<
            (stride_core::Urn, Option<stride_core::LaCode>),
            stride_core::school_profile::SchoolProfile,
        >,
    >,
    /// The figures section of schools' pages, by school, the deployment's LA and pupil group,
    /// made once: it is the same for every reader.
    pub school_figures: Arc<pages::categorisation::KeptUntilImport<SchoolFiguresKey, String>>,
    /// The schools list's rows with their inspections and headline figures, by the LA listed
    /// (none for every LA held).
    pub school_lists:
        Arc<pages::categorisation::KeptUntilImport<Option<stride_core::LaCode>, pages::schools::ListedSchools>>,
    /// Every pupil's sessions term by term to a day, for counting.
    pub counted_terms: Arc<pages::categorisation::KeptUntilImport<chrono::NaiveDate, Vec<CountedTerm>>>,
    /// Sessions' accounts and the figures version, kept for a moment and until a change.
    pub recent: Arc<recent::Recent>,
}

/// A school's figures section: by school, the deployment's LA and pupil group.
pub type SchoolFiguresKey = (stride_core::Urn, Option<stride_core::LaCode>, stride_core::PupilGroup);

/// A pupil's sessions at a school in a term, with their characteristics then, for counting.
#[derive(Debug, Clone)]
pub struct CountedTerm {
    pub pupil_id: i64,
    pub urn: stride_core::Urn,
    pub term: stride_core::pupils::TermOfYear,
    pub counts: stride_core::pupils::SessionCounts,
    pub characteristics: Vec<stride_core::pupils::Characteristic>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: Config) -> AppState {
        AppState {
            store,
            config: Arc::new(config),
            imports: pages::imports::jobs(),
            categorisation: Arc::default(),
            profile_batches: pages::profiles::batches(),
            counted_pupils: Arc::default(),
            school_profiles: Arc::default(),
            school_figures: Arc::default(),
            school_lists: Arc::default(),
            counted_terms: Arc::default(),
            recent: Arc::default(),
        }
    }

    /// The figures version and the deployment's LA, as read a moment ago if nothing has
    /// changed since.
    pub async fn imported(&self) -> Result<recent::Imported, WebError> {
        if let Some(imported) = self.recent.imported() {
            return Ok(imported);
        }
        let changes = self.recent.changes();
        let imported = recent::Imported {
            figures_version: self.store.figures_version().await?,
            local_authority: self.store.local_authority().await?,
        };
        self.recent.keep_imported(imported.clone(), changes);
        Ok(imported)
    }

    /// Today, as this server counts days and deadlines.
    pub fn today(&self) -> chrono::NaiveDate {
        self.config.today.unwrap_or_else(|| chrono::Utc::now().date_naive())
    }

    /// Now, on this server's today: the time a change is stamped with, so that a server set to
    /// a day (a demonstration, a test) dates what is done on it to that day.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        let now = chrono::Utc::now();
        match self.config.today {
            Some(today) => today.and_time(now.time()).and_utc(),
            None => now,
        }
    }
}

/// The largest upload: the biggest DfE files Stride reads (an EES zip of 40 MB unpacked) with room.
const MAXIMUM_UPLOAD: usize = 256 * 1024 * 1024;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/sign-in", get(pages::sign_in::form).post(pages::sign_in::submit))
        .route(
            "/sign-in/code",
            get(pages::sign_in::code_form).post(pages::sign_in::submit_code),
        )
        .route("/sign-in/single-sign-on", get(pages::single_sign_on::start))
        .route("/sign-in/single-sign-on/return", get(pages::single_sign_on::finish))
        .route("/sign-out", post(pages::sign_in::sign_out))
        .route("/account", get(pages::account::show))
        .route("/account/password", post(pages::account::change_password))
        .route(
            "/account/two-factor",
            get(pages::account::two_factor).post(pages::account::confirm_two_factor),
        )
        .route("/categorisation", get(pages::categorisation::list))
        .route("/categorisation.csv", get(pages::categorisation::download_csv))
        .route("/categorisation.xlsx", get(pages::categorisation::download_xlsx))
        .route("/categorisation/runs", post(pages::categorisation::save))
        .route("/categorisation/history", get(pages::categorisation::history))
        .route(
            "/categorisation/what-if",
            get(pages::categorisation::what_if_form).post(pages::categorisation::what_if),
        )
        .route("/categorisation/rules/{name}", get(pages::categorisation::rules))
        .route("/categorisation/rule-sets", post(pages::categorisation::keep_rule_set))
        .route("/categorisation/{urn}", get(pages::categorisation::school))
        .route("/categorisation/{urn}/level", post(pages::categorisation::set_level))
        .route(
            "/categorisation/{urn}/self-nomination",
            post(pages::categorisation::self_nominate),
        )
        .route("/my-work", get(pages::intervention::my_work))
        .route("/my-work.csv", get(pages::intervention::download_csv))
        .route("/my-work.xlsx", get(pages::intervention::download_xlsx))
        .route("/register", get(pages::intervention::register))
        .route("/my-work/calendar-feed", post(pages::intervention::new_feed))
        .route("/cycle/summary", get(pages::intervention::summary))
        .route("/cycle/calendar", get(pages::intervention::calendar))
        .route("/calendar/{file}", get(pages::intervention::feed))
        .route(
            "/cycle/clocks",
            get(pages::intervention::clocks).post(pages::intervention::keep_clocks),
        )
        .route(
            "/cycle/terms",
            get(pages::intervention::terms).post(pages::intervention::set_terms),
        )
        .route("/schools/{urn}/record", get(pages::intervention::record))
        .route(
            "/schools/{urn}/record/activities",
            post(pages::intervention::record_activity),
        )
        .route("/schools/{urn}/record/case", post(pages::intervention::open_case))
        .route("/schools/{urn}/record/steps", post(pages::intervention::take_step))
        .route("/schools/{urn}/record/plan", post(pages::intervention::agree_plan))
        .route(
            "/schools/{urn}/record/plan/changes",
            post(pages::intervention::change_plan),
        )
        .route(
            "/schools/{urn}/record/documents",
            post(pages::intervention::attach_document).layer(axum::extract::DefaultBodyLimit::max(
                pages::intervention::LARGEST_DOCUMENT + 64 * 1024,
            )),
        )
        .route(
            "/schools/{urn}/record/documents/{id}",
            get(pages::intervention::download_document),
        )
        .route("/schools/{urn}/record/find-support", get(pages::support::find_support))
        .route("/reports", get(pages::reports::list))
        .route("/reports/{file}", get(pages::reports::show))
        .route("/reports/school-data-profile/batches", post(pages::profiles::start))
        .route(
            "/reports/school-data-profile/batches/{file}",
            get(pages::profiles::batch),
        )
        .route("/schools/{urn}/data-profile", get(pages::profiles::page))
        .route("/schools/{urn}/data-profile.pdf", get(pages::profiles::pdf))
        .route("/schools/{urn}/data-profile.xlsx", get(pages::profiles::xlsx))
        .route("/schools/{urn}/data-profile.csv", get(pages::profiles::csv))
        .route("/plans", get(pages::plans::list).post(pages::plans::create))
        .route("/plans/{id}", get(pages::plans::show))
        .route("/plans/{id}/actions", post(pages::plans::add_action))
        .route("/plans/{id}/tasks", post(pages::plans::add_task))
        .route("/plans/{id}/reports", post(pages::plans::issue_report))
        .route("/plans/{id}/{file}", get(pages::plans::report))
        .route("/plans/{id}/tasks/{task}", get(pages::plans::task))
        .route("/plans/{id}/tasks/{task}/updates", post(pages::plans::update_task))
        .route("/support", get(pages::support::overview))
        .route(
            "/support/in-category.csv",
            get(|state, user, query| pages::support::overview_download(state, user, query, ("in-category", "csv"))),
        )
        .route(
            "/support/in-category.xlsx",
            get(|state, user, query| pages::support::overview_download(state, user, query, ("in-category", "xlsx"))),
        )
        .route(
            "/support/inspected.csv",
            get(|state, user, query| pages::support::overview_download(state, user, query, ("inspected", "csv"))),
        )
        .route(
            "/support/inspected.xlsx",
            get(|state, user, query| pages::support::overview_download(state, user, query, ("inspected", "xlsx"))),
        )
        .route("/support/impact", get(pages::support::impact))
        .route(
            "/support/impact.csv",
            get(|state, user, query| pages::support::impact_download(state, user, query, "csv")),
        )
        .route(
            "/support/impact.xlsx",
            get(|state, user, query| pages::support::impact_download(state, user, query, "xlsx")),
        )
        .route(
            "/support/providers",
            get(pages::support::directory).post(pages::support::add_provider),
        )
        .route(
            "/support/providers.csv",
            get(|state, user, query| pages::support::directory_download(state, user, query, "csv")),
        )
        .route(
            "/support/providers.xlsx",
            get(|state, user, query| pages::support::directory_download(state, user, query, "xlsx")),
        )
        .route(
            "/support/providers/{id}",
            get(pages::support::provider).post(pages::support::change_provider),
        )
        .route(
            "/support/providers/{id}/record.csv",
            get(|state, user, id| pages::support::provider_download(state, user, id, "csv")),
        )
        .route(
            "/support/providers/{id}/record.xlsx",
            get(|state, user, id| pages::support::provider_download(state, user, id, "xlsx")),
        )
        .route("/schools", get(pages::schools::list))
        .route("/schools.csv", get(pages::schools::download_csv))
        .route("/schools.xlsx", get(pages::schools::download_xlsx))
        .route("/schools/{urn}", get(pages::school::profile))
        .route("/schools/{urn}/figures.csv", get(pages::school::download_csv))
        .route("/schools/{urn}/figures.xlsx", get(pages::school::download_xlsx))
        .route(
            "/imports",
            get(pages::imports::list)
                .post(pages::imports::start)
                .layer(axum::extract::DefaultBodyLimit::max(MAXIMUM_UPLOAD)),
        )
        .route("/imports/{id}", get(pages::imports::job))
        .route("/sources", get(pages::sources::show))
        .route("/pupils", get(pages::pupils::index))
        .route("/pupils/search", post(pages::pupils::search))
        .route("/pupils/due", get(pages::pupils::due))
        .route("/pupils/not-in-school", get(pages::pupils::register))
        .route("/pupils/not-in-school.csv", get(pages::pupils::register_csv))
        .route("/pupils/not-in-school.xlsx", get(pages::pupils::register_xlsx))
        .route("/pupils/due.csv", get(pages::pupils::due_csv))
        .route("/pupils/due.xlsx", get(pages::pupils::due_xlsx))
        .route("/pupils/{id}/episodes", post(pages::pupils::start_episode))
        .route("/pupils/{id}/caseload", post(pages::pupils::change_caseload))
        .route("/pupils/{id}/episodes/{episode}", post(pages::pupils::record_event))
        .route("/pupils/{id}", get(pages::pupils::show))
        .route("/attendance/schools/{file}", get(pages::pupils::school))
        .route("/attendance", get(pages::pupils::attendance))
        .route("/attendance.csv", get(pages::pupils::attendance_csv))
        .route("/attendance.xlsx", get(pages::pupils::attendance_xlsx))
        .route("/vulnerable-learners", get(pages::pupils::vulnerable_learners))
        .route("/vulnerable-learners.csv", get(pages::pupils::vulnerable_learners_csv))
        .route("/vulnerable-learners/{file}", get(pages::pupils::outcomes))
        .route(
            "/vulnerable-learners.xlsx",
            get(pages::pupils::vulnerable_learners_xlsx),
        )
        .route("/audit", get(pages::audit::show))
        .route("/audit.csv", get(pages::audit::download_csv))
        .route("/audit.xlsx", get(pages::audit::download_xlsx))
        .route("/api/v1/openapi.json", get(api::openapi_document))
        .route("/api/v1/schools", get(api::schools))
        .route("/api/v1/schools/{urn}", get(api::school))
        .route("/api/v1/schools/{urn}/figures", get(api::school_figures))
        .route("/api/v1/categories", get(api::categories))
        .route("/api/v1/categories/{urn}", get(api::category))
        .route("/api/v1/cases", get(api::cases))
        .route("/api/v1/pupils", get(api::pupils))
        .route("/api/v1/pupils/{id}", get(api::pupil))
        .route("/health", get(|| async { "ok" }))
        // Every route above is ruled by the access table before its handler runs; the assets
        // below are public.
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), access::authorise))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            recent::note_changes,
        ))
        .merge(assets::routes())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        .with_state(state)
}

/// Serves Stride on a listener until the process is stopped.
pub async fn serve(state: AppState, listener: TcpListener) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}
