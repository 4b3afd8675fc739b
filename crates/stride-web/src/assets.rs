//! GOV.UK Frontend's compiled assets, embedded at build time (see build.rs), and Stride's own.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;

const GOVUK_CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/govuk-frontend.min.css"));
const GOVUK_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/govuk-frontend.min.js"));
const STRIDE_CSS: &str = include_str!("../assets/stride.css");
const STRIDE_JS: &str = include_str!("../assets/stride.js");
const FAVICON: &str = include_str!("../assets/favicon.svg");

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/assets/govuk-frontend.min.css",
            get(|| async { asset("text/css; charset=utf-8", GOVUK_CSS) }),
        )
        .route(
            "/assets/govuk-frontend.min.js",
            get(|| async { asset("text/javascript; charset=utf-8", GOVUK_JS) }),
        )
        .route(
            "/assets/stride.css",
            get(|| async { asset("text/css; charset=utf-8", STRIDE_CSS) }),
        )
        .route(
            "/assets/stride.js",
            get(|| async { asset("text/javascript; charset=utf-8", STRIDE_JS) }),
        )
        .route("/assets/favicon.svg", get(|| async { asset("image/svg+xml", FAVICON) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_carries_no_gov_uk_branding() {
        assert!(!GOVUK_CSS.contains("GDS Transport"));
        assert!(!GOVUK_CSS.contains("govuk-crest"));
        assert!(GOVUK_CSS.contains(".govuk-table"));
    }
}
