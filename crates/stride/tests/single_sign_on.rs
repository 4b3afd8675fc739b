//! Single sign-on's storage and its routes when the provider's answer cannot be used. The whole
//! sign-in, against a real OpenID provider, is the browser journey in
//! `tests/browser/single-sign-on.test.mjs`.

use chrono::{Duration, SubsecRound, Utc};
use reqwest::StatusCode;
use stride_core::Role;
use stride_store::{NewAccount, SignInFlow, StoreError};
use stride_web::Config;
use stride_web::single_sign_on::SingleSignOn;

mod common;
use common::*;

fn vouched_for(username: &str, role: Role) -> NewAccount {
    NewAccount {
        username: username.to_owned(),
        display_name: "Priya Shah".to_owned(),
        role,
        password_hash: "!single-sign-on".to_owned(),
        schools: Vec::new(),
    }
}

#[tokio::test]
async fn an_account_is_made_at_the_first_sign_in_and_takes_the_providers_role_at_each() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (_, store) = generated_database(&directory).await;
    let subject = "https://login.example/tenant|0001";
    let first = store
        .sign_in_from_provider(subject, &vouched_for("priya.shah@la.example", Role::DataManager))
        .await
        .expect("made");
    let account = store.account(first).await.expect("reads").expect("held");
    assert_eq!(
        (account.role, account.username.as_str()),
        (Role::DataManager, "priya.shah@la.example")
    );
    let again = store
        .sign_in_from_provider(subject, &vouched_for("priya.shah@la.example", Role::ImprovementManager))
        .await
        .expect("signed in");
    assert_eq!(again, first, "the same account, by issuer and subject");
    let account = store.account(first).await.expect("reads").expect("held");
    assert_eq!(account.role, Role::ImprovementManager, "the role the provider says now");

    let taken = store
        .sign_in_from_provider(
            "https://login.example/tenant|0002",
            &vouched_for("data.manager", Role::Administrator),
        )
        .await;
    assert!(
        matches!(taken, Err(StoreError::Refused(_))),
        "a username of an account made otherwise is not taken over"
    );
    let local = store.credentials("data.manager").await.expect("reads").expect("held");
    let unchanged = store.account(local.account_id).await.expect("reads").expect("held");
    assert_eq!(unchanged.role, Role::DataManager);
}

#[tokio::test]
async fn a_sign_in_flow_is_taken_once_and_not_after_it_expires() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (_, store) = generated_database(&directory).await;
    // To the microsecond, as PostgreSQL keeps a time (SQLite keeps the nanoseconds too).
    let now = Utc::now().trunc_subsecs(6);
    let flow = |token: &str, created_at| SignInFlow {
        token_hash: token.to_owned(),
        state: "state".to_owned(),
        nonce: "nonce".to_owned(),
        pkce_verifier: "verifier".to_owned(),
        created_at,
    };
    store.start_sign_in_flow(&flow("fresh", now)).await.expect("kept");
    store
        .start_sign_in_flow(&flow("stale", now - Duration::minutes(20)))
        .await
        .expect("kept");
    let since = now - Duration::minutes(10);
    assert_eq!(
        store.take_sign_in_flow("fresh", since).await.expect("reads"),
        Some(flow("fresh", now))
    );
    assert_eq!(
        store.take_sign_in_flow("fresh", since).await.expect("reads"),
        None,
        "once"
    );
    assert_eq!(
        store.take_sign_in_flow("stale", since).await.expect("reads"),
        None,
        "expired"
    );
    assert_eq!(store.take_sign_in_flow("never", since).await.expect("reads"), None);
}

#[tokio::test]
async fn without_a_provider_there_is_no_single_sign_on_and_a_return_without_its_start_is_refused() {
    let plain = server().await;
    let (status, page) = plain.text_anonymous("/sign-in").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !page.contains("/sign-in/single-sign-on"),
        "no button without a provider"
    );
    let response = plain.get("/sign-in/single-sign-on", None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let configured = Config {
        single_sign_on: Some(SingleSignOn {
            // Nothing listens here: the return is refused before the provider is asked.
            issuer: "http://127.0.0.1:9/".to_owned(),
            client_id: "stride".to_owned(),
            client_secret: "secret".to_owned(),
            redirect_url: "http://127.0.0.1:9/sign-in/single-sign-on/return".to_owned(),
            role_claim: "roles".to_owned(),
            provider_name: "your council account".to_owned(),
        }),
        ..Config::default()
    };
    let offered = server_with(&fixture().database, configured).await;
    let (_, page) = offered.text_anonymous("/sign-in").await;
    assert!(page.contains("Sign in with your council account"));
    let response = offered
        .get("/sign-in/single-sign-on/return?code=stolen&state=guessed", None)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "no sign-in was started here"
    );
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("This sign-in has expired")
    );
    let unreachable = offered.get("/sign-in/single-sign-on", None).await;
    assert_eq!(
        unreachable.status(),
        StatusCode::BAD_GATEWAY,
        "a provider that cannot be reached is said so"
    );
}
