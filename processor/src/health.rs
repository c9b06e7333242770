//! The health and metrics HTTP server (HTTP/1.1, `PROCESSOR_HOST:PROCESSOR_PORT`).
//!
//! | route | answer |
//! | --- | --- |
//! | `GET /healthz` | 200 `{"status":"alive"}` while the process serves requests |
//! | `GET /readyz` | 200 when PostgreSQL, Kafka and S3 passed their last check, else 503; the JSON body names what failed ([`crate::readiness::Report`]) |
//! | `GET /metrics` | Prometheus text ([`crate::metrics`]) |
//!
//! Anything else is 404 (405 for another method on a known path). [`HealthServer::bind`] opens
//! the socket up front so a port in use fails the start; [`HealthServer::serve`] stops accepting
//! when its token is cancelled and then waits a bounded time for open requests.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::error::ServerError;
use crate::metrics;
use crate::readiness::Readiness;

/// How long a client may take to send its request headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// A bound, not yet serving, health server.
pub struct HealthServer {
    listener: TcpListener,
    readiness: Arc<Readiness>,
}

impl HealthServer {
    /// Opens the listening socket.
    pub async fn bind(addr: SocketAddr, readiness: Arc<Readiness>) -> Result<Self, ServerError> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| ServerError::Bind { addr, source })?;
        Ok(Self {
            listener,
            readiness,
        })
    }

    /// The bound address (useful when the port was 0 in tests).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.local_addr().ok()
    }

    /// Serves until `stop` is cancelled, then stops accepting and gives open connections up to
    /// `grace` to finish.
    pub async fn serve(self, stop: CancellationToken, grace: Duration) {
        let graceful = GracefulShutdown::new();
        loop {
            let accepted = tokio::select! {
                accepted = self.listener.accept() => accepted,
                () = stop.cancelled() => break,
            };
            let stream = match accepted {
                Ok((stream, _peer)) => stream,
                Err(error) => {
                    // Usually EMFILE; back off instead of spinning.
                    tracing::warn!(%error, "health server cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let readiness = Arc::clone(&self.readiness);
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(
                    TokioIo::new(stream),
                    service_fn(move |req| {
                        let readiness = Arc::clone(&readiness);
                        async move { Ok::<_, Infallible>(route(&req, &readiness)) }
                    }),
                );
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                if let Err(error) = connection.await {
                    tracing::debug!(%error, "health connection ended with an error");
                }
            });
        }
        drop(self.listener);
        tracing::info!("health server stopped accepting connections");
        if tokio::time::timeout(grace, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!(
                grace_ms = grace.as_millis() as u64,
                "health connections still open after the grace period; closing them"
            );
        }
    }
}

/// Answers one request.
fn route(req: &Request<Incoming>, readiness: &Readiness) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    if !matches!(path, "/healthz" | "/readyz" | "/metrics") {
        return json(StatusCode::NOT_FOUND, r#"{"error":"not found"}"#.into());
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut response = json(
            StatusCode::METHOD_NOT_ALLOWED,
            r#"{"error":"method not allowed"}"#.into(),
        );
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    match path {
        "/healthz" => json(StatusCode::OK, r#"{"status":"alive"}"#.into()),
        "/readyz" => {
            let report = readiness.report();
            let status = if report.is_ready() {
                StatusCode::OK
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            let body = serde_json::to_string(&report)
                .unwrap_or_else(|_| r#"{"status":"unavailable"}"#.to_string());
            json(status, body)
        }
        _ => respond(
            StatusCode::OK,
            metrics::CONTENT_TYPE,
            readiness.metrics().render(),
        ),
    }
}

fn json(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    respond(status, "application/json", body)
}

fn respond(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
