//! Whether support worked: each kind of support, or each provider, against similar schools not
//! supported in the same years, in a chosen measure, with the size of every group beside it.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use stride_core::support::{
    Comparison, Finding, GroupBy, ImpactEvidence, SIMILAR_PER_SCHOOL, SMALLEST_GROUP, impact_table,
};
use stride_core::{Measure, PupilGroup};

use super::{download, support_work};
use crate::pages::render;
use crate::session::SignedIn;
use crate::view::{Chrome, ShownTable};
use crate::{AppState, WebError};
use stride_export::svg::{Interval, interval_chart};

#[derive(Debug, Default, Deserialize)]
pub struct ImpactParams {
    #[serde(default)]
    measure: String,
    /// `provider` to compare providers; otherwise kinds of support.
    #[serde(default)]
    by: String,
}

impl ImpactParams {
    fn measure(&self) -> Measure {
        Measure::from_code(&self.measure).unwrap_or(Measure::Ks2ReadingWritingMathsExpected)
    }

    fn group_by(&self) -> GroupBy {
        if self.by == "provider" {
            GroupBy::Provider
        } else {
            GroupBy::Kind
        }
    }
}

/// The measures a school's support can be judged by: every school measure but its roll.
fn measures() -> impl Iterator<Item = Measure> {
    Measure::ALL
        .iter()
        .copied()
        .filter(|measure| *measure != Measure::PupilsOnRoll)
}

async fn comparisons(
    state: &AppState,
    signed_in: &SignedIn,
    params: &ImpactParams,
) -> Result<Vec<Comparison>, WebError> {
    let work = support_work(state, &signed_in.account).await?;
    let measure = params.measure();
    let figures = state.store.figures_for_all_schools(&[measure], PupilGroup::All).await?;
    let mut rolls = state
        .store
        .figures_for_all_schools(&[Measure::PupilsOnRoll], PupilGroup::All)
        .await?;
    rolls.extend(
        state
            .store
            .figures_for_all_schools(&[Measure::PupilsOnRoll], PupilGroup::Disadvantaged)
            .await?,
    );
    let evidence = ImpactEvidence {
        schools: &work.evidence.schools,
        inspections: &work.evidence.inspections,
        commissions: &work.commissions,
        measure,
        figures: &figures,
        rolls: &rolls,
    };
    Ok(stride_core::support::impact(&evidence, params.group_by()))
}

struct ComparisonView {
    label: String,
    finding: &'static str,
    colour: &'static str,
    statement: String,
    groups: String,
    spread: String,
    inspections: String,
    value_for_money: String,
}

impl ComparisonView {
    fn of(comparison: &Comparison) -> ComparisonView {
        let (finding, colour) = match comparison.finding {
            Finding::TooFew => ("Too few schools to say", "govuk-tag--grey"),
            Finding::Better => ("Better than similar schools", "govuk-tag--green"),
            Finding::Worse => ("Worse than similar schools", "govuk-tag--red"),
            Finding::NoClearDifference => ("No difference beyond chance", "govuk-tag--yellow"),
        };
        let measure = comparison.measure;
        let spread = match (comparison.supported_change, comparison.similar_change) {
            (Some(supported), Some(similar)) => format!(
                "Supported schools' change ran from {} to {} (standard deviation {:.2}); similar schools' averaged {:+.2}.",
                signed(supported.lowest),
                signed(supported.highest),
                supported.standard_deviation,
                similar.mean
            ),
            _ => String::new(),
        };
        let moves = comparison.supported_inspections;
        let similar_moves = comparison.similar_inspections;
        ComparisonView {
            label: comparison.group.label(),
            finding,
            colour,
            statement: comparison.statement.clone(),
            groups: format!(
                "{} schools supported in {}; {} school-years measured, {} not yet measurable; {} similar schools beside them.",
                comparison.schools_supported,
                comparison
                    .years
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                comparison.measured,
                comparison.not_measured,
                comparison.similar_schools
            ),
            spread: if spread.is_empty() {
                format!("No {} figures before and after to compare.", measure.label())
            } else {
                spread
            },
            inspections: format!(
                "Next inspection after support: {} better, {} the same, {} worse, {} under a framework that does not compare, {} not inspected since. Similar schools: {} better, {} the same, {} worse, {} not comparable, {} not inspected since.",
                moves.improved,
                moves.same,
                moves.declined,
                moves.not_comparable,
                moves.not_inspected_since,
                similar_moves.improved,
                similar_moves.same,
                similar_moves.declined,
                similar_moves.not_comparable,
                similar_moves.not_inspected_since,
            ),
            value_for_money: format!(
                "{} in all{}, {} per school across {} schools{}.",
                comparison.cost,
                if comparison.cost_not_recorded > 0 {
                    format!(" ({} commissions with no cost recorded)", comparison.cost_not_recorded)
                } else {
                    String::new()
                },
                comparison
                    .cost_per_school
                    .map_or_else(|| "nothing".to_owned(), |cost| cost.to_string()),
                comparison.schools_supported,
                comparison.cost_per_point.map_or_else(String::new, |cost| format!(
                    "; {cost} per school for each point gained beyond similar schools ({} school-years)",
                    comparison.measured
                ))
            ),
        }
    }
}

fn signed(value: f64) -> String {
    format!("{value:+.2}")
}

#[derive(Template)]
#[template(path = "support_impact.html")]
struct ImpactPage {
    chrome: Chrome,
    measures: Vec<(&'static str, &'static str, bool)>,
    by_provider: bool,
    measure: &'static str,
    chart: Option<String>,
    comparisons: Vec<ComparisonView>,
    table: ShownTable,
    csv_href: String,
    xlsx_href: String,
    smallest: usize,
    similar_per_school: usize,
}

pub async fn impact(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<ImpactParams>,
) -> Result<Html<String>, WebError> {
    let comparisons = comparisons(&state, &signed_in, &params).await?;
    let measure = params.measure();
    let query = format!(
        "?measure={}&by={}",
        measure.code(),
        if params.group_by() == GroupBy::Provider {
            "provider"
        } else {
            "kind"
        }
    );
    let chart = interval_chart(
        "impact",
        &format!(
            "Difference support made to {}, against similar schools, with 95% intervals",
            measure.label()
        ),
        &comparisons
            .iter()
            .map(|comparison| Interval {
                label: comparison.group.label(),
                estimate: comparison
                    .estimate
                    .map(|estimate| (estimate.difference, estimate.lower, estimate.upper)),
            })
            .collect::<Vec<_>>(),
        measure.polarity() == stride_core::measure::Polarity::LowIsGood,
    );
    render(&ImpactPage {
        chrome: Chrome::for_user(&signed_in, "support"),
        measures: measures()
            .map(|candidate| (candidate.code(), candidate.label(), candidate == measure))
            .collect(),
        by_provider: params.group_by() == GroupBy::Provider,
        measure: measure.label(),
        chart,
        comparisons: comparisons.iter().map(ComparisonView::of).collect(),
        table: ShownTable::of(&impact_table(&comparisons)),
        csv_href: format!("/support/impact.csv{query}"),
        xlsx_href: format!("/support/impact.xlsx{query}"),
        smallest: SMALLEST_GROUP,
        similar_per_school: SIMILAR_PER_SCHOOL,
    })
}

/// The comparison as CSV or XLSX.
pub async fn impact_download(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<ImpactParams>,
    extension: &'static str,
) -> Result<Response, WebError> {
    let comparisons = comparisons(&state, &signed_in, &params).await?;
    download(&impact_table(&comparisons), "impact", extension)
}
