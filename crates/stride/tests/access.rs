//! Every route of the router, for every role, against the declared table of who may use it
//! (`stride_web::access::RULES`, which the router enforces). The routes are read from the
//! router's own source, so a route added without a rule fails; asking each as every role shows
//! no handler refuses a role the table lets through.
//! A school or pupil in an address is one the account may see, so that what is tested is the
//! role's access; scope is tested with the pages themselves.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use stride_core::Role;
use stride_store::PupilFilter;

mod common;
use common::*;

use Rule::{Anyone, SignedIn};
use stride_web::access::{RULES, Rule};

/// Every route and method the router serves, read from its source.
fn routes_in_router() -> BTreeSet<(String, String)> {
    let source = include_str!("../../stride-web/src/lib.rs");
    let router = source.split("pub fn router(").nth(1).expect("the router");
    let mut routes = BTreeSet::new();
    for call in router.split(".route(").skip(1) {
        let call = call.split(".merge(").next().unwrap_or(call);
        let path = call.split('"').nth(1).expect("a route's path").to_owned();
        let handlers = &call[call.find(',').unwrap_or(0)..];
        if handlers.trim_start_matches([',', ' ', '\n']).starts_with("get(") {
            routes.insert(("GET".to_owned(), path.clone()));
        }
        if handlers.contains("post(") {
            routes.insert(("POST".to_owned(), path.clone()));
        }
    }
    routes
}

