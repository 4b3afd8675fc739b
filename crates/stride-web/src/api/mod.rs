//! The JSON API under `/api/v1`: schools, their figures, categorisation, cases and (with pupil
//! access) pupils, for the LA's reporting tools and data warehouse. It answers to the same
//! access table as the pages ([`crate::access::RULES`]) and reads through the same scope and
//! audit as they do; a service account proves who it is with a token issued by `stride account
//! token`, a person signed in to the pages with their session. Every answer, errors included, is
//! JSON as the OpenAPI document served at `/api/v1/openapi.json` describes.

mod resources;

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use stride_core::Account;
use utoipa::{IntoParams, OpenApi, ToSchema};

pub use resources::{cases, categories, category, openapi_document, pupil, pupils, school, school_figures, schools};

use crate::{AppState, WebError};

/// Where the API's routes start: [`crate::access::authorise`] answers these in JSON.
pub const PREFIX: &str = "/api/";

/// The most items one page holds: enough for a school's figures in a few pages, small enough
/// that a page never holds the whole pupil roll.
pub const LARGEST_PAGE: u32 = 500;
/// The last page asked for that is answered: past any list Stride holds, short of overflow.
pub const LAST_PAGE: u32 = 1_000_000;
const DEFAULT_PAGE_SIZE: u32 = 50;

/// Who is asking: the account of a token or of a session, put in the request by the access
/// rules before the handler runs.
#[derive(Clone)]
pub struct Caller(pub Account);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Caller>().cloned().ok_or(ApiError::Unauthorised)
    }
}

/// Makes an API token for an account and keeps its hash: the token is returned to be shown
/// once, and cannot be read back.
pub async fn issue_token(
    store: &dyn stride_store::Store,
    account_id: i64,
    label: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<String, stride_store::StoreError> {
    let token = format!("stride_{}", crate::auth::random_token());
    store
        .create_api_token(account_id, &crate::auth::token_hash(&token), label, at)
        .await?;
    Ok(token)
}

/// The token of an `Authorization: Bearer` header, if the request has one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// An API error, as the OpenAPI document describes it: a code a program can match and a
/// message a person can read. Neither ever holds personal data.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `bad-request`, `unauthorised`, `forbidden`, `not-found` or `server-error`.
    pub error: &'static str,
    pub message: String,
}

#[derive(Debug)]
pub enum ApiError {
    BadRequest(String),
    Unauthorised,
    Forbidden,
    NotFound,
    Server(WebError),
}

impl From<WebError> for ApiError {
    fn from(error: WebError) -> Self {
        match error {
            WebError::NotFound => ApiError::NotFound,
            WebError::Forbidden => ApiError::Forbidden,
            other => ApiError::Server(other),
        }
    }
}

impl From<stride_store::StoreError> for ApiError {
    fn from(error: stride_store::StoreError) -> Self {
        ApiError::Server(WebError::Store(error))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error, message) = match self {
            ApiError::BadRequest(message) => (StatusCode::BAD_REQUEST, "bad-request", message),
            ApiError::Unauthorised => (
                StatusCode::UNAUTHORIZED,
                "unauthorised",
                "Send a token as 'Authorization: Bearer TOKEN', or sign in.".to_owned(),
            ),
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "This account's role does not give access to this.".to_owned(),
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "not-found",
                "Nothing is held here, or this account may not see it.".to_owned(),
            ),
            ApiError::Server(fault) => {
                tracing::error!(error = %fault, "API request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server-error",
                    "Stride could not answer. Try again later.".to_owned(),
                )
            }
        };
        let mut response = (status, Json(Problem { error, message })).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The query string read into `T`, or a 400 that says what was wrong with it.
pub struct ApiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
            .map(ApiQuery)
            .map_err(|error| ApiError::BadRequest(format!("The query string could not be read: {error}.")))
    }
}

/// Which page of a list to answer.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// The page, from 1 (to a million).
    #[param(minimum = 1, maximum = 1_000_000, default = 1)]
    pub page: Option<u32>,
    /// Items a page, 1 to 500.
    #[param(minimum = 1, maximum = 500, default = 50)]
    pub per_page: Option<u32>,
}

