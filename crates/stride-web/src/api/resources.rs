//! The API's resources, each read as the page that shows it reads it: through the account's
//! scope, and for pupils through the audited reader.

use axum::Json;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use stride_core::categorisation::{FoundRuleSet, final_level};
use stride_core::held_figures::HeldFigure;
use stride_core::intervention::Case;
use stride_core::pupils::{AuditAction, Pupil, PupilScope};
use stride_core::school_list::{LatestInspection, SchoolListQuery, SchoolListRow};
use stride_core::{Account, Figure, Urn};
use stride_store::PupilFilter;
use stride_store::pupils::{Purpose, read_pupil, read_pupils_page};
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, ApiQuery, Caller, Page, Paging};
use crate::AppState;
use crate::pages::categorisation::{DEFAULT_RULES, categorised, found};

/// A school as the API gives it.
#[derive(Debug, Serialize, ToSchema)]
pub struct School {
    /// The school's unique reference number.
    #[schema(example = "914001")]
    pub urn: String,
    pub name: String,
    /// The three-digit code of its local authority.
    pub la: String,
    /// Whether it is one of the deployment's own LA's schools; others are reference data.
    pub own_authority: bool,
    /// As `/api/v1/openapi.json` lists Stride's codes: `community`, `academy-converter`...
    pub establishment_type: String,
    pub phase: String,
    pub locality: Option<String>,
    pub pupils_on_roll: Option<u32>,
    pub latest_inspection: Option<InspectionSummary>,
}

/// The school's latest full inspection.
#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionSummary {
    pub published_on: NaiveDate,
    /// `2012`, `2019` or `2025`: the framework the inspection was under.
    pub framework: String,
    /// The headline: a four-point grade, or a report card summarised by its lowest grade.
    pub outcome: String,
    /// `special-measures` or `serious-weaknesses`, if the school was placed in one.
    pub category_of_concern: Option<String>,
}

impl From<&LatestInspection> for InspectionSummary {
    fn from(latest: &LatestInspection) -> Self {
        InspectionSummary {
            published_on: latest.published_on,
            framework: latest.framework.code().to_owned(),
            outcome: latest.outcome.code().to_owned(),
            category_of_concern: latest.category_of_concern.map(|category| category.code().to_owned()),
        }
    }
}

