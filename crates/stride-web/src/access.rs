//! Who may use each route, decided in one place before any handler runs: a declared table of
//! method, route and rule, enforced by [`authorise`] on every route the router has. A route
//! without a rule is refused, and a test reads the router's source so that one cannot be added
//! without its rule. Handlers still keep to the account's scope (which schools, which pupils),
//! and check the role again where they answer differently by it.

use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use stride_core::Role;

use crate::api::{self, ApiError};
use crate::auth::token_hash;
use crate::session::SignedIn;
use crate::{AppState, WebError};

/// Who may use a route.
#[derive(Clone, Copy)]
pub enum Rule {
    /// Anyone, signed in or not.
    Anyone,
    /// Anyone signed in.
    SignedIn,
    /// Those whose role says so.
    Role(fn(Role) -> bool),
}

fn reports_or_pupils(role: Role) -> bool {
    role.has_pupil_access() || role.can_read_reports()
}

fn cycle_readers(role: Role) -> bool {
    role.works_cases() || role.configures_cycle()
}

/// The table: method, route as the router names it, and who may use it.
pub const RULES: &[(&str, &str, Rule)] = &[
    // The front door only sends its visitor on to the schools, which ask them to sign in.
    ("GET", "/", Rule::Anyone),
    ("GET", "/sign-in", Rule::Anyone),
    ("POST", "/sign-in", Rule::Anyone),
    ("GET", "/sign-in/code", Rule::Anyone),
    ("POST", "/sign-in/code", Rule::Anyone),
    ("GET", "/sign-in/single-sign-on", Rule::Anyone),
    ("GET", "/sign-in/single-sign-on/return", Rule::Anyone),
    ("POST", "/sign-out", Rule::SignedIn),
    ("GET", "/account", Rule::SignedIn),
    ("POST", "/account/password", Rule::SignedIn),
    ("GET", "/account/two-factor", Rule::SignedIn),
    ("POST", "/account/two-factor", Rule::SignedIn),
    ("GET", "/health", Rule::Anyone),
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
    ("GET", "/calendar/{file}", Rule::Anyone),
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
        Rule::Role(Role::works_cases),
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
    ("GET", "/schools", Rule::SignedIn),
    ("GET", "/schools.csv", Rule::SignedIn),
    ("GET", "/schools.xlsx", Rule::SignedIn),
    ("GET", "/schools/{urn}", Rule::SignedIn),
    ("GET", "/schools/{urn}/figures.csv", Rule::SignedIn),
    ("GET", "/schools/{urn}/figures.xlsx", Rule::SignedIn),
    ("GET", "/imports", Rule::Role(Role::can_import)),
    ("POST", "/imports", Rule::Role(Role::can_import)),
    ("GET", "/imports/{id}", Rule::Role(Role::can_import)),
    ("GET", "/sources", Rule::SignedIn),
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
    // The API's description is no secret; what it describes is ruled as the pages are.
    ("GET", "/api/v1/openapi.json", Rule::Anyone),
    ("GET", "/api/v1/schools", Rule::SignedIn),
    ("GET", "/api/v1/schools/{urn}", Rule::SignedIn),
    ("GET", "/api/v1/schools/{urn}/figures", Rule::SignedIn),
    ("GET", "/api/v1/categories", Rule::Role(Role::can_see_categorisation)),
    (
        "GET",
        "/api/v1/categories/{urn}",
        Rule::Role(Role::can_see_categorisation),
    ),
    ("GET", "/api/v1/cases", Rule::Role(Role::can_see_register)),
    ("GET", "/api/v1/pupils", Rule::Role(Role::has_pupil_access)),
    ("GET", "/api/v1/pupils/{id}", Rule::Role(Role::has_pupil_access)),
];

/// The rule of a route, by its method (a HEAD as its GET) and the router's name for it.
pub fn rule_for(method: &str, route: &str) -> Option<Rule> {
    let method = if method == "HEAD" { "GET" } else { method };
    RULES
        .iter()
        .find(|(ruled, path, _)| *ruled == method && *path == route)
        .map(|(_, _, rule)| *rule)
}