#[test]
fn every_route_of_the_router_has_a_rule_and_every_rule_a_route() {
    let declared: BTreeSet<(String, String)> = RULES
        .iter()
        .map(|(method, path, _)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    assert_eq!(declared.len(), RULES.len(), "each route is declared once");
    let served = routes_in_router();
    let undeclared: Vec<_> = served.difference(&declared).collect();
    assert!(undeclared.is_empty(), "routes without a rule: {undeclared:?}");
    let gone: Vec<_> = declared.difference(&served).collect();
    assert!(gone.is_empty(), "rules of routes the router no longer has: {gone:?}");
}

/// The values put in a route's address for an account: a school and a pupil it may see.
struct Sample {
    urn: String,
    pupil: String,
    plan: String,
    task: String,
}

fn address(route: &str, sample: &Sample) -> String {
    route
        .replace(
            "/attendance/schools/{file}",
            &format!("/attendance/schools/{}", sample.urn),
        )
        .replace("/reports/{file}", "/reports/monthly-data-set")
        .replace("/vulnerable-learners/{file}", "/vulnerable-learners/outcomes")
        .replace("/plans/{id}/{file}", &format!("/plans/{}/report", sample.plan))
        .replace("/batches/{file}", "/batches/1")
        .replace("/calendar/{file}", "/calendar/not-a-feed.ics")
        .replace("{name}", "national-2025")
        .replace("{urn}", &sample.urn)
        .replace("/pupils/{id}", &format!("/pupils/{}", sample.pupil))
        .replace("/plans/{id}", &format!("/plans/{}", sample.plan))
        .replace("{task}", &sample.task)
        .replace("{episode}", "1")
        .replace("{id}", "1")
}

async fn sample_for(store: &dyn stride_store::Store, username: &str) -> (Role, Sample) {
    let credentials = store
        .credentials(username)
        .await
        .expect("reads")
        .expect("a demo account");
    let account = store
        .account(credentials.account_id)
        .await
        .expect("reads")
        .expect("held");
    let la = store.local_authority().await.expect("reads").map(|la| la.code);
    let urn = store
        .school_list_rows(la)
        .await
        .expect("reads")
        .into_iter()
        .map(|row| row.urn)
        .find(|urn| account.can_see_school(*urn))
        .expect("a school the account sees");
    let pupil = store
        .pupils(PupilFilter::AtSchool(urn))
        .await
        .expect("reads")
        .first()
        .map_or(1, |pupil| pupil.id);
    let plans = store.action_plans().await.expect("reads");
    let plan = plans.first().expect("a plan");
    let task = plan
        .actions
        .iter()
        .flat_map(|action| action.tasks.iter())
        .next()
        .map_or(1, |task| task.id);
    (
        account.role,
        Sample {
            urn: urn.to_string(),
            pupil: pupil.to_string(),
            plan: plan.id.to_string(),
            task: task.to_string(),
        },
    )
}

/// Whether an answer let the request through: not refused, not sent to sign in.
fn let_through(status: StatusCode, location: Option<&str>) -> bool {
    let to_sign_in = status.is_redirection() && location.is_some_and(|to| to.starts_with("/sign-in"));
    !(status == StatusCode::FORBIDDEN || status == StatusCode::UNAUTHORIZED || to_sign_in)
}

/// Every route asked as one account: what it answered against the table.
async fn answers_against_the_table(
    server: &Server,
    username: &str,
    role: Role,
    sample: &Sample,
    user: &User,
) -> Vec<String> {
    let mut wrong = Vec::new();
    // Signing out would end the session the rest are asked in.
    for (method, route, rule) in RULES.iter().filter(|(_, route, _)| *route != "/sign-out") {
        let allowed = match rule {
            // The open routes answer a signed-in user as anyone: sign-in with an empty form is
            // refused for its form, not its user.
            Anyone => continue,
            SignedIn => true,
            Rule::Role(may) => may(role),
        };
        let path = address(route, sample);
        let response = if *method == "GET" {
            server.get(&path, Some(user)).await
        } else {
            server.post_form(&path, user, &[]).await
        };
        let location = response
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let through = let_through(response.status(), location.as_deref());
        // A POST refused by its role may be refused for its empty form first: refused all the
        // same. What must not happen is a denied role let through.
        let denied_answered_right = !through || (*method == "POST" && response.status().is_client_error());
        if allowed && !through {
            wrong.push(format!(
                "{username} ({role:?}) refused {method} {path}: {}",
                response.status()
            ));
        }
        if !allowed && !denied_answered_right {
            wrong.push(format!(
                "{username} ({role:?}) let through {method} {path}: {}",
                response.status()
            ));
        }
    }
    wrong
}

/// One account of each role, each asked every route at once with the others.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_role_as_the_table_says() {
    let server = std::sync::Arc::new(server().await);
    let store = stride_store::open(&fixture().database).await.expect("opens");
    let accounts = [
        "data.manager",
        "improvement.manager",
        "adviser.north",
        "inclusion.officer",
        "headteacher",
        "elected.member",
        "administrator",
    ];
    let mut asked = Vec::new();
    let mut roles = BTreeSet::new();
    for username in accounts {
        let (role, sample) = sample_for(store.as_ref(), username).await;
        roles.insert(role.code());
        let user = server.sign_in(username).await;
        let server = server.clone();
        asked.push(tokio::spawn(async move {
            answers_against_the_table(&server, username, role, &sample, &user).await
        }));
    }
    assert_eq!(roles.len(), Role::ALL.len(), "every role is asked");
    let mut wrong = Vec::new();
    for answers in asked {
        wrong.extend(answers.await.expect("asked"));
    }
    assert!(
        wrong.is_empty(),
        "{} answers against the table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[tokio::test]
async fn every_route_but_the_open_ones_sends_a_stranger_to_sign_in() {
    let server = server().await;
    let sample = Sample {
        urn: "914001".into(),
        pupil: "1".into(),
        plan: "1".into(),
        task: "1".into(),
    };
    let mut wrong = Vec::new();
    for (method, route, rule) in RULES {
        if matches!(rule, Anyone) {
            continue;
        }
        let path = address(route, &sample);
        let response = if *method == "GET" {
            server.get(&path, None).await
        } else {
            server
                .client
                .post(format!("{}{path}", server.base))
                .send()
                .await
                .expect("sent")
        };
        let status = response.status();
        let location = response.headers().get("location").and_then(|value| value.to_str().ok());
        if let_through(status, location) && !status.is_client_error() {
            wrong.push(format!("{method} {path}: {status}"));
        }
    }
    assert!(wrong.is_empty(), "answered a stranger:\n{}", wrong.join("\n"));
}
