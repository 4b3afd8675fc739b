//! The wiring behind the `stride` command: filling a database with the synthetic authority and
//! its demo accounts. Kept in a library so that the tests fill their databases the same way.

pub mod attendance_benchmark;
pub mod batch_import;
pub mod import_benchmark;

use std::sync::Arc;

use stride_store::{NewAccount, Store};
use stride_synth::DemoAccount;

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("the database already holds {0} establishments: generate into a new file, or serve this one")]
    NotEmpty(u64),
    #[error(transparent)]
    Store(#[from] stride_store::StoreError),
    #[error(transparent)]
    Web(#[from] stride_web::WebError),
}

/// What was written, for the command to report.
pub struct Generated {
    pub establishments: usize,
    pub figures: usize,
    pub inspections: usize,
    pub accounts: Vec<DemoAccount>,
}

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// One synthetic authority of about 250 establishments.
    LocalAuthority,
    /// The authority with 87 more beside it, about 22,000 schools: for benchmarks.
    England,
}

/// Generates the synthetic authority for a seed into an empty database, with one account per
/// role. `progress` is told each step as it starts.
pub async fn generate_into(
    store: &Arc<dyn Store>,
    seed: u64,
    progress: impl Fn(&str),
) -> Result<Generated, GenerateError> {
    generate_sized_into(store, seed, Size::LocalAuthority, progress).await
}

/// As [`generate_into`], of the size asked for.
pub async fn generate_sized_into(
    store: &Arc<dyn Store>,
    seed: u64,
    size: Size,
    progress: impl Fn(&str),
) -> Result<Generated, GenerateError> {
    let existing = store.establishment_count().await?;
    if existing > 0 {
        return Err(GenerateError::NotEmpty(existing));
    }
    progress(match size {
        Size::LocalAuthority => "Generating the synthetic local authority",
        Size::England => "Generating the synthetic authority and 87 more beside it",
    });
    let authority = tokio::task::spawn_blocking(move || match size {
        Size::LocalAuthority => stride_synth::generate(seed),
        Size::England => stride_synth::generate_england(seed),
    })
    .await
    .map_err(|error| stride_store::StoreError::Unsupported(format!("the generator stopped: {error}")))?;
    let dataset = &authority.dataset;
    progress("Hashing the demo accounts' passwords");
    let accounts = new_accounts(&authority.accounts).await?;
    progress(&format!(
        "Writing {} establishments, {} figures and {} inspections",
        dataset.establishments.len(),
        dataset.school_figures.len() + dataset.comparator_figures.len(),
        dataset.inspections.len()
    ));
    store.write_dataset(dataset, &accounts).await?;
    Ok(Generated {
        establishments: dataset.establishments.len(),
        figures: dataset.school_figures.len() + dataset.comparator_figures.len(),
        inspections: dataset.inspections.len(),
        accounts: authority.accounts,
    })
}

/// The accounts to store, each password hashed off the async threads.
pub async fn new_accounts(accounts: &[DemoAccount]) -> Result<Vec<NewAccount>, GenerateError> {
    let mut hashed = Vec::with_capacity(accounts.len());
    for account in accounts {
        let password = account.password.clone();
        let password_hash = tokio::task::spawn_blocking(move || stride_web::auth::hash_password(&password))
            .await
            .map_err(|error| stride_store::StoreError::Unsupported(format!("password hashing stopped: {error}")))??;
        hashed.push(NewAccount {
            username: account.username.clone(),
            display_name: account.display_name.clone(),
            role: account.role,
            password_hash,
            schools: account.schools.clone(),
        });
    }
    Ok(hashed)
}