impl School {
    fn of(row: &SchoolListRow, own: Option<stride_core::LaCode>) -> School {
        School {
            urn: row.urn.to_string(),
            name: row.name.clone(),
            la: row.la.to_string(),
            own_authority: own.is_none_or(|own| own == row.la),
            establishment_type: row.establishment_type.code().to_owned(),
            phase: row.phase.code().to_owned(),
            locality: (!row.locality.is_empty()).then(|| row.locality.clone()),
            pupils_on_roll: row.pupils_on_roll,
            latest_inspection: row.latest_inspection.as_ref().map(InspectionSummary::from),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SchoolsQuery {
    /// `own` (the default) for the deployment's own LA's schools, `all` for every school held.
    #[param(pattern = "^(own|all)$")]
    pub area: Option<String>,
}

/// The schools the account may see.
#[utoipa::path(
    get,
    path = "/api/v1/schools",
    tag = "schools",
    params(SchoolsQuery, Paging),
    responses(
        (status = 200, description = "A page of schools, by name", body = Page<School>),
        (status = 400, description = "The query could not be read", body = super::Problem),
        (status = 401, description = "No token or session", body = super::Problem)
    )
)]
pub async fn schools(
    State(state): State<AppState>,
    Caller(account): Caller,
    ApiQuery(query): ApiQuery<SchoolsQuery>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<School>>, ApiError> {
    let every_authority = match query.area.as_deref() {
        None | Some("own") => false,
        Some("all") => true,
        Some(_) => return Err(ApiError::BadRequest("area is 'own' or 'all'.".to_owned())),
    };
    let list_query = SchoolListQuery {
        every_authority,
        ..SchoolListQuery::default()
    };
    let list = crate::pages::schools::load(&state, &account, &list_query).await?;
    let own = state.store.local_authority().await?.map(|own| own.code);
    let all = list.rows.iter().map(|row| School::of(row, own)).collect();
    Ok(Json(Page::of(all, paging)?))
}

/// A school the account may see: anything else is answered as not held.
fn visible_urn(account: &Account, urn: &str) -> Result<Urn, ApiError> {
    let urn: Urn = urn.parse().map_err(|_| ApiError::NotFound)?;
    if account.can_see_school(urn) {
        Ok(urn)
    } else {
        Err(ApiError::NotFound)
    }
}

/// One school.
#[utoipa::path(
    get,
    path = "/api/v1/schools/{urn}",
    tag = "schools",
    params(("urn" = String, Path, description = "The school's URN", example = "914001")),
    responses(
        (status = 200, description = "The school", body = School),
        (status = 401, description = "No token or session", body = super::Problem),
        (status = 404, description = "Not held, or not one the account may see", body = super::Problem)
    )
)]
pub async fn school(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(urn): Path<String>,
) -> Result<Json<School>, ApiError> {
    let school = account
        .visible_school(urn.parse().map_err(|_| ApiError::NotFound)?)
        .ok_or(ApiError::NotFound)?;
    let profile = state.store.school_profile(school, 1).await?.ok_or(ApiError::NotFound)?;
    let establishment = &profile.establishment;
    let own = state.store.local_authority().await?.map(|own| own.code);
    let row = SchoolListRow {
        urn: establishment.urn,
        la: establishment.la,
        name: establishment.name.clone(),
        establishment_type: establishment.establishment_type,
        phase: establishment.phase,
        locality: establishment
            .locality
            .as_ref()
            .map(|locality| locality.name.clone())
            .unwrap_or_default(),
        pupils_on_roll: profile.roll().last().and_then(|(_, roll)| *roll),
        latest_inspection: profile
            .inspections
            .iter()
            .find(|inspection| inspection.is_full())
            .map(LatestInspection::of),
        headline: [None; 4],
    };
    Ok(Json(School::of(&row, own)))
}

/// A published figure, as `stride export figures` writes it.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeldFigureItem {
    #[schema(example = "2023/24")]
    pub academic_year: String,
    /// The measure's code, as the data dictionary of `/sources` lists them.
    pub measure: String,
    pub pupil_group: String,
    /// None where the figure is missing; `missing_reason` then says why.
    pub value: Option<f64>,
    /// `suppressed`, `not-applicable`, `not-published`, `small-cohort`... never a zero.
    pub missing_reason: Option<String>,
    pub cohort: Option<u32>,
    /// `provisional`, `revised` or `final`.
    pub release: String,
    /// The file the figure came from.
    pub source: String,
    pub source_sha256: Option<String>,
}

impl From<&HeldFigure> for HeldFigureItem {
    fn from(held: &HeldFigure) -> Self {
        let (value, missing_reason) = match held.figure {
            Figure::Value(value) => (Some(value), None),
            Figure::Missing(reason) => (None, Some(reason.code().to_owned())),
        };
        HeldFigureItem {
            academic_year: held.year.to_string(),
            measure: held.measure.code().to_owned(),
            pupil_group: held.group.code().to_owned(),
            value,
            missing_reason,
            cohort: held.cohort,
            release: held.release.code().to_owned(),
            source: held.source.clone(),
            source_sha256: held.file.as_ref().map(|file| file.sha256.clone()),
        }
    }
}

