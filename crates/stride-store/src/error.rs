#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("could not open the database '{location}'")]
    Open {
        location: String,
        #[source]
        source: sqlx::Error,
    },
    #[error(
        "could not bring the database schema up to date (the file may have been made by another build of Stride: use a new file, or restore a backup)"
    )]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("the database holds a value Stride cannot read, in {table}.{column}: {detail}")]
    Unreadable {
        table: &'static str,
        column: &'static str,
        detail: String,
    },
    #[error("{0}")]
    Unsupported(String),
    /// What was asked would leave the record wrong, said in words.
    #[error("{0}")]
    Refused(String),
}
