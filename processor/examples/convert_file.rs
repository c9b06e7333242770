//! Converts a local file as a job would (without S3, Kafka or PostgreSQL) and prints what it
//! took: `cargo run --release --example convert_file -- <csv|json|parquet> <input> [output]`.
//! For measuring and for looking at a profile by hand; the benchmark drives the real service.

use std::fs::File;
use std::time::Instant;

use processor::convert::{Hints, Progress, csv, json, parquet};
use processor::error::ConvertError;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [format, input, rest @ ..] = &args[..] else {
        return Err("usage: convert_file <csv|json|parquet> <input> [output.parquet]".into());
    };
    let output = rest.first().cloned().unwrap_or_else(|| "/dev/null".into());
    let size = std::fs::metadata(input)?.len();
    let started = Instant::now();
    let progress = Progress::default();
    let mut hints = Hints::default();
    let mut attempts = 0;
    let written = loop {
        attempts += 1;
        let sink = File::create(&output)?;
        let outcome = match format.as_str() {
            "csv" => csv::convert(File::open(input)?, sink, size, &hints, &progress),
            "json" => json::convert(File::open(input)?, sink, size, &hints, &progress),
            "parquet" => parquet::convert(File::open(input)?, sink, size, &progress),
            other => return Err(format!("unknown format {other}").into()),
        };
        match outcome {
            Ok(written) => break written,
            Err(error @ (ConvertError::Conflict { .. } | ConvertError::UnseenColumn { .. })) => {
                eprintln!("{error}: starting over");
                hints.learn(&error);
            }
            Err(error) => return Err(error.into()),
        }
    };
    let elapsed = started.elapsed();
    let profile = &written.profile;
    println!(
        "{} rows × {} columns, {} duplicate rows, quality {:.3}, {} issues",
        profile.row_count,
        profile.column_count,
        profile.duplicate_rows,
        profile.quality_score,
        profile.issues.len()
    );
    println!(
        "{:.2} s for {:.1} MB ({:.0} MB/s), {attempts} pass(es), peak RSS {} MiB",
        elapsed.as_secs_f64(),
        size as f64 / 1e6,
        size as f64 / 1e6 / elapsed.as_secs_f64(),
        peak_rss_mib().unwrap_or(0)
    );
    if std::env::var_os("SHOW_PROFILE").is_some() {
        println!("{}", serde_json::to_string_pretty(&profile.columns)?);
    }
    Ok(())
}

/// VmHWM from /proc/self/status (Linux).
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}