/// The methods a route has rules for, as an `Allow` header lists them.
fn allowed_methods(route: &str) -> Vec<&'static str> {
    let mut methods: Vec<&'static str> = RULES
        .iter()
        .filter(|(_, path, _)| *path == route)
        .map(|(method, _, _)| *method)
        .collect();
    if methods.contains(&"GET") {
        methods.push("HEAD");
    }
    methods
}

/// The routes an account that must set up its second factor may use before it has.
const SETTING_UP: &[&str] = &["/account", "/account/two-factor", "/sign-out"];

fn must_set_up_second_factor(account: &stride_core::Account) -> bool {
    account.role.requires_second_factor() && !account.second_factor
}

/// Applies the route's rule: a stranger is sent to sign in, a role without the right refused,
/// and the signed-in account handed on to the handler so that it is read once.
pub async fn authorise(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let route = matched.as_ref().map_or("", MatchedPath::as_str);
    let Some(rule) = rule_for(request.method().as_str(), route) else {
        let allowed = allowed_methods(route);
        if !allowed.is_empty() {
            return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, allowed.join(", "))]).into_response();
        }
        tracing::error!(method = %request.method(), route, "a route without an access rule is refused");
        return WebError::Forbidden.into_response();
    };
    if matches!(rule, Rule::Anyone) {
        return next.run(request).await;
    }
    if route.starts_with(api::PREFIX) {
        return authorise_api(&state, rule, request, next).await;
    }
    let (mut parts, body) = request.into_parts();
    let signed_in = match SignedIn::from_request_parts(&mut parts, &state).await {
        Ok(signed_in) => signed_in,
        Err(refusal) => return refusal,
    };
    if let Rule::Role(may) = rule
        && !may(signed_in.account.role)
    {
        return WebError::Forbidden.into_response();
    }
    if must_set_up_second_factor(&signed_in.account) && !SETTING_UP.contains(&route) {
        return Redirect::to("/account/two-factor").into_response();
    }
    parts.extensions.insert(signed_in);
    next.run(Request::from_parts(parts, body)).await
}

/// The API's answer to the same rules: the caller is a token's account or a session's, and a
/// refusal is JSON, never a redirect to a page.
async fn authorise_api(state: &AppState, rule: Rule, mut request: Request, next: Next) -> Response {
    let account = match api_caller(state, request.headers()).await {
        Ok(Some(account)) => account,
        Ok(None) => return ApiError::Unauthorised.into_response(),
        Err(error) => return ApiError::from(error).into_response(),
    };
    let refused = match rule {
        Rule::Role(may) => !may(account.role),
        Rule::SignedIn | Rule::Anyone => false,
    };
    if refused {
        return ApiError::Forbidden.into_response();
    }
    request.extensions_mut().insert(api::Caller(account));
    next.run(request).await
}

async fn api_caller(state: &AppState, headers: &HeaderMap) -> Result<Option<stride_core::Account>, WebError> {
    if let Some(token) = api::bearer_token(headers) {
        return Ok(state.store.api_token_account(&token_hash(token)).await?);
    }
    // A person signed in to the pages may read the API as themselves, once they could use the
    // pages: an administrator only after setting up their second factor.
    Ok(crate::session::signed_in(state, headers)
        .await?
        .map(|signed_in| signed_in.account)
        .filter(|account| !must_set_up_second_factor(account)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_is_ruled_by_its_method_and_anything_unruled_is_refused() {
        assert!(matches!(rule_for("GET", "/schools"), Some(Rule::SignedIn)));
        assert!(
            matches!(rule_for("HEAD", "/schools"), Some(Rule::SignedIn)),
            "a HEAD as its GET"
        );
        assert!(rule_for("PUT", "/schools").is_none(), "refused: no rule");
        assert_eq!(allowed_methods("/schools"), ["GET", "HEAD"]);
        assert!(allowed_methods("/no-such-route").is_empty());
        assert!(rule_for("GET", "/no-such-route").is_none());
        let Some(Rule::Role(may)) = rule_for("GET", "/audit") else {
            panic!("the audit log is ruled by role")
        };
        assert!(may(Role::Administrator) && !may(Role::InclusionOfficer));
    }
}