impl Paging {
    /// The page and its size, checked.
    fn checked(self) -> Result<(u32, u32), ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(DEFAULT_PAGE_SIZE);
        if page == 0 || page > LAST_PAGE {
            return Err(ApiError::BadRequest(format!("page is from 1 to {LAST_PAGE}.")));
        }
        if per_page == 0 || per_page > LARGEST_PAGE {
            return Err(ApiError::BadRequest(format!(
                "per_page must be from 1 to {LARGEST_PAGE}."
            )));
        }
        Ok((page, per_page))
    }

    /// The first item of the page and how many it holds.
    pub fn window(self) -> Result<(usize, usize), ApiError> {
        let (page, per_page) = self.checked()?;
        let offset = u64::from(page - 1) * u64::from(per_page);
        Ok((usize::try_from(offset).unwrap_or(usize::MAX), per_page as usize))
    }
}

/// One page of a list, with how many there are in all.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    /// Items in the whole list, on every page.
    pub total: u64,
}

impl<T: ToSchema> Page<T> {
    /// The page `paging` asks for of a whole list.
    pub fn of(all: Vec<T>, paging: Paging) -> Result<Page<T>, ApiError> {
        let (offset, limit) = paging.window()?;
        let total = all.len();
        let items = all.into_iter().skip(offset).take(limit).collect();
        Page::holding(items, total, paging)
    }

    /// A page already cut from a list of `total` items.
    pub fn holding(items: Vec<T>, total: usize, paging: Paging) -> Result<Page<T>, ApiError> {
        let (page, per_page) = paging.checked()?;
        Ok(Page {
            items,
            page,
            per_page,
            total: total as u64,
        })
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Stride API",
        description = "Schools, their published figures, categorisation, Schools Causing Concern cases and (with pupil access) pupils, as the account may see them. Every pupil read is written to the audit log.",
        version = "1.0.0"
    ),
    paths(
        resources::schools,
        resources::school,
        resources::school_figures,
        resources::categories,
        resources::category,
        resources::cases,
        resources::pupils,
        resources::pupil
    ),
    modifiers(&BearerToken),
    security(("token" = [])),
    tags(
        (name = "schools", description = "Schools and their published figures"),
        (name = "categorisation", description = "Each school's level of support, with the reasons"),
        (name = "cases", description = "The Schools Causing Concern cases"),
        (name = "pupils", description = "Pupils, for accounts with pupil access; every read is audited")
    )
)]
pub struct ApiDocument;

struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_cut_from_the_list_and_bad_paging_is_refused() {
        let paging = |page, per_page| Paging {
            page: Some(page),
            per_page: Some(per_page),
        };
        let page = Page::of((1..=7).map(|n: u32| n.to_string()).collect(), paging(2, 3)).expect("a page");
        assert_eq!((page.items, page.total), (vec!["4".into(), "5".into(), "6".into()], 7));
        let last = Page::of((1..=7).map(|n: u32| n.to_string()).collect(), paging(3, 3)).expect("a page");
        assert_eq!(last.items, vec!["7".to_owned()]);
        let beyond = Page::<String>::of(vec!["1".into()], paging(LAST_PAGE, LARGEST_PAGE)).expect("a page");
        assert!(beyond.items.is_empty(), "a page beyond the end is empty");
        assert!(matches!(paging(0, 10).window(), Err(ApiError::BadRequest(_))));
        assert!(matches!(
            paging(LAST_PAGE + 1, 10).window(),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(paging(1, 0).window(), Err(ApiError::BadRequest(_))));
        assert!(matches!(
            paging(1, LARGEST_PAGE + 1).window(),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn a_bearer_token_is_read_from_its_header_whatever_the_scheme_case() {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer abc123"));
        assert_eq!(bearer_token(&headers), Some("abc123"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc123"));
        assert_eq!(bearer_token(&headers), None);
    }
}
