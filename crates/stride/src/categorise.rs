//! `stride categorise`, `stride rules` and `stride bench categorise`: categorising the LA's
//! schools under a rule set, shipped, kept in Stride by the LA, or read from a file.

use anyhow::Context;
use stride_core::categorisation::{
    self, CategorisationListQuery, FoundRuleSet, Keeping, KeptRuleSet, RuleSet, categorisation_list,
};
use stride_store::Store;

use crate::{open, write_out};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum CategoriseFormat {
    /// Aligned columns, for reading in a terminal.
    Table,
    Csv,
    /// Every school with every indicator's verdict and reason.
    Json,
}

/// A rule set by name (shipped, or kept by the LA in this database), or a rule set file.
async fn rule_set(store: &dyn Store, rules: &str) -> anyhow::Result<FoundRuleSet> {
    let kept = store.kept_rule_sets().await?;
    if let Some(found) = categorisation::find(rules, &kept) {
        return Ok(found?);
    }
    let path = std::path::Path::new(rules);
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "reading the rule set {rules}: it is neither a file nor a rule set Stride holds ({})",
            categorisation::rule_set_names(&kept).join(", ")
        )
    })?;
    let checked = RuleSet::from_toml(&path.display().to_string(), &text)?;
    Ok(FoundRuleSet {
        rules: checked,
        text,
        kept: None,
    })
}

pub async fn categorise(
    db: &str,
    rules: &str,
    as_of: Option<chrono::NaiveDate>,
    format: CategoriseFormat,
    output: Option<&std::path::Path>,
    save: bool,
) -> anyhow::Result<()> {
    let store = open(db).await?;
    let FoundRuleSet { rules, text, .. } = rule_set(store.as_ref(), rules).await?;
    let la = store.local_authority().await?.map(|own| own.code);
    let evidence = store
        .categorisation_evidence(la, &rules.evidence_wanted())
        .await
        .context("reading the evidence")?;
    let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let results = categorisation::categorise(&rules, &evidence, as_of);
    let overrides = store.level_overrides(&rules.name).await?;
    let earlier = store.latest_run_levels(&rules.name).await?.map(|(_, levels)| levels);
    let table = categorisation_list(
        &rules,
        &results,
        &overrides,
        earlier.as_ref(),
        &CategorisationListQuery::default(),
    )
    .to_table(&rules);
    if save {
        let run = categorisation::NewRun {
            rules: &rules,
            rule_text: &text,
            as_of,
            run_at: chrono::Utc::now(),
            run_by: "the command line",
            results: &results,
            overrides: &overrides,
        };
        let id = store.save_categorisation(&run).await.context("saving the run")?;
        eprintln!("Saved as run {id}.");
    }
    let bytes = match format {
        CategoriseFormat::Table => aligned(&table).into_bytes(),
        CategoriseFormat::Csv => stride_export::to_csv(&table)?,
        CategoriseFormat::Json => serde_json::to_vec_pretty(&serde_json::json!({
            "rule_set": rules.name,
            "version": rules.version,
            "as_of": as_of,
            "schools": results,
        }))?,
    };
    write_out(output, &bytes)
}

/// Keeps a rule set file as the LA's own in the database, checked first; a version kept before
/// with other rules is refused.
pub async fn keep(db: &str, file: &std::path::Path, kept_by: &str) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let rules = RuleSet::from_toml(&file.display().to_string(), &text)?;
    let store = open(db).await?;
    let kept = store.kept_rule_sets().await?;
    match categorisation::keeping(&kept, &rules, &text)? {
        Keeping::Unchanged => {
            println!(
                "Version {} of {} is kept already, as written: nothing changed.",
                rules.version, rules.name
            );
            return Ok(());
        }
        Keeping::First | Keeping::NewVersion => {}
    }
    store
        .keep_rule_set(&KeptRuleSet {
            name: rules.name.clone(),
            version: rules.version.clone(),
            title: rules.title.clone(),
            text,
            kept_by: kept_by.to_owned(),
            kept_at: chrono::Utc::now(),
        })
        .await?;
    println!("Kept version {} of {} ({}).", rules.version, rules.name, rules.title);
    Ok(())
}

/// The rule sets that can be chosen: those shipped, and every version the LA kept.
pub async fn list(db: &str) -> anyhow::Result<()> {
    let store = open(db).await?;
    for (name, _) in categorisation::SHIPPED {
        println!("{name:<24} shipped with Stride");
    }
    for kept in store.kept_rule_sets().await? {
        println!(
            "{:<24} version {}, kept by {} on {}",
            kept.name,
            kept.version,
            kept.kept_by,
            kept.kept_at.date_naive()
        );
    }
    Ok(())
}

/// A table as aligned columns of text, the way a terminal shows it.
pub fn aligned(table: &stride_core::table::Table) -> String {
    let cells: Vec<Vec<String>> = std::iter::once(table.columns.iter().map(|column| column.heading.clone()).collect())
        .chain(
            table
                .rows
                .iter()
                .map(|row| row.iter().map(|cell| cell.display()).collect()),
        )
        .collect();
    let widths: Vec<usize> = (0..table.columns.len())
        .map(|column| cells.iter().map(|row| row[column].chars().count()).max().unwrap_or(0))
        .collect();
    let mut text = format!("{}\n\n", table.title);
    for row in &cells {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        text.push_str(line.join("  ").trim_end());
        text.push('\n');
    }
    text
}

/// Times reading the evidence and categorising, for every school held and for the deployment's
/// own LA (what the categorisation page does), each the best of three runs.
pub async fn bench(db: &str, rules: &str) -> anyhow::Result<()> {
    let store = open(db).await?;
    let rules = rule_set(store.as_ref(), rules).await?.rules;
    let as_of = stride_synth::data_as_at();
    let own = store.local_authority().await?.map(|own| own.code);
    for (what, la) in [("every school held", None), ("the LA's own schools", own)] {
        let (mut reading, mut categorising, mut schools) = (f64::MAX, f64::MAX, 0);
        for _ in 0..3 {
            let started = std::time::Instant::now();
            let evidence = store.categorisation_evidence(la, &rules.evidence_wanted()).await?;
            let read = started.elapsed().as_secs_f64();
            let started = std::time::Instant::now();
            let results = categorisation::categorise(&rules, &evidence, as_of);
            categorising = categorising.min(started.elapsed().as_secs_f64());
            reading = reading.min(read);
            schools = results.len();
        }
        println!(
            "{what}: {schools} schools under {}: evidence read in {reading:.3} s, categorised in {categorising:.3} s",
            rules.name
        );
    }
    Ok(())
}
