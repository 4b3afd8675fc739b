//! The PostgreSQL implementation of [`Store`](crate::Store): the server option, for a hosted
//! service or an LA that runs its own database server. The same statements as SQLite's.

mod engine;
// The one implementation, compiled here for this engine, as it is for the other beside it.
#[allow(clippy::duplicate_mod)]
#[path = "../relational/mod.rs"]
mod relational;

pub(crate) use engine::number_on_from_held;
use sqlx::postgres::PgPoolOptions;

use crate::StoreError;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The store on a PostgreSQL database.
pub type PostgresStore = relational::RelationalStore;

impl PostgresStore {
    /// Connects to the database a `postgres://` URL names and brings its schema up to date.
    pub async fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await
            .map_err(|source| StoreError::Open {
                location: without_password(url),
                source,
            })?;
        MIGRATIONS.run(&pool).await?;
        Ok(PostgresStore::on(pool))
    }
}

/// The URL as it may be shown: any password in it left out.
pub fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _password)) => format!("{}{user}:…{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
