//! Server-side sessions held in the database, carried by an HttpOnly, SameSite=Strict cookie,
//! with a CSRF token each that every form must return.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use stride_core::Account;
use stride_store::SessionRecord;

use crate::auth::{random_token, same_secret, token_hash};
use crate::{AppState, WebError};

pub const SESSION_COOKIE: &str = "stride_session";
/// A session not used for this long is over: the NCSC suggests short idle timeouts for
/// services holding sensitive data.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// However busy, a session ends after a working day.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(10);

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE)
}

/// The value of the request's cookie of this name, among any others it sends.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(found, _)| *found == name)
        .map(|(_, value)| value.to_owned())
}

/// The session the request's cookie names, if it exists and has not timed out. A session that
/// has timed out is deleted.
pub async fn current(state: &AppState, headers: &HeaderMap) -> Result<Option<SessionRecord>, WebError> {
    let Some(token) = cookie_token(headers) else {
        return Ok(None);
    };
    session_of(state, &token_hash(&token)).await
}

/// Writing on every request would serialise readers on SQLite; a minute's slack is harmless.
const TOUCHED_EVERY: Duration = Duration::minutes(1);

async fn session_of(state: &AppState, hash: &str) -> Result<Option<SessionRecord>, WebError> {
    let Some(mut session) = state.store.session(hash).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    if now - session.last_seen_at > IDLE_TIMEOUT || now - session.created_at > ABSOLUTE_TIMEOUT {
        state.store.delete_session(hash).await?;
        return Ok(None);
    }
    if now - session.last_seen_at > TOUCHED_EVERY {
        state.store.touch_session(hash, now).await?;
        session.last_seen_at = now;
    }
    Ok(Some(session))
}

/// Starts a session, for an account or (for the sign-in form) for nobody yet, and returns the
/// cookie that carries it.
pub async fn start(state: &AppState, account_id: Option<i64>) -> Result<(SessionRecord, HeaderValue), WebError> {
    begin(state, account_id, None).await
}

/// Starts a session for nobody yet that waits for the code of an account whose password was
/// right: only the code makes it the account's.
pub async fn start_awaiting_code(state: &AppState, account_id: i64) -> Result<(SessionRecord, HeaderValue), WebError> {
    begin(state, None, Some(account_id)).await
}

async fn begin(
    state: &AppState,
    account_id: Option<i64>,
    awaiting_account_id: Option<i64>,
) -> Result<(SessionRecord, HeaderValue), WebError> {
    let token = random_token();
    let now = Utc::now();
    let session = SessionRecord {
        token_hash: token_hash(&token),
        account_id,
        csrf_token: random_token(),
        created_at: now,
        last_seen_at: now,
        awaiting_account_id,
        offered_secret: None,
    };
    state.store.create_session(&session).await?;
    Ok((session, cookie(state, &token, None)))
}

pub fn cookie(state: &AppState, token: &str, max_age: Option<i64>) -> HeaderValue {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    let max_age = max_age
        .map(|seconds| format!("; Max-Age={seconds}"))
        .unwrap_or_default();
    let value = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}{max_age}");
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("stride_session=; Path=/"))
}

pub fn clearing_cookie(state: &AppState) -> HeaderValue {
    cookie(state, "", Some(0))
}

pub fn check_csrf(session: &SessionRecord, submitted: &str) -> Result<(), WebError> {
    if same_secret(&session.csrf_token, submitted) {
        Ok(())
    } else {
        Err(WebError::FormExpired)
    }
}

/// A signed-in user and their session. A handler that takes this is reachable only after
/// sign-in; anyone else is sent to the sign-in page.
#[derive(Clone)]
pub struct SignedIn {
    pub account: Account,
    pub session: SessionRecord,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // The access rules have read the session already for every route but the open ones.
        if let Some(signed_in) = parts.extensions.get::<SignedIn>() {
            return Ok(signed_in.clone());
        }
        match signed_in(state, &parts.headers).await {
            Ok(Some(signed_in)) => Ok(signed_in),
            Ok(None) => Err(Redirect::to("/sign-in").into_response()),
            Err(error) => Err(error.into_response()),
        }
    }
}

/// The account signed in by the request's session, if there is one: as found a moment ago,
/// unless anything has changed since or the session is due to be marked as used.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Option<SignedIn>, WebError> {
    let Some(token) = cookie_token(headers) else {
        return Ok(None);
    };
    let hash = token_hash(&token);
    if let Some(kept) = state.recent.signed_in(&hash) {
        let now = Utc::now();
        // Past a minute unmarked, or its working day over, the session is read again.
        if now - kept.session.last_seen_at <= TOUCHED_EVERY && now - kept.session.created_at <= ABSOLUTE_TIMEOUT {
            return Ok(Some(kept));
        }
    }
    let changes = state.recent.changes();
    let Some(session) = session_of(state, &hash).await? else {
        return Ok(None);
    };
    let Some(account_id) = session.account_id else {
        return Ok(None);
    };
    let Some(account) = state.store.account(account_id).await? else {
        return Ok(None);
    };
    let signed_in = SignedIn { account, session };
    state.recent.keep_signed_in(hash, signed_in.clone(), changes);
    Ok(Some(signed_in))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; stride_session=abc123; other=1"),
        );
        assert_eq!(cookie_token(&headers), Some("abc123".to_owned()));
        let mut none = HeaderMap::new();
        none.insert(header::COOKIE, HeaderValue::from_static("stride_sessionx=abc"));
        assert_eq!(cookie_token(&none), None);
    }
}
