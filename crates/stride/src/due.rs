//! `stride due`: everything due and overdue across the LA, for a nightly job or an email.

use stride_core::intervention::{DueState, due_table, what_is_due};

use crate::categorise::aligned;
use crate::{open, write_out};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum DueFormat {
    /// Aligned columns, for reading in a terminal.
    Table,
    Csv,
    /// Every item with its dates, state and whose it is.
    Json,
}

pub async fn due(
    db: &str,
    as_of: Option<chrono::NaiveDate>,
    all: bool,
    format: DueFormat,
    output: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let store = open(db).await?;
    let la = store.local_authority().await?.map(|own| own.code);
    let evidence = store.intervention_evidence(la).await?;
    let (rules, _, calendar) = store.cycle().await?;
    let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let items = what_is_due(&rules, &evidence, &calendar, as_of);
    let open: Vec<_> = items
        .iter()
        .filter(|assigned| all || assigned.item.state != DueState::Done)
        .collect();
    let bytes = match format {
        DueFormat::Table => aligned(&due_table(&open, as_of)).into_bytes(),
        DueFormat::Csv => stride_export::to_csv(&due_table(&open, as_of))?,
        DueFormat::Json => serde_json::to_vec_pretty(&serde_json::json!({
            "as_of": as_of,
            "clocks": rules.name,
            "items": open,
        }))?,
    };
    write_out(output, &bytes)
}

/// Keeps a clock rules file as the LA's, checked first, under a version not kept before.
pub async fn keep_clocks(db: &str, file: &std::path::Path, kept_by: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    use stride_core::intervention::{ClockRules, KeptClockRules};
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let rules = ClockRules::from_toml(&file.display().to_string(), &text)?;
    let store = open(db).await?;
    let kept = store.kept_clock_rules().await?;
    rules.may_be_kept_beside(&kept)?;
    store
        .keep_clock_rules(&KeptClockRules {
            version: rules.version.clone(),
            text,
            kept_by: kept_by.to_owned(),
            kept_at: chrono::Utc::now(),
        })
        .await?;
    println!(
        "Kept version {} of the clock rules ({} clocks).",
        rules.version,
        rules.clocks.len()
    );
    Ok(())
}