/// Every figure held for a school the account may see, with its source.
#[utoipa::path(
    get,
    path = "/api/v1/schools/{urn}/figures",
    tag = "schools",
    params(("urn" = String, Path, description = "The school's URN", example = "914001"), Paging),
    responses(
        (status = 200, description = "A page of the school's figures", body = Page<HeldFigureItem>),
        (status = 400, description = "The query could not be read", body = super::Problem),
        (status = 401, description = "No token or session", body = super::Problem),
        (status = 404, description = "Not held, or not one the account may see", body = super::Problem)
    )
)]
pub async fn school_figures(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(urn): Path<String>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<HeldFigureItem>>, ApiError> {
    let urn = visible_urn(&account, &urn)?;
    paging.window()?;
    let held = state.store.held_figures(Some(urn), false).await?;
    // A school with no figures is told from one not held at all.
    if held.is_empty() && !is_held(&state, &account, urn).await? {
        return Err(ApiError::NotFound);
    }
    Ok(Json(Page::of(held.iter().map(HeldFigureItem::from).collect(), paging)?))
}

async fn is_held(state: &AppState, account: &Account, urn: Urn) -> Result<bool, ApiError> {
    let Some(school) = account.visible_school(urn) else {
        return Ok(false);
    };
    Ok(state.store.school_profile(school, 1).await?.is_some())
}

/// An indicator's finding for a school.
#[derive(Debug, Serialize, ToSchema)]
pub struct Finding {
    pub indicator: String,
    pub name: String,
    /// `fired`, `not-fired`, `not-enough-evidence` or `not-applicable`.
    pub verdict: String,
    /// The figures, years and comparators behind the verdict, in words.
    pub reason: String,
    pub sources: Vec<String>,
    pub counts_as_concern: bool,
}

/// A school's level of support under a rule set, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct Category {
    pub urn: String,
    pub name: String,
    pub rule_set: String,
    /// The level the school stands at: the computed one, or one set by judgement.
    pub level: String,
    pub level_name: String,
    /// The level the rules give.
    pub computed_level: String,
    pub set_by_judgement: bool,
    pub on_register: bool,
    pub adviser_days: f64,
    pub findings: Vec<Finding>,
}

async fn categories_of(state: &AppState, account: &Account, rules: Option<&str>) -> Result<Vec<Category>, ApiError> {
    if !account.role.can_see_categorisation() {
        return Err(ApiError::Forbidden);
    }
    let FoundRuleSet { rules, .. } = found(state, rules.unwrap_or(DEFAULT_RULES)).await?;
    let loaded = categorised(state, account, &rules).await?;
    Ok(loaded
        .results
        .iter()
        .map(|result| {
            let standing = final_level(&rules, result, &loaded.overrides);
            Category {
                urn: result.urn.to_string(),
                name: result.name.clone(),
                rule_set: rules.name.clone(),
                level: standing.level.to_owned(),
                level_name: standing.name(&rules).to_owned(),
                computed_level: standing.computed.to_owned(),
                set_by_judgement: standing.overridden.is_some(),
                on_register: standing.on_register,
                adviser_days: result.categorisation.adviser_days,
                findings: result
                    .categorisation
                    .outcomes
                    .iter()
                    .map(|outcome| Finding {
                        indicator: outcome.code.clone(),
                        name: outcome.name.clone(),
                        verdict: outcome.verdict.code().to_owned(),
                        reason: outcome.reason.clone(),
                        sources: outcome.sources.clone(),
                        counts_as_concern: outcome.counts_as_concern,
                    })
                    .collect(),
            }
        })
        .collect())
}

