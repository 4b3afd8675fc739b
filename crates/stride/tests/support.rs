//! Support and its impact through the real server: the directory, commissioning on a school's
//! record, the provider's record, the impact comparison and the overview, each checked against
//! the generated data it came from, and each within the user's scope.

use std::collections::{HashMap, HashSet};

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use stride_core::inspection::{InspectionKind, UngradedOutcome};
use stride_core::intervention::{Case, SupportKind, latest_case};
use stride_core::support::{ObjectiveOutcome, Specialism};
use stride_core::{Phase, Urn};

mod common;
use common::*;

/// The case of the first school with an open case in the generated record, by URN.
async fn open_case(store: &dyn stride_store::Store) -> Case {
    let cases = store.cases(None).await.expect("reads");
    cases
        .iter()
        .filter(|case| case.is_open())
        .find(|case| latest_case(&cases, case.urn).is_some_and(|latest| latest.id == case.id))
        .cloned()
        .expect("the synthetic authority has open cases")
}

fn revision_on(page: &str) -> String {
    let marker = "name=\"revision\" value=\"";
    let start = page.find(marker).expect("the record has a revision") + marker.len();
    page[start..].chars().take_while(char::is_ascii_digit).collect()
}

#[tokio::test]
async fn the_directory_filters_providers_and_downloads_what_it_shows_with_their_outcomes() {
    let server = server().await;
    let manager = server.sign_in("improvement.manager").await;
    let dataset = &fixture().authority.dataset;
    let (status, page) = server
        .text("/support/providers?specialism=mathematics&phase=primary", &manager)
        .await;
    assert_eq!(status, StatusCode::OK);
    let expected: Vec<&stride_core::support::Provider> = dataset
        .providers
        .iter()
        .filter(|provider| provider.specialisms.contains(&Specialism::Mathematics) && provider.works_in(Phase::Primary))
        .collect();
    assert!(
        expected.len() >= 3,
        "the directory offers mathematics to primary schools"
    );
    for provider in &dataset.providers {
        let link = format!("href=\"/support/providers/{}\"", provider.id);
        assert_eq!(page.contains(&link), expected.contains(&provider), "{}", provider.name);
    }
    let (status, csv) = server
        .text("/support/providers.csv?specialism=mathematics&phase=primary", &manager)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (headers, rows) = csv_records(csv.as_bytes());
    assert_eq!(rows.len(), expected.len());
    let (name, met, schools) = (
        column(&headers, "Provider"),
        column(&headers, "Objectives met"),
        column(&headers, "Schools supported"),
    );
    for row in &rows {
        let provider = expected
            .iter()
            .find(|provider| provider.name == row[name])
            .expect("a listed provider");
        let theirs: Vec<_> = dataset
            .support
            .iter()
            .filter(|(_, support)| support.provider_id == Some(provider.id))
            .collect();
        let met_count = theirs
            .iter()
            .filter(|(_, support)| {
                support
                    .evaluation
                    .as_ref()
                    .is_some_and(|evaluation| evaluation.outcome == ObjectiveOutcome::Met)
            })
            .count();
        let school_count = theirs
            .iter()
            .map(|(case, _)| dataset.cases[*case].urn)
            .collect::<HashSet<Urn>>()
            .len();
        assert_eq!(row[met], met_count.to_string(), "{}", provider.name);
        assert_eq!(row[schools], school_count.to_string(), "{}", provider.name);
    }
    let xlsx = server
        .get(
            "/support/providers.xlsx?specialism=mathematics&phase=primary",
            Some(&manager),
        )
        .await;
    assert_eq!(xlsx.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_manager_finds_a_provider_for_a_priority_commissions_days_records_their_use_and_evaluation() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (server, store) = intervention_server(&directory).await;
    let manager = server.sign_in("improvement.manager").await;
    let case = open_case(store.as_ref()).await;
    let urn = case.urn;
    let record = format!("/schools/{urn}/record");
    let changes = format!("/schools/{urn}/record/plan/changes");
    let (_, page) = server.text(&record, &manager).await;
    let added = server
        .post_form(
            &changes,
            &manager,
            &[
                ("revision", &revision_on(&page)),
                ("change", "priority"),
                ("title", "Raise attainment in mathematics at key stage 2"),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let priority = store.plan(case.id).await.expect("reads")[0].id;

    // The priority's words suggest mathematics; the providers offered all teach it.
    let (status, found) = server
        .text(&format!("{record}/find-support?priority={priority}"), &manager)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(found.contains("Approved providers of mathematics"), "{found}");
    let providers = store.providers().await.expect("reads");
    let marker = format!("/schools/{urn}/record?provider=");
    let start = found.find(&marker).expect("a provider to commission") + marker.len();
    let chosen: i64 = found[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .expect("an id");
    let provider = providers
        .iter()
        .find(|provider| provider.id == chosen)
        .expect("in the directory");
    assert!(provider.specialisms.contains(&Specialism::Mathematics));

    let (_, page) = server
        .text(&format!("{record}?provider={chosen}&objective={priority}"), &manager)
        .await;
    assert!(
        page.contains(&format!("<option value=\"{chosen}\" selected>")),
        "the provider starts chosen"
    );
    let commissioned = server
        .post_form(
            &changes,
            &manager,
            &[
                ("revision", &revision_on(&page)),
                ("change", "support"),
                ("kind", "brokered-provider"),
                ("provider-id", &chosen.to_string()),
                ("purpose", "Maths mastery coaching for years 5 and 6"),
                ("objective", &priority.to_string()),
                ("days-allocated", "5"),
                ("cost", ""),
                ("funding", "central"),
            ],
        )
        .await;
    assert_eq!(commissioned.status(), StatusCode::SEE_OTHER);
    let support = store.support(case.id).await.expect("reads");
    let ours = support.last().expect("commissioned");
    assert_eq!(ours.provider_id, Some(chosen));
    assert_eq!(ours.objective, Some(priority));
    assert_eq!(
        ours.cost.map(|cost| cost.0),
        Some(provider.day_rate.0 * 5),
        "five days at the day rate"
    );

    let support_id = ours.id.to_string();
    let steps: [&[(&str, &str)]; 2] = [
        &[("change", "days-used"), ("support", &support_id), ("days-used", "5")],
        &[
            ("change", "evaluation"),
            ("support", &support_id),
            ("outcome", "met"),
            ("evidence", "Year 6 maths assessments up by a third"),
        ],
    ];
    for fields in steps {
        let (_, page) = server.text(&record, &manager).await;
        let revision = revision_on(&page);
        let mut form: Vec<(&str, &str)> = vec![("revision", &revision)];
        form.extend_from_slice(fields);
        let saved = server.post_form(&changes, &manager, &form).await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{fields:?}");
    }
    let ours = store
        .support(case.id)
        .await
        .expect("reads")
        .last()
        .cloned()
        .expect("kept");
    assert_eq!(ours.days_used, 5.0);
    assert_eq!(
        ours.evaluation.map(|evaluation| evaluation.outcome),
        Some(ObjectiveOutcome::Met)
    );

    let (status, page) = server.text(&format!("/support/providers/{chosen}"), &manager).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Maths mastery coaching for years 5 and 6"));
    assert!(page.contains("Objective met: Year 6 maths assessments up by a third"));
    let (_, csv) = server
        .text(&format!("/support/providers/{chosen}/record.csv"), &manager)
        .await;
    let (headers, rows) = csv_records(csv.as_bytes());
    let (school, outcome) = (column(&headers, "URN"), column(&headers, "Outcome"));
    assert!(
        rows.iter()
            .any(|row| row[school] == urn.to_string() && row[outcome] == "Objective met"),
        "{csv}"
    );
    let history = store.case_history(case.id, 0).await.expect("reads");
    assert!(
        history
            .iter()
            .any(|entry| entry.change.starts_with("Support evaluated: objective met"))
    );
}

#[tokio::test]
async fn a_commission_the_form_cannot_make_is_refused_and_nothing_is_kept() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (server, store) = intervention_server(&directory).await;
    let manager = server.sign_in("improvement.manager").await;
    let case = open_case(store.as_ref()).await;
    let record = format!("/schools/{}/record", case.urn);
    let before = store.support(case.id).await.expect("reads").len();
    let (_, page) = server.text(&record, &manager).await;
    let refused = server
        .post_form(
            &format!("{record}/plan/changes"),
            &manager,
            &[
                ("revision", &revision_on(&page)),
                ("change", "support"),
                ("kind", "brokered-provider"),
                ("provider-id", "other"),
                ("provider", "A firm"),
                ("days-allocated", "3"),
                ("cost", "a lot"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::OK);
    let page = refused.text().await.expect("body");
    assert!(page.contains("Give the cost in pounds"));
    assert_eq!(store.support(case.id).await.expect("reads").len(), before);
}

#[tokio::test]
async fn the_directory_is_kept_by_the_manager_with_every_change_in_its_history() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (server, store) = intervention_server(&directory).await;
    let manager = server.sign_in("improvement.manager").await;
    let entry = |specialism: &'static str| {
        vec![
            ("name", "Marlow Reading Partnership"),
            ("kind", "organisation"),
            ("organisation", ""),
            ("specialism", specialism),
            ("phase", "primary"),
            ("approval", "approved"),
            ("review-day", "31"),
            ("review-month", "7"),
            ("review-year", "2027"),
            ("day-rate", "425"),
            ("easting", ""),
            ("northing", ""),
        ]
    };
    let mut without_specialism = entry("english");
    without_specialism.retain(|(name, _)| *name != "specialism");
    let refused = server
        .post_form("/support/providers", &manager, &without_specialism)
        .await;
    assert_eq!(refused.status(), StatusCode::OK);
    assert!(
        refused
            .text()
            .await
            .expect("body")
            .contains("Choose at least one specialism")
    );
    let held = store.providers().await.expect("reads").len();

    let added = server
        .post_form("/support/providers", &manager, &entry("english"))
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let at = added.headers()[LOCATION].to_str().expect("text").to_owned();
    let providers = store.providers().await.expect("reads");
    assert_eq!(providers.len(), held + 1);
    let ours = providers
        .iter()
        .find(|provider| provider.name == "Marlow Reading Partnership")
        .expect("added");
    assert_eq!(at, format!("/support/providers/{}", ours.id));
    assert_eq!(ours.day_rate.0, 42_500);

    let mut suspended = entry("english");
    suspended.retain(|(name, _)| *name != "approval");
    suspended.push(("approval", "suspended"));
    let changed = server.post_form(&at, &manager, &suspended).await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let (_, page) = server.text(&at, &manager).await;
    assert!(page.contains("Suspended pending review"));
    let history = store.provider_changes(ours.id).await.expect("reads");
    assert_eq!(history.len(), 2);
    assert!(
        history[0]
            .2
            .starts_with("Entry changed: Organisation on the Approved Providers List, approval suspended")
    );
    assert!(history[1].2.starts_with("Added to the directory"));

    // A suspended provider is no longer offered for a school's priority.
    let case = open_case(store.as_ref()).await;
    let (_, found) = server
        .text(
            &format!("/schools/{}/record/find-support?need=english", case.urn),
            &manager,
        )
        .await;
    assert!(!found.contains("Marlow Reading Partnership"));

    let adviser = server.sign_in("adviser.north").await;
    let forbidden = server
        .post_form("/support/providers", &adviser, &entry("english"))
        .await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_adviser_sees_support_only_of_their_schools_and_others_see_none() {
    let server = server().await;
    let dataset = &fixture().authority.dataset;
    let accounts = &fixture().authority.accounts;
    let adviser = accounts
        .iter()
        .find(|account| account.username == "adviser.north")
        .expect("a demo adviser");
    let theirs: HashSet<Urn> = adviser.schools.iter().copied().collect();
    let user = server.sign_in("adviser.north").await;
    // The provider with the most schools has some outside the adviser's.
    let mut by_provider: HashMap<i64, HashSet<Urn>> = HashMap::new();
    for (case, support) in &dataset.support {
        if let Some(id) = support.provider_id {
            by_provider.entry(id).or_default().insert(dataset.cases[*case].urn);
        }
    }
    let (id, schools) = by_provider
        .iter()
        .max_by_key(|(_, schools)| schools.len())
        .expect("support with providers");
    assert!(schools.iter().any(|urn| !theirs.contains(urn)));
    let (_, csv) = server.text(&format!("/support/providers/{id}/record.csv"), &user).await;
    let (headers, rows) = csv_records(csv.as_bytes());
    let urn = column(&headers, "URN");
    assert!(
        rows.iter()
            .all(|row| theirs.iter().any(|school| school.to_string() == row[urn]))
    );
    let (_, page) = server.text(&format!("/support/providers/{id}"), &user).await;
    for school in schools.iter().filter(|urn| !theirs.contains(urn)) {
        assert!(
            !page.contains(&format!("/schools/{school}/record")),
            "{school} is not the adviser's"
        );
    }
    let outside = dataset
        .establishments
        .iter()
        .find(|school| !theirs.contains(&school.urn))
        .expect("a school not theirs");
    let (status, _) = server
        .text(&format!("/schools/{}/record/find-support", outside.urn), &user)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for username in ["headteacher", "elected.member", "data.manager"] {
        let reader = server.sign_in(username).await;
        for path in [
            "/support",
            "/support/providers",
            "/support/impact",
            "/support/impact.csv",
        ] {
            assert_eq!(
                server.text(path, &reader).await.0,
                StatusCode::FORBIDDEN,
                "{username} {path}"
            );
        }
    }
}

#[tokio::test]
async fn the_impact_of_support_is_shown_with_its_groups_and_says_when_they_are_too_small() {
    let server = server().await;
    let manager = server.sign_in("improvement.manager").await;
    let dataset = &fixture().authority.dataset;
    let (status, csv) = server
        .text("/support/impact.csv?measure=overall-absence&by=kind", &manager)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (headers, rows) = csv_records(csv.as_bytes());
    let (support, schools, measured, finding, cost) = (
        column(&headers, "Support"),
        column(&headers, "Schools supported"),
        column(&headers, "School-years measured"),
        column(&headers, "Finding"),
        column(&headers, "Cost (£)"),
    );
    for kind in [
        SupportKind::LeaderOfEducation,
        SupportKind::AdviserDays,
        SupportKind::GovernanceReview,
    ] {
        let row = rows
            .iter()
            .find(|row| row[support] == kind.label())
            .unwrap_or_else(|| panic!("a row for {kind}"));
        let held: Vec<_> = dataset
            .support
            .iter()
            .filter(|(case, support)| {
                let school = dataset.cases[*case].urn;
                support.kind == kind
                    && dataset.establishments.iter().any(|establishment| {
                        establishment.urn == school && establishment.phase.is_of_compulsory_school_age()
                    })
            })
            .collect();
        let distinct: HashSet<Urn> = held.iter().map(|(case, _)| dataset.cases[*case].urn).collect();
        assert_eq!(row[schools], distinct.len().to_string(), "{kind}");
        let pence: i64 = held
            .iter()
            .filter_map(|(_, support)| support.cost)
            .map(|cost| cost.0)
            .sum();
        assert_eq!(row[cost], format!("{:.2}", pence as f64 / 100.0), "{kind}");
        if kind == SupportKind::AdviserDays {
            // Adviser days are this year's: no year after support is held yet.
            assert_eq!(row[measured], "0");
            assert_eq!(row[finding], "Too few schools to say");
        }
    }
    let (status, page) = server
        .text("/support/impact?measure=overall-absence&by=provider", &manager)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<svg class=\"stride-chart\""), "a chart of the intervals");
    assert!(page.contains("Too few schools to say anything"));
    assert!(page.contains("similar schools"));
}

#[tokio::test]
async fn the_overview_lists_schools_in_a_category_not_making_progress_with_their_support() {
    let server = server().await;
    let manager = server.sign_in("improvement.manager").await;
    let dataset = &fixture().authority.dataset;
    let (status, csv) = server.text("/support/in-category.csv", &manager).await;
    assert_eq!(status, StatusCode::OK);
    let (headers, rows) = csv_records(csv.as_bytes());
    let (urn, progress) = (column(&headers, "URN"), column(&headers, "Progress"));
    let listed: HashSet<String> = rows
        .iter()
        .filter(|row| row[progress] == "Not taking effective action")
        .map(|row| row[urn].clone())
        .collect();
    // Worked out again from the inspections: the latest full inspection placed the school in a
    // category, and the latest monitoring inspection since found no effective action.
    let served_on = stride_synth::data_as_at();
    let mut expected = HashSet::new();
    for school in &dataset.establishments {
        let of_school: Vec<_> = dataset
            .inspections
            .iter()
            .filter(|inspection| inspection.urn == school.urn && inspection.published_on <= served_on)
            .collect();
        let Some(placing) = of_school
            .iter()
            .filter(|inspection| inspection.kind == InspectionKind::Graded)
            .max_by_key(|inspection| inspection.started_on)
        else {
            continue;
        };
        if placing.category_of_concern.is_none() {
            continue;
        }
        let monitoring = of_school
            .iter()
            .filter(|inspection| {
                inspection.kind == InspectionKind::Monitoring && inspection.started_on > placing.started_on
            })
            .max_by_key(|inspection| inspection.started_on);
        if monitoring.and_then(|inspection| inspection.ungraded_outcome)
            == Some(UngradedOutcome::NotTakingEffectiveAction)
        {
            expected.insert(school.urn.to_string());
        }
    }
    assert!(
        !expected.is_empty(),
        "the synthetic authority has schools not making progress"
    );
    assert_eq!(listed, expected);
    let (_, page) = server.text("/support", &manager).await;
    assert!(page.contains(&format!(
        "<span class=\"govuk-heading-xl govuk-!-margin-bottom-0\">{}</span> not making progress",
        expected.len()
    )));
    let (status, csv) = server.text("/support/inspected.csv?back=1", &manager).await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with("School,URN,Previous inspection"));
}
