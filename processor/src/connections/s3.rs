//! S3: one `object_store` client per bucket (raw uploads, typed datasets).
//!
//! The check lists a probe prefix in each bucket: cheap, signed, and it fails distinctly for a
//! missing bucket, bad credentials or an unreachable endpoint (a HEAD of a missing key would
//! answer 404 for a missing bucket too).

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, RetryConfig};

use crate::config::S3Config;
use crate::error::ConnectionError;

/// Prefix listed by the check; nothing is ever written there.
const PROBE_PREFIX: &str = "__processor_readiness_probe__";

/// Retries of one S3 request inside a check; the check's own timeout bounds the total.
const CHECK_MAX_RETRIES: usize = 2;

/// The raw and data buckets.
pub struct S3Client {
    raw: Bucket,
    data: Bucket,
}

/// One bucket, with two clients: the readiness check's, whose every request is bounded by the
/// check timeout, and the jobs', which stream objects of any size (a connect timeout, no
/// overall one) and retry a failed request for up to [`TRANSFER_RETRY_TIMEOUT`].
struct Bucket {
    name: String,
    store: Arc<dyn ObjectStore>,
    transfer: Arc<dyn ObjectStore>,
}

/// Retries of one request of a job (object_store retries 5xx answers and broken connections).
const TRANSFER_MAX_RETRIES: usize = 5;
/// How long one request of a job may go on being retried.
const TRANSFER_RETRY_TIMEOUT: Duration = Duration::from_secs(30);

/// Makes `ring` the process's TLS crypto provider. object_store is built on reqwest with
/// `rustls-no-provider` to avoid compiling aws-lc; rustls then needs a provider installed once
/// before the first client is built. Installing twice is harmless.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl S3Client {
    /// Builds the clients; no request is sent yet.
    pub fn new(config: &S3Config, timeout: Duration) -> Result<Self, ConnectionError> {
        install_crypto_provider();
        Ok(Self {
            raw: Bucket::new(config, &config.raw_bucket, timeout)?,
            data: Bucket::new(config, &config.data_bucket, timeout)?,
        })
    }

    /// The bucket of raw uploads.
    pub fn raw(&self) -> &Arc<dyn ObjectStore> {
        &self.raw.transfer
    }

    /// The bucket of typed datasets.
    pub fn data(&self) -> &Arc<dyn ObjectStore> {
        &self.data.transfer
    }

    /// The name of the data bucket (the events' output location).
    pub fn data_bucket(&self) -> &str {
        &self.data.name
    }

    /// Lists the probe prefix of both buckets, concurrently.
    pub async fn check(&self) -> Result<(), ConnectionError> {
        let (raw, data) = tokio::join!(self.raw.check(), self.data.check());
        raw.and(data)
    }
}

impl Bucket {
    fn new(config: &S3Config, name: &str, timeout: Duration) -> Result<Self, ConnectionError> {
        let check = ClientOptions::new()
            .with_allow_http(config.allow_http())
            .with_connect_timeout(timeout)
            .with_timeout(timeout);
        let transfer = ClientOptions::new()
            .with_allow_http(config.allow_http())
            .with_connect_timeout(timeout)
            .with_timeout_disabled();
        Ok(Self {
            name: name.to_string(),
            store: Self::build(config, name, check, CHECK_MAX_RETRIES, timeout)?,
            transfer: Self::build(
                config,
                name,
                transfer,
                TRANSFER_MAX_RETRIES,
                TRANSFER_RETRY_TIMEOUT,
            )?,
        })
    }

    fn build(
        config: &S3Config,
        name: &str,
        options: ClientOptions,
        max_retries: usize,
        retry_timeout: Duration,
    ) -> Result<Arc<dyn ObjectStore>, ConnectionError> {
        let mut builder = AmazonS3Builder::new()
            .with_region(&config.region)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(config.secret_access_key.expose())
            .with_bucket_name(name)
            // `with_client_options` replaces the whole ClientOptions, `allow_http` included
            // (builder.with_allow_http before it is silently undone): it is set in `options`.
            .with_client_options(options)
            .with_retry(RetryConfig {
                backoff: BackoffConfig::default(),
                max_retries,
                retry_timeout,
            });
        if let Some(endpoint) = &config.endpoint {
            // Path-style requests (endpoint/bucket/key), which S3-compatible servers expect.
            builder = builder
                .with_endpoint(endpoint.as_str().trim_end_matches('/'))
                .with_virtual_hosted_style_request(false);
        }
        Ok(Arc::new(builder.build()?))
    }

    async fn check(&self) -> Result<(), ConnectionError> {
        let prefix = Path::from(PROBE_PREFIX);
        match self.store.list(Some(&prefix)).next().await {
            None | Some(Ok(_)) => Ok(()),
            Some(Err(error)) => Err(ConnectionError::S3Bucket {
                bucket: self.name.clone(),
                summary: summarize(&error),
                error,
            }),
        }
    }
}

/// object_store's message with the S3 XML error body replaced by its `Code` and `Message`
/// (a `SignatureDoesNotMatch` body alone is kilobytes of hex).
pub(crate) fn summarize(error: &object_store::Error) -> String {
    let text = error.to_string();
    let Some(xml_start) = text.find("<?xml").or_else(|| text.find("<Error>")) else {
        return text;
    };
    let xml = &text[xml_start..];
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = xml.find(&open)? + open.len();
        let end = xml[start..].find(&format!("</{name}>"))? + start;
        Some(xml[start..end].to_string())
    };
    let head = text[..xml_start].trim_end().trim_end_matches(':');
    match (tag("Code"), tag("Message")) {
        (Some(code), Some(message)) => format!("{head}: {code}: {message}"),
        (Some(code), None) => format!("{head}: {code}"),
        _ => head.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_keep_the_s3_code_and_drop_the_xml() {
        let error = object_store::Error::Generic {
            store: "S3",
            source: "Error performing GET http://h/b?list-type=2 - Server returned non-2xx \
                     status code: 403 Forbidden: <?xml version=\"1.0\"?>\n<Error><Code>\
                     SignatureDoesNotMatch</Code><Message>The signature does not match.\
                     </Message><StringToSignBytes>41 57 53</StringToSignBytes></Error>"
                .into(),
        };
        let summary = summarize(&error);
        assert!(
            summary
                .ends_with("403 Forbidden: SignatureDoesNotMatch: The signature does not match."),
            "{summary}"
        );
        assert!(!summary.contains("StringToSign"), "{summary}");

        let plain = object_store::Error::Generic {
            store: "S3",
            source: "connection refused".into(),
        };
        assert_eq!(summarize(&plain), plain.to_string());
    }
}
