//! Every route of the router, for every role, against a declared table of who may use it. The
//! routes are read from the router's own source, so a route added without a rule here fails.
//! A school or pupil in an address is one the account may see, so that what is tested is the
//! role's access; scope is tested with the pages themselves.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use stride_core::Role;
use stride_store::PupilFilter;

mod common;
use common::*;

/// Who may use a route.
#[derive(Clone, Copy)]
enum Rule {
    /// Anyone, signed in or not.
    Anyone,
    /// Anyone signed in.
    SignedIn,
    /// Those whose role says so.
    Role(fn(Role) -> bool),
}

use Rule::{Anyone, SignedIn};

fn reports_or_pupils(role: Role) -> bool {
    role.has_pupil_access() || role.can_read_reports()
}

fn cycle_readers(role: Role) -> bool {
    role.works_cases() || role.configures_cycle()
}

/// The declared table: method, route as the router names it, and who may use it.
const RULES: &[(&str, &str, Rule)] = &[
    // The front door only sends its visitor on to the schools, which ask them to sign in.
    ("GET", "/", Anyone),
    ("GET", "/sign-in", Anyone),
    ("POST", "/sign-in", Anyone),
    ("POST", "/sign-out", SignedIn),
    ("GET", "/health", Anyone),
    ("GET", "/categorisation", Rule::Role(Role::can_see_categorisation)),
    ("GET", "/categorisation.csv", Rule::Role(Role::can_see_categorisation)),
    ("GET", "/categorisation.xlsx", Rule::Role(Role::can_see_categorisation)),
    (
        "POST",
        "/categorisation/runs",
        Rule::Role(Role::can_decide_categorisation),
    ),
    (
        "GET",
        "/categorisation/history",
        Rule::Role(Role::can_see_categorisation),
    ),
    (
        "GET",
        "/categorisation/what-if",
        Rule::Role(Role::can_decide_categorisation),
    ),
    (
        "POST",
        "/categorisation/what-if",
        Rule::Role(Role::can_decide_categorisation),
    ),
    (
        "GET",
        "/categorisation/rules/{name}",
        Rule::Role(Role::can_see_categorisation),
    ),
    (
        "POST",
        "/categorisation/rule-sets",
        Rule::Role(Role::can_decide_categorisation),
    ),
    ("GET", "/categorisation/{urn}", Rule::Role(Role::can_see_categorisation)),
    (
        "POST",
        "/categorisation/{urn}/level",
        Rule::Role(Role::can_decide_categorisation),
    ),
    (
        "POST",
        "/categorisation/{urn}/self-nomination",
        Rule::Role(Role::can_decide_categorisation),
    ),
    ("GET", "/my-work", Rule::Role(Role::works_cases)),
    ("GET", "/my-work.csv", Rule::Role(Role::works_cases)),
    ("GET", "/my-work.xlsx", Rule::Role(Role::works_cases)),
    ("GET", "/register", Rule::Role(Role::can_see_register)),
    ("POST", "/my-work/calendar-feed", Rule::Role(Role::works_cases)),
    ("GET", "/cycle/summary", Rule::Role(Role::can_see_register)),
    ("GET", "/cycle/calendar", Rule::Role(cycle_readers)),
    // A calendar feed is read by a calendar application with the token in its address.
    ("GET", "/calendar/{file}", Anyone),
    ("GET", "/cycle/clocks", Rule::Role(cycle_readers)),
    ("POST", "/cycle/clocks", Rule::Role(Role::configures_cycle)),
    ("GET", "/cycle/terms", Rule::Role(cycle_readers)),
    ("POST", "/cycle/terms", Rule::Role(Role::configures_cycle)),
    ("GET", "/schools/{urn}/record", Rule::Role(Role::works_cases)),
    (
        "POST",
        "/schools/{urn}/record/activities",
        Rule::Role(Role::works_cases),
    ),
    ("POST", "/schools/{urn}/record/case", Rule::Role(Role::decides_steps)),
    ("POST", "/schools/{urn}/record/steps", Rule::Role(Role::decides_steps)),
    ("POST", "/schools/{urn}/record/plan", Rule::Role(Role::decides_steps)),
    (
        "POST",
        "/schools/{urn}/record/plan/changes",
        Rule::Role(Role::decides_steps),
    ),
    ("POST", "/schools/{urn}/record/documents", Rule::Role(Role::works_cases)),
    (
        "GET",
        "/schools/{urn}/record/documents/{id}",
        Rule::Role(Role::works_cases),
    ),
    (
        "GET",
        "/schools/{urn}/record/find-support",
        Rule::Role(Role::works_cases),
    ),
    ("GET", "/reports", Rule::Role(Role::can_read_reports)),
    ("GET", "/reports/{file}", Rule::Role(Role::can_read_reports)),
    (
        "POST",
        "/reports/school-data-profile/batches",
        Rule::Role(Role::can_read_school_profiles),
    ),
    (
        "GET",
        "/reports/school-data-profile/batches/{file}",
        Rule::Role(Role::can_read_school_profiles),
    ),
    (
        "GET",
        "/schools/{urn}/data-profile",
        Rule::Role(Role::can_read_school_profiles),
    ),
    (
        "GET",
        "/schools/{urn}/data-profile.pdf",
        Rule::Role(Role::can_read_school_profiles),
    ),
    (
        "GET",
        "/schools/{urn}/data-profile.xlsx",
        Rule::Role(Role::can_read_school_profiles),
    ),
    (
        "GET",
        "/schools/{urn}/data-profile.csv",
        Rule::Role(Role::can_read_school_profiles),
    ),
    ("GET", "/plans", Rule::Role(Role::can_read_action_plans)),
    ("POST", "/plans", Rule::Role(Role::keeps_action_plans)),
    ("GET", "/plans/{id}", Rule::Role(Role::can_read_action_plans)),
    ("POST", "/plans/{id}/actions", Rule::Role(Role::keeps_action_plans)),
    ("POST", "/plans/{id}/tasks", Rule::Role(Role::keeps_action_plans)),
    ("POST", "/plans/{id}/reports", Rule::Role(Role::keeps_action_plans)),
    ("GET", "/plans/{id}/{file}", Rule::Role(Role::can_read_action_plans)),
    (
        "GET",
        "/plans/{id}/tasks/{task}",
        Rule::Role(Role::can_read_action_plans),
    ),
    (
        "POST",
        "/plans/{id}/tasks/{task}/updates",
        Rule::Role(Role::keeps_action_plans),
    ),
    ("GET", "/support", Rule::Role(Role::works_cases)),
    ("GET", "/support/in-category.csv", Rule::Role(Role::works_cases)),
    ("GET", "/support/in-category.xlsx", Rule::Role(Role::works_cases)),
    ("GET", "/support/inspected.csv", Rule::Role(Role::works_cases)),
    ("GET", "/support/inspected.xlsx", Rule::Role(Role::works_cases)),
    ("GET", "/support/impact", Rule::Role(Role::works_cases)),
    ("GET", "/support/impact.csv", Rule::Role(Role::works_cases)),
    ("GET", "/support/impact.xlsx", Rule::Role(Role::works_cases)),
    ("GET", "/support/providers", Rule::Role(Role::works_cases)),
    ("POST", "/support/providers", Rule::Role(Role::decides_steps)),
    ("GET", "/support/providers.csv", Rule::Role(Role::works_cases)),
    ("GET", "/support/providers.xlsx", Rule::Role(Role::works_cases)),
    ("GET", "/support/providers/{id}", Rule::Role(Role::works_cases)),
    ("POST", "/support/providers/{id}", Rule::Role(Role::decides_steps)),
    (
        "GET",
        "/support/providers/{id}/record.csv",
        Rule::Role(Role::works_cases),
    ),
    (
        "GET",
        "/support/providers/{id}/record.xlsx",
        Rule::Role(Role::works_cases),
    ),
    ("GET", "/schools", SignedIn),
    ("GET", "/schools.csv", SignedIn),
    ("GET", "/schools.xlsx", SignedIn),
    ("GET", "/schools/{urn}", SignedIn),
    ("GET", "/schools/{urn}/figures.csv", SignedIn),
    ("GET", "/schools/{urn}/figures.xlsx", SignedIn),
    ("GET", "/imports", Rule::Role(Role::can_import)),
    ("POST", "/imports", Rule::Role(Role::can_import)),
    ("GET", "/imports/{id}", Rule::Role(Role::can_import)),
    ("GET", "/sources", SignedIn),
    ("GET", "/pupils", Rule::Role(Role::has_pupil_access)),
    ("POST", "/pupils/search", Rule::Role(Role::has_pupil_access)),
    ("GET", "/pupils/due", Rule::Role(Role::has_pupil_access)),
    ("GET", "/pupils/not-in-school", Rule::Role(Role::has_pupil_access)),
    ("GET", "/pupils/not-in-school.csv", Rule::Role(Role::has_pupil_access)),
    ("GET", "/pupils/not-in-school.xlsx", Rule::Role(Role::has_pupil_access)),
    ("GET", "/pupils/due.csv", Rule::Role(Role::has_pupil_access)),
    ("GET", "/pupils/due.xlsx", Rule::Role(Role::has_pupil_access)),
    ("POST", "/pupils/{id}/episodes", Rule::Role(Role::has_pupil_access)),
    ("POST", "/pupils/{id}/caseload", Rule::Role(Role::has_pupil_access)),
    (
        "POST",
        "/pupils/{id}/episodes/{episode}",
        Rule::Role(Role::has_pupil_access),
    ),
    ("GET", "/pupils/{id}", Rule::Role(Role::has_pupil_access)),
    ("GET", "/attendance/schools/{file}", Rule::Role(Role::has_pupil_access)),
    ("GET", "/attendance", Rule::Role(reports_or_pupils)),
    ("GET", "/attendance.csv", Rule::Role(reports_or_pupils)),
    ("GET", "/attendance.xlsx", Rule::Role(reports_or_pupils)),
    ("GET", "/vulnerable-learners", Rule::Role(reports_or_pupils)),
    ("GET", "/vulnerable-learners.csv", Rule::Role(reports_or_pupils)),
    ("GET", "/vulnerable-learners/{file}", Rule::Role(reports_or_pupils)),
    ("GET", "/vulnerable-learners.xlsx", Rule::Role(reports_or_pupils)),
    ("GET", "/audit", Rule::Role(Role::reads_audit_log)),
    ("GET", "/audit.csv", Rule::Role(Role::reads_audit_log)),
    ("GET", "/audit.xlsx", Rule::Role(Role::reads_audit_log)),
];

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
    let store = stride_store::open(fixture().database.to_str().expect("utf-8"))
        .await
        .expect("opens");
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
