//! The JSON API against the real server on a generated authority: tokens for service accounts,
//! the same scope and audit as the pages, pagination, JSON errors, and an OpenAPI document that
//! describes every API route the router has. What it answers is checked against the generator's
//! own records, not read back through the API's code.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;
use stride_core::Figure;
use stride_core::pupils::AuditAction;
use stride_store::{AuditSearch, PupilFilter};

mod common;
use common::*;

async fn account_id(server: &Server, username: &str) -> i64 {
    server
        .store
        .credentials(username)
        .await
        .expect("reads")
        .expect("a demo account")
        .account_id
}

async fn token_for(server: &Server, username: &str) -> String {
    let id = account_id(server, username).await;
    stride_web::api::issue_token(server.store.as_ref(), id, "tests", chrono::Utc::now())
        .await
        .expect("issued")
}

/// A GET with a token, answered as its status and its body read as JSON.
async fn api(server: &Server, path: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut request = server.client.get(format!("{}{path}", server.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("sent");
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.text().await.expect("body");
    assert!(
        content_type.starts_with("application/json"),
        "{path} answered {status} as {content_type}: {body}"
    );
    (status, serde_json::from_str(&body).expect("JSON"))
}

/// Every item of a list, read page by page.
async fn every_item(server: &Server, path: &str, token: &str) -> Vec<Value> {
    let mut items = Vec::new();
    for page in 1.. {
        let joiner = if path.contains('?') { '&' } else { '?' };
        let (status, body) = api(server, &format!("{path}{joiner}page={page}&per_page=200"), Some(token)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        let got = body["items"].as_array().expect("items").clone();
        let total = body["total"].as_u64().expect("total") as usize;
        items.extend(got.iter().cloned());
        if got.is_empty() || items.len() >= total {
            assert_eq!(items.len(), total, "{path}: the pages hold the total");
            break;
        }
    }
    items
}

fn urns(items: &[Value], field: &str) -> BTreeSet<String> {
    items
        .iter()
        .map(|item| item[field].as_str().expect("a URN").to_owned())
        .collect()
}

#[tokio::test]
async fn a_token_reads_the_schools_its_account_may_see_and_no_others() {
    let server = server().await;
    let dataset = &fixture().authority.dataset;
    let own = dataset.local_authority.as_ref().expect("an LA").code;
    let every_own: BTreeSet<String> = dataset
        .establishments
        .iter()
        .filter(|school| school.la == own)
        .map(|school| school.urn.to_string())
        .collect();

    let manager = token_for(&server, "improvement.manager").await;
    let schools = every_item(&server, "/api/v1/schools", &manager).await;
    assert_eq!(urns(&schools, "urn"), every_own, "the LA's own schools, every one");
    assert!(
        schools
            .iter()
            .all(|school| school["own_authority"] == Value::Bool(true))
    );
    let every = every_item(&server, "/api/v1/schools?area=all", &manager).await;
    assert_eq!(
        every.len(),
        dataset.establishments.len(),
        "every school held, with area=all"
    );

    let adviser = token_for(&server, "adviser.north").await;
    let adviser_id = account_id(&server, "adviser.north").await;
    let account = server.store.account(adviser_id).await.expect("reads").expect("held");
    let assigned: BTreeSet<String> = every_own
        .iter()
        .filter(|urn| account.can_see_school(urn.parse().expect("a URN")))
        .cloned()
        .collect();
    assert!(!assigned.is_empty() && assigned.len() < every_own.len());
    let seen = every_item(&server, "/api/v1/schools", &adviser).await;
    assert_eq!(
        urns(&seen, "urn"),
        assigned,
        "an adviser's token sees their schools alone"
    );
    let outside = every_own.difference(&assigned).next().expect("a school not assigned");
    let (status, body) = api(&server, &format!("/api/v1/schools/{outside}"), Some(&adviser)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not-found"))
    );
    let (status, _) = api(&server, &format!("/api/v1/schools/{outside}/figures"), Some(&adviser)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nor its figures");

    let mine = assigned.iter().next().expect("an assigned school");
    let (status, school) = api(&server, &format!("/api/v1/schools/{mine}"), Some(&adviser)).await;
    assert_eq!(status, StatusCode::OK);
    let generated = dataset
        .establishments
        .iter()
        .find(|school| school.urn.to_string() == *mine)
        .expect("generated");
    assert_eq!(school["name"], generated.name.as_str());
    assert_eq!(school["phase"], generated.phase.code());
    assert_eq!(school["establishment_type"], generated.establishment_type.code());
}

#[tokio::test]
async fn a_schools_figures_are_the_figures_generated_for_it_with_their_sources() {
    let server = server().await;
    let dataset = &fixture().authority.dataset;
    let token = token_for(&server, "data.manager").await;
    let urn = dataset.establishments[0].urn;
    let generated: Vec<_> = dataset
        .school_figures
        .iter()
        .filter(|figure| figure.urn == urn)
        .collect();
    assert!(generated.len() > 20, "a school with figures");
    let figures = every_item(&server, &format!("/api/v1/schools/{urn}/figures"), &token).await;
    assert_eq!(figures.len(), generated.len(), "every figure, once");
    for expected in generated {
        let found = figures
            .iter()
            .find(|held| {
                held["measure"] == expected.measure.code()
                    && held["academic_year"] == expected.year.to_string().as_str()
                    && held["pupil_group"] == expected.group.code()
            })
            .unwrap_or_else(|| panic!("{:?} {} missing", expected.measure, expected.year));
        match expected.figure {
            Figure::Value(value) => {
                let got = found["value"].as_f64().expect("a value");
                assert!((got - value).abs() < 1e-9, "{:?}: {got} for {value}", expected.measure);
                assert!(found["missing_reason"].is_null());
            }
            Figure::Missing(reason) => {
                assert!(found["value"].is_null(), "a missing figure is never a number");
                assert_eq!(found["missing_reason"], reason.code());
            }
        }
        assert_eq!(found["release"], expected.release.code());
        assert_eq!(found["source"], expected.source.as_str());
    }
}

#[tokio::test]
async fn pages_are_cut_as_asked_and_bad_paging_is_refused_in_json() {
    let server = server().await;
    let token = token_for(&server, "data.manager").await;
    let (_, first) = api(&server, "/api/v1/schools?per_page=7", Some(&token)).await;
    let (_, second) = api(&server, "/api/v1/schools?per_page=7&page=2", Some(&token)).await;
    let (_, both) = api(&server, "/api/v1/schools?per_page=14", Some(&token)).await;
    let joined: Vec<Value> = [first["items"].as_array(), second["items"].as_array()]
        .into_iter()
        .flatten()
        .flatten()
        .cloned()
        .collect();
    assert_eq!(joined.len(), 14);
    assert_eq!(Some(&joined), both["items"].as_array(), "two pages of 7 are one of 14");
    assert_eq!(first["total"], both["total"]);
    for bad in [
        "page=0",
        "page=1000001",
        "per_page=0",
        "per_page=501",
        "page=abc",
        "page=-1",
        "area=elsewhere",
    ] {
        let (status, body) = api(&server, &format!("/api/v1/schools?{bad}"), Some(&token)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["error"], "bad-request");
    }
}

#[tokio::test]
async fn without_a_good_token_or_the_right_role_the_api_refuses_in_json() {
    let server = server().await;
    let (status, body) = api(&server, "/api/v1/schools", None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorised"))
    );
    let (status, _) = api(&server, "/api/v1/schools", Some("stride_not-a-token")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a token never issued");

    let member = token_for(&server, "elected.member").await;
    let (status, body) = api(&server, "/api/v1/pupils", Some(&member)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let (status, _) = api(&server, "/api/v1/cases", Some(&member)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let inclusion = token_for(&server, "inclusion.officer").await;
    let (status, _) = api(&server, "/api/v1/categories", Some(&inclusion)).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an inclusion officer does not see categorisation"
    );

    let revoked = server
        .store
        .revoke_api_tokens(account_id(&server, "elected.member").await)
        .await
        .expect("revoked");
    assert_eq!(revoked, 1);
    let (status, _) = api(&server, "/api/v1/schools", Some(&member)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a withdrawn token is refused");

    let response = server
        .client
        .post(format!("{}/api/v1/schools", server.base))
        .bearer_auth(&inclusion)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        response.headers().get("allow").and_then(|value| value.to_str().ok()),
        Some("GET, HEAD")
    );
}

#[tokio::test]
async fn the_api_reads_pupils_in_scope_and_writes_each_one_read_to_the_audit_log() {
    let server = server().await;
    let username = "headteacher";
    let token = token_for(&server, username).await;
    let id = account_id(&server, username).await;
    let account = server.store.account(id).await.expect("reads").expect("held");
    let stride_core::SchoolScope::OwnSchool(own_school) = account.scope else {
        panic!("a headteacher sees their own school")
    };
    let on_roll: BTreeSet<i64> = server
        .store
        .pupils(PupilFilter::AtSchool(own_school))
        .await
        .expect("reads")
        .iter()
        .map(|pupil| pupil.id)
        .collect();
    assert!(on_roll.len() > 5);
    let audited = |action| AuditSearch {
        account_id: Some(id),
        action: Some(action),
        ..AuditSearch::default()
    };
    let before = server
        .store
        .audit_search(&audited(AuditAction::ListPupils), 100_000)
        .await
        .expect("reads")
        .len();
    let (status, page) = api(&server, "/api/v1/pupils?per_page=5", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        page["total"].as_u64(),
        Some(on_roll.len() as u64),
        "the school's pupils"
    );
    let listed: Vec<i64> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|pupil| pupil["id"].as_i64().expect("an id"))
        .collect();
    assert_eq!(listed.len(), 5);
    assert!(listed.iter().all(|pupil| on_roll.contains(pupil)));
    let after = server
        .store
        .audit_search(&audited(AuditAction::ListPupils), 100_000)
        .await
        .expect("reads");
    assert_eq!(
        after.len(),
        before + 5,
        "the five on the page, and only they, are audited"
    );

    let (status, pupil) = api(&server, &format!("/api/v1/pupils/{}", listed[0]), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    let held = server
        .store
        .pupils(PupilFilter::Id(listed[0]))
        .await
        .expect("reads")
        .pop()
        .expect("held");
    assert_eq!(pupil["upn"], held.upn.to_string().as_str());
    assert_eq!(pupil["surname"], held.surname.as_str());
    assert_eq!(
        pupil["returns"].as_array().map(Vec::len),
        Some(held.returns.len()),
        "every census return"
    );
    let viewed = server
        .store
        .audit_search(&audited(AuditAction::ViewPupil), 100_000)
        .await
        .expect("reads");
    assert!(viewed.iter().any(|(_, entry)| entry.pupil_id == Some(listed[0])));

    let elsewhere = server
        .store
        .pupils(PupilFilter::All)
        .await
        .expect("reads")
        .into_iter()
        .find(|pupil| !on_roll.contains(&pupil.id))
        .expect("a pupil of another school");
    let (status, _) = api(&server, &format!("/api/v1/pupils/{}", elsewhere.id), Some(&token)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a pupil outside the scope is not held");
}

#[tokio::test]
async fn categories_match_the_categorisation_download_and_cases_the_record() {
    let server = server().await;
    let username = "improvement.manager";
    let token = token_for(&server, username).await;
    let categories = every_item(&server, "/api/v1/categories", &token).await;
    let user = server.sign_in(username).await;
    let response = server.get("/categorisation.csv", Some(&user)).await;
    let (headers, rows) = csv_records(&response.bytes().await.expect("body"));
    let (urn_column, level_column) = (column(&headers, "URN"), column(&headers, "Level"));
    assert_eq!(categories.len(), rows.len(), "every school the download lists");
    for row in &rows {
        let category = categories
            .iter()
            .find(|category| category["urn"] == row[urn_column].as_str())
            .unwrap_or_else(|| panic!("{} missing", row[urn_column]));
        assert_eq!(category["level_name"], row[level_column].as_str());
        assert!(!category["findings"].as_array().expect("findings").is_empty());
    }
    let first = &categories[0];
    let (status, one) = api(
        &server,
        &format!("/api/v1/categories/{}", first["urn"].as_str().expect("a URN")),
        Some(&token),
    )
    .await;
    assert_eq!((status, &one), (StatusCode::OK, first));
    let (status, _) = api(&server, "/api/v1/categories?rules=no-such-rules", Some(&token)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let cases = every_item(&server, "/api/v1/cases", &token).await;
    let generated = &fixture().authority.dataset.cases;
    assert_eq!(cases.len(), generated.len(), "every case");
    for case in generated {
        let listed = cases
            .iter()
            .find(|listed| {
                listed["urn"] == case.urn.to_string().as_str()
                    && listed["opened_on"] == case.opened_on.to_string().as_str()
            })
            .expect("the case is listed");
        assert_eq!(listed["stage"], case.stage().code());
        assert_eq!(listed["steps"].as_array().map(Vec::len), Some(case.steps.len()));
    }
}

#[tokio::test]
async fn a_person_signed_in_reads_the_api_with_their_session() {
    let server = server().await;
    let user = server.sign_in("adviser.north").await;
    let response = server.get("/api/v1/schools", Some(&user)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = serde_json::from_str(&response.text().await.expect("body")).expect("JSON");
    assert!(body["total"].as_u64().expect("a total") > 0);
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route_and_no_other() {
    let server = server().await;
    let (status, document) = api(&server, "/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK, "open to anyone");
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|version| version.starts_with("3."))
    );
    let described: BTreeSet<String> = document["paths"].as_object().expect("paths").keys().cloned().collect();
    let ruled: BTreeSet<String> = stride_web::access::RULES
        .iter()
        .map(|(_, route, _)| (*route).to_owned())
        .filter(|route| route.starts_with("/api/v1/") && route != "/api/v1/openapi.json")
        .collect();
    assert_eq!(described, ruled, "the document and the router name the same routes");
    assert_eq!(
        document["components"]["securitySchemes"]["token"]["scheme"], "bearer",
        "tokens are described"
    );
}

/// The stride binary on a database, as an administrator would run it.
fn stride(arguments: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_stride"))
        .args(arguments)
        .output()
        .expect("stride runs")
}

#[tokio::test]
async fn the_command_line_issues_a_token_printed_once_and_withdraws_it() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (database, _) = generated_database(&directory).await;
    let db = database.as_str();
    let issued = stride(&[
        "account",
        "token",
        "--db",
        db,
        "--username",
        "data.manager",
        "--label",
        "Power BI",
    ]);
    assert!(issued.status.success(), "{}", String::from_utf8_lossy(&issued.stderr));
    let token = String::from_utf8(issued.stdout).expect("utf-8").trim().to_owned();
    assert!(
        token.starts_with("stride_") && token.len() > 60,
        "the token alone: {token}"
    );
    let server = server_on(&database).await;
    let (status, body) = api(&server, "/api/v1/cases?per_page=1", Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let unknown = stride(&["account", "token", "--db", db, "--username", "nobody", "--label", "x"]);
    assert!(!unknown.status.success(), "no token for an account not held");
    let withdrawn = stride(&["account", "revoke-tokens", "--db", db, "--username", "data.manager"]);
    assert!(withdrawn.status.success());
    assert!(String::from_utf8_lossy(&withdrawn.stdout).contains("Withdrew 1"));
    let (status, _) = api(&server, "/api/v1/cases", Some(&token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "withdrawn");
}