/// Every school the account may see, categorised on today's evidence.
#[utoipa::path(
    get,
    path = "/api/v1/categories",
    tag = "categorisation",
    params(RuleSetQuery, Paging),
    responses(
        (status = 200, description = "A page of schools' levels with their findings", body = Page<Category>),
        (status = 400, description = "The query could not be read", body = super::Problem),
        (status = 401, description = "No token or session", body = super::Problem),
        (status = 403, description = "The role does not see categorisation", body = super::Problem),
        (status = 404, description = "No rule set of that name", body = super::Problem)
    )
)]
pub async fn categories(
    State(state): State<AppState>,
    Caller(account): Caller,
    ApiQuery(query): ApiQuery<RuleSetQuery>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<Category>>, ApiError> {
    paging.window()?;
    let all = categories_of(&state, &account, query.rules.as_deref()).await?;
    Ok(Json(Page::of(all, paging)?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RuleSetQuery {
    /// The rule set's name: `national-2025` unless another is named.
    pub rules: Option<String>,
}

/// One school's level and its reasons.
#[utoipa::path(
    get,
    path = "/api/v1/categories/{urn}",
    tag = "categorisation",
    params(("urn" = String, Path, description = "The school's URN", example = "914001"), RuleSetQuery),
    responses(
        (status = 200, description = "The school's level with its findings", body = Category),
        (status = 400, description = "The query could not be read", body = super::Problem),
        (status = 401, description = "No token or session", body = super::Problem),
        (status = 403, description = "The role does not see categorisation", body = super::Problem),
        (status = 404, description = "Not categorised, not one the account may see, or no rule set of that name", body = super::Problem)
    )
)]
pub async fn category(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(urn): Path<String>,
    ApiQuery(query): ApiQuery<RuleSetQuery>,
) -> Result<Json<Category>, ApiError> {
    let urn = visible_urn(&account, &urn)?.to_string();
    categories_of(&state, &account, query.rules.as_deref())
        .await?
        .into_iter()
        .find(|category| category.urn == urn)
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// A step up or down the escalation ladder.
#[derive(Debug, Serialize, ToSchema)]
pub struct Step {
    /// `light-touch`, `additional-support`, `warning-notice`, `intervention`...
    pub stage: String,
    pub taken_on: NaiveDate,
    pub solution: Option<String>,
    pub compliance_ends: Option<NaiveDate>,
    pub evidence: String,
    pub decided_by: String,
}

/// A school's Schools Causing Concern case, with every step kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseItem {
    pub id: i64,
    pub urn: String,
    pub opened_on: NaiveDate,
    /// Where the case stands: its latest step's stage.
    pub stage: String,
    pub open: bool,
    pub plan_agreed_on: Option<NaiveDate>,
    /// Oldest first.
    pub steps: Vec<Step>,
}

impl From<&Case> for CaseItem {
    fn from(case: &Case) -> Self {
        CaseItem {
            id: case.id,
            urn: case.urn.to_string(),
            opened_on: case.opened_on,
            stage: case.stage().code().to_owned(),
            open: case.is_open(),
            plan_agreed_on: case.plan_agreed_on,
            steps: case
                .steps
                .iter()
                .map(|step| Step {
                    stage: step.stage.code().to_owned(),
                    taken_on: step.taken_on,
                    solution: step.solution.map(|solution| solution.code().to_owned()),
                    compliance_ends: step.compliance_ends,
                    evidence: step.evidence.clone(),
                    decided_by: step.decided_by.clone(),
                })
                .collect(),
        }
    }
}

/// The cases of the schools the account may see, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/cases",
    tag = "cases",
    params(Paging),
    responses(
        (status = 200, description = "A page of cases", body = Page<CaseItem>),
        (status = 400, description = "The query could not be read", body = super::Problem),
        (status = 401, description = "No token or session", body = super::Problem),
        (status = 403, description = "The role does not read the register", body = super::Problem)
    )
)]
pub async fn cases(
    State(state): State<AppState>,
    Caller(account): Caller,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<CaseItem>>, ApiError> {
    if !account.role.can_see_register() {
        return Err(ApiError::Forbidden);
    }
    paging.window()?;
    let la = state.store.local_authority().await?.map(|own| own.code);
    let all = state
        .store
        .cases(la)
        .await?
        .iter()
        .filter(|case| account.can_see_school(case.urn))
        .map(CaseItem::from)
        .collect();
    Ok(Json(Page::of(all, paging)?))
}

/// A census return: where the pupil was on a census day, and what it recorded of them.
#[derive(Debug, Serialize, ToSchema)]
pub struct CensusReturnItem {
    pub census_date: NaiveDate,
    pub urn: String,
    /// `N1`, `N2`, `R`, `1` to `14`.
    pub year_group: String,
    /// `fsm`, `fsm6`, `sen-support`, `ehcp`, `cla`, `cin`...
    pub characteristics: Vec<String>,
    /// The census code of the primary type of need: `SPLD`, `MLD`, `ASD`...
    pub sen_need: Option<String>,
}

/// A pupil, as the census returned them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PupilItem {
    /// Stride's own number for the pupil: names and UPNs are never put in an address.
    pub id: i64,
    pub upn: String,
    pub surname: String,
    pub forename: String,
    pub date_of_birth: NaiveDate,
    /// `F` or `M`, as the census codes it.
    pub gender: String,
    /// Oldest first; the last is the pupil's school now.
    pub returns: Vec<CensusReturnItem>,
}

