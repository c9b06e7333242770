//! PostgreSQL: one connection, opened on first use, reopened after it breaks.
//!
//! The check runs `SELECT 1`; the jobs run their statements on the same connection
//! ([`PostgresClient::client`]): one job runs at a time, and each of its writes is a single
//! statement, so nothing needs a pool or a transaction spanning calls.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::task::JoinHandle;
use tokio_postgres::{Client, NoTls};

use crate::config::PostgresConfig;
use crate::error::ConnectionError;

/// A lazily connected PostgreSQL client.
pub struct PostgresClient {
    config: tokio_postgres::Config,
    timeout: Duration,
    conn: Mutex<Option<Open>>,
}

/// An open connection: the client and the task that drives its socket.
struct Open {
    client: Arc<Client>,
    driver: JoinHandle<()>,
}

impl PostgresClient {
    /// A client for `config`; connecting and queries are bounded by `timeout`.
    pub fn new(config: &PostgresConfig, timeout: Duration) -> Self {
        let mut pg = config.config.clone();
        pg.connect_timeout(timeout);
        if pg.get_application_name().is_none() {
            pg.application_name("processor");
        }
        Self {
            config: pg,
            timeout,
            conn: Mutex::new(None),
        }
    }

    /// Connects if needed and runs `SELECT 1`. A failed check drops the connection, so the
    /// next check starts afresh.
    pub async fn check(&self) -> Result<(), ConnectionError> {
        let result = tokio::time::timeout(self.timeout, async {
            let client = self.client().await?;
            let row = client.query_one("SELECT 1::int4", &[]).await?;
            match row.try_get::<_, i32>(0)? {
                1 => Ok(()),
                other => Err(ConnectionError::PostgresUnexpectedAnswer(other)),
            }
        })
        .await
        .unwrap_or(Err(ConnectionError::Timeout {
            dependency: super::Dependency::Postgres,
            timeout: self.timeout,
        }));
        if result.is_err() {
            self.reset().await;
        }
        result
    }

    /// The open connection, opened (again) when there is none or it broke. Bounded by the
    /// connect timeout; the caller bounds its own statements.
    pub async fn client(&self) -> Result<Arc<Client>, ConnectionError> {
        let mut guard = self.conn.lock().await;
        if guard.as_ref().is_none_or(|open| open.client.is_closed()) {
            if let Some(broken) = guard.take() {
                broken.close().await;
            }
            *guard = Some(self.connect().await?);
        }
        Ok(Arc::clone(&guard.as_ref().expect("just connected").client))
    }

    /// Closes the connection, so that the next call opens a new one (after a failure that
    /// may have left it unusable, such as a timeout in the middle of a statement).
    pub async fn reset(&self) {
        if let Some(open) = self.conn.lock().await.take() {
            open.close().await;
        }
    }

    async fn connect(&self) -> Result<Open, ConnectionError> {
        let (client, connection) = self.config.connect(NoTls).await?;
        let driver = tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::warn!(%error, "PostgreSQL connection closed with an error");
            }
        });
        tracing::debug!("PostgreSQL connection opened");
        Ok(Open {
            client: Arc::new(client),
            driver,
        })
    }

    /// Closes the connection, if any.
    pub async fn close(self) {
        if let Some(open) = self.conn.into_inner() {
            open.close().await;
        }
    }
}

impl Open {
    /// Drops the client, which ends the connection, and waits briefly for its task.
    async fn close(self) {
        drop(self.client);
        let mut driver = self.driver;
        if tokio::time::timeout(Duration::from_secs(1), &mut driver)
            .await
            .is_err()
        {
            driver.abort();
        }
    }
}
