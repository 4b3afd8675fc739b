//! The component macros of `templates/govuk.html` render what GOV.UK Frontend's own fixtures say
//! each component's HTML is, for the fixtures whose options the macros take.

use askama::Template;
use serde_json::Value;

#[derive(Template)]
#[template(
    source = r#"{% import "govuk.html" as govuk %}{% call govuk::tag(text, colour) %}{% endcall %}"#,
    ext = "html"
)]
struct TagFixture<'a> {
    text: &'a str,
    colour: &'a str,
}

#[derive(Template)]
#[template(
    source = r#"{% import "govuk.html" as govuk %}{% call govuk::error_summary(errors) %}{% endcall %}"#,
    ext = "html"
)]
struct ErrorSummaryFixture {
    errors: Vec<(String, String)>,
}

fn fixtures(component: &str) -> Vec<Value> {
    let path = format!(
        "{}/../../node_modules/govuk-frontend/dist/govuk/components/{component}/fixtures.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    let parsed: Value = serde_json::from_str(&text).expect("fixtures are JSON");
    parsed["fixtures"].as_array().cloned().unwrap_or_default()
}

/// HTML with white space between and inside tags folded, so that layout does not count.
fn normalised(html: &str) -> String {
    let folded = html.split_whitespace().collect::<Vec<_>>().join(" ");
    folded
        .replace("> <", "><")
        .replace(" >", ">")
        .replace("> ", ">")
        .replace(" <", "<")
}

fn fixture<'a>(fixtures: &'a [Value], name: &str) -> &'a Value {
    fixtures
        .iter()
        .find(|fixture| fixture["name"] == name)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

#[test]
fn the_tag_macro_matches_the_fixtures() {
    let fixtures = fixtures("tag");
    for name in ["default", "grey", "green"] {
        let fixture = fixture(&fixtures, name);
        let options = &fixture["options"];
        let rendered = TagFixture {
            text: options["text"].as_str().unwrap_or_default(),
            colour: options["classes"].as_str().unwrap_or_default(),
        }
        .render()
        .expect("renders");
        assert_eq!(
            normalised(&rendered),
            normalised(fixture["html"].as_str().unwrap_or_default()),
            "tag fixture {name}"
        );
    }
}

#[test]
fn the_error_summary_macro_matches_the_fixture() {
    let fixtures = fixtures("error-summary");
    let fixture = fixture(&fixtures, "default");
    let errors = fixture["options"]["errorList"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|error| {
                    (
                        error["href"].as_str().unwrap_or_default().to_owned(),
                        error["text"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let rendered = ErrorSummaryFixture { errors }.render().expect("renders");
    assert_eq!(
        normalised(&rendered),
        normalised(fixture["html"].as_str().unwrap_or_default())
    );
}
