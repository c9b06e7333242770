//! Logging: JSON lines on stdout through `tracing-subscriber`, one object per event with the
//! timestamp, level, target, message and fields at the top level (like the pino lines of the
//! TypeScript services). librdkafka's own log goes through the same subscriber (the `rdkafka`
//! target).

use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the global subscriber. `filter` is [`crate::config::Config::log_filter`], already
/// validated; should it not parse, `info` is used.
pub fn init(filter: &str) {
    let targets: Targets = filter
        .parse()
        .unwrap_or_else(|_| Targets::new().with_default(LevelFilter::INFO));
    let json = tracing_subscriber::fmt::layer()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(true)
        .with_writer(std::io::stdout);
    // A second call (tests) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(json)
        .with(targets)
        .try_init();
}
