//! Signing in through the LA's identity provider: `/sign-in/single-sign-on` sends the person
//! there, and `/sign-in/single-sign-on/return` takes them back, checks what the provider says,
//! and signs them in to the account of its issuer and subject, made at their first sign-in with
//! the role the provider's claim names. The sign-in's state, nonce and PKCE verifier wait in the
//! database under a cookie of their own, SameSite=Lax so that the provider's redirect back
//! carries it, and are taken once.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use serde::Deserialize;
use stride_store::{NewAccount, SignInFlow, StoreError};

use super::render;
use crate::auth::{random_token, same_secret, token_hash};
use crate::single_sign_on::{self, NoRole, SingleSignOn};
use crate::view::Chrome;
use crate::{AppState, WebError, session};

const FLOW_COOKIE: &str = "stride_sign_in_flow";
const FLOW_PATH: &str = "/sign-in/single-sign-on";
/// Long enough to type a password and approve a prompt on a phone.
const FLOW_LIFETIME: Duration = Duration::minutes(10);
/// What an account made by single sign-on has for a password: no password matches it.
const NO_PASSWORD: &str = "!single-sign-on";

fn configured(state: &AppState) -> Result<&SingleSignOn, WebError> {
    state.config.single_sign_on.as_ref().ok_or(WebError::NotFound)
}

fn flow_cookie(state: &AppState, token: &str, max_age: i64) -> HeaderValue {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    let value = format!("{FLOW_COOKIE}={token}; Path={FLOW_PATH}; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("stride_sign_in_flow=; Max-Age=0"))
}

pub async fn start(State(state): State<AppState>) -> Result<Response, WebError> {
    let config = configured(&state)?;
    let request = match single_sign_on::authorisation_request(config).await {
        Ok(request) => request,
        Err(error) => {
            tracing::error!(%error, "single sign-on could not start");
            return refused(
                StatusCode::BAD_GATEWAY,
                "Single sign-on is not working",
                "Stride could not reach your organisation's sign-in service.",
            );
        }
    };
    let token = random_token();
    state
        .store
        .start_sign_in_flow(&SignInFlow {
            token_hash: token_hash(&token),
            state: request.state,
            nonce: request.nonce,
            pkce_verifier: request.pkce_verifier,
            created_at: Utc::now(),
        })
        .await?;
    let cookie = flow_cookie(&state, &token, FLOW_LIFETIME.num_seconds());
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&request.url)).into_response())
}

/// What the provider sends back: a code and the state, or an error.
#[derive(Debug, Default, Deserialize)]
pub struct Returned {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

pub async fn finish(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(returned): Query<Returned>,
) -> Result<Response, WebError> {
    let config = configured(&state)?;
    let flow = match session::cookie_value(&headers, FLOW_COOKIE) {
        Some(token) => {
            state
                .store
                .take_sign_in_flow(&token_hash(&token), Utc::now() - FLOW_LIFETIME)
                .await?
        }
        None => None,
    };
    let mut response = match flow {
        None => refused(
            StatusCode::BAD_REQUEST,
            "This sign-in has expired",
            "It was started too long ago, finished already, or in another browser.",
        )?,
        Some(flow) => finish_flow(&state, config, &returned, &flow).await?,
    };
    response
        .headers_mut()
        .append(header::SET_COOKIE, flow_cookie(&state, "", 0));
    Ok(response)
}

async fn finish_flow(
    state: &AppState,
    config: &SingleSignOn,
    returned: &Returned,
    flow: &SignInFlow,
) -> Result<Response, WebError> {
    let (Some(code), Some(returned_state), None) = (&returned.code, &returned.state, &returned.error) else {
        tracing::info!(
            error = returned.error.as_deref().unwrap_or(""),
            "the provider did not sign in"
        );
        return refused(
            StatusCode::UNAUTHORIZED,
            "You were not signed in",
            "Your organisation's sign-in service did not sign you in.",
        );
    };
    if !same_secret(&flow.state, returned_state) {
        return refused(
            StatusCode::BAD_REQUEST,
            "This sign-in has expired",
            "It does not match the sign-in this browser started.",
        );
    }
    let vouched = match single_sign_on::vouched(config, code, &flow.nonce, &flow.pkce_verifier).await {
        Ok(vouched) => vouched,
        Err(error) => {
            tracing::error!(%error, "single sign-on refused");
            return refused(
                StatusCode::UNAUTHORIZED,
                "You were not signed in",
                "What your organisation's sign-in service sent could not be checked.",
            );
        }
    };
    let role = match single_sign_on::role_from(&vouched.roles) {
        Ok(role) => role,
        Err(NoRole::None) => {
            return refused(
                StatusCode::FORBIDDEN,
                "Your account has no Stride role",
                "Your organisation has not given your account a role in Stride.",
            );
        }
        Err(NoRole::MoreThanOne) => {
            return refused(
                StatusCode::FORBIDDEN,
                "Your account has more than one Stride role",
                "Your organisation has given your account more than one role in Stride; it must give one.",
            );
        }
    };
    signed_in(state, config, vouched, role).await
}

async fn signed_in(
    state: &AppState,
    config: &SingleSignOn,
    vouched: single_sign_on::Vouched,
    role: stride_core::Role,
) -> Result<Response, WebError> {
    let account = NewAccount {
        username: vouched.username,
        display_name: vouched.name,
        role,
        password_hash: NO_PASSWORD.to_owned(),
        schools: Vec::new(),
    };
    let subject = format!("{}|{}", config.issuer, vouched.subject);
    let signed_in_from_provider = state.store.sign_in_from_provider(&subject, &account).await;
    // The provider may have given the account another role: its other sessions read it afresh.
    state.recent.changed();
    let account_id = match signed_in_from_provider {
        Ok(id) => id,
        Err(StoreError::Refused(_)) => {
            return refused(
                StatusCode::CONFLICT,
                "You cannot sign in this way yet",
                "A Stride account has your username already, made before single sign-on.",
            );
        }
        Err(error) => return Err(error.into()),
    };
    tracing::info!(account = account_id, "signed in through the identity provider");
    // An account with an authenticator gives its code as after a password.
    let (next, cookie) = if state.store.second_factor(account_id).await?.is_some() {
        (
            "/sign-in/code",
            session::start_awaiting_code(state, account_id).await?.1,
        )
    } else {
        ("/schools", session::start(state, Some(account_id)).await?.1)
    };
    let page = render(&ContinuePage {
        chrome: Chrome::anonymous(),
        next,
    })?;
    Ok(([(header::SET_COOKIE, cookie)], page).into_response())
}

/// The page between the provider and Stride. The session's cookie is SameSite=Strict, which a
/// browser does not send on a redirect that the provider's site began; a page of Stride's own
/// that moves on at once (and says so, with a link) makes the next request Stride's.
#[derive(Template)]
#[template(path = "single_sign_on_continue.html")]
struct ContinuePage {
    chrome: Chrome,
    next: &'static str,
}

#[derive(Template)]
#[template(path = "error.html")]
struct RefusedPage {
    chrome: Chrome,
    title: &'static str,
    message: &'static str,
    next_step: &'static str,
}

fn refused(status: StatusCode, title: &'static str, message: &'static str) -> Result<Response, WebError> {
    let page = render(&RefusedPage {
        chrome: Chrome::anonymous(),
        title,
        message,
        next_step: "Go back to the sign-in page and try again. If it happens again, tell your Stride administrator.",
    })?;
    Ok((status, page).into_response())
}
