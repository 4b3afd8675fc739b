#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("could not open the database '{location}': {source}")]
    Open {
        location: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("could not bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("the database holds a value Stride cannot read, in {table}.{column}: {detail}")]
    Unreadable {
        table: &'static str,
        column: &'static str,
        detail: String,
    },
    #[error("{0}")]
    Unsupported(String),
}