impl From<&Pupil> for PupilItem {
    fn from(pupil: &Pupil) -> Self {
        PupilItem {
            id: pupil.id,
            upn: pupil.upn.to_string(),
            surname: pupil.surname.clone(),
            forename: pupil.forename.clone(),
            date_of_birth: pupil.date_of_birth,
            gender: pupil.gender.code().to_owned(),
            returns: pupil
                .returns
                .iter()
                .map(|census| CensusReturnItem {
                    census_date: census.census_date,
                    urn: census.urn.to_string(),
                    year_group: census.year_group.code(),
                    characteristics: census
                        .characteristics
                        .iter()
                        .map(|characteristic| characteristic.code().to_owned())
                        .collect(),
                    sen_need: census.sen_need.map(|need| need.code().to_owned()),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PupilsQuery {
    /// Only the pupils on roll at this school, by its URN.
    #[param(example = "914001", pattern = "^[0-9]{6}$")]
    pub school: Option<String>,
}

fn pupil_purpose(state: &AppState, action: AuditAction, what: String) -> Purpose {
    Purpose {
        action,
        what,
        at: state.now(),
    }
}

fn pupil_access(account: &Account) -> Result<(), ApiError> {
    if PupilScope::of(account).is_none() {
        Err(ApiError::Forbidden)
    } else {
        Ok(())
    }
}

/// The pupils the account may see, by surname; each pupil on the page is written to the audit
/// log as read through the API.
#[utoipa::path(
    get,
    path = "/api/v1/pupils",
    tag = "pupils",
    params(PupilsQuery, Paging),
    responses(
        (status = 200, description = "A page of pupils", body = Page<PupilItem>),
        (status = 400, description = "The query could not be read", body = super::Problem),
        (status = 401, description = "No token or session", body = super::Problem),
        (status = 403, description = "The role has no pupil access", body = super::Problem)
    )
)]
pub async fn pupils(
    State(state): State<AppState>,
    Caller(account): Caller,
    ApiQuery(query): ApiQuery<PupilsQuery>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<Page<PupilItem>>, ApiError> {
    pupil_access(&account)?;
    let window = paging.window()?;
    let (filter, what) = match query.school.as_deref() {
        None => (PupilFilter::All, "pupils through the API".to_owned()),
        Some(urn) => {
            let urn: Urn = urn
                .parse()
                .map_err(|_| ApiError::BadRequest("school is a URN of six digits.".to_owned()))?;
            (
                PupilFilter::AtSchool(urn),
                format!("pupils of school {urn} through the API"),
            )
        }
    };
    let purpose = pupil_purpose(&state, AuditAction::ListPupils, what);
    let (page, total) = read_pupils_page(state.store.as_ref(), &account, filter, window, &purpose).await?;
    Ok(Json(Page::holding(
        page.iter().map(PupilItem::from).collect(),
        total,
        paging,
    )?))
}

/// One pupil the account may see: one outside its scope is answered as not held, and the
/// attempt is logged as refused.
#[utoipa::path(
    get,
    path = "/api/v1/pupils/{id}",
    tag = "pupils",
    params(("id" = i64, Path, description = "Stride's number for the pupil")),
    responses(
        (status = 200, description = "The pupil", body = PupilItem),
        (status = 401, description = "No token or session", body = super::Problem),
        (status = 403, description = "The role has no pupil access", body = super::Problem),
        (status = 404, description = "Not held, or not one the account may see", body = super::Problem)
    )
)]
pub async fn pupil(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
) -> Result<Json<PupilItem>, ApiError> {
    pupil_access(&account)?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let purpose = pupil_purpose(
        &state,
        AuditAction::ViewPupil,
        "pupil's record through the API".to_owned(),
    );
    read_pupil(state.store.as_ref(), &account, id, &purpose)
        .await?
        .map(|pupil| Json(PupilItem::from(&pupil)))
        .ok_or(ApiError::NotFound)
}

/// The OpenAPI document of this API.
pub async fn openapi_document() -> Json<utoipa::openapi::OpenApi> {
    use utoipa::OpenApi;
    Json(super::ApiDocument::openapi())
}
