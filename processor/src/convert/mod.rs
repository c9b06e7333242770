//! Raw files to typed Parquet and a profile, in one pass: [`csv`] (and, through the same
//! [`writer::TableWriter`], JSON and Parquet inputs).
//!
//! Converters read from any [`std::io::Read`] and write the Parquet file to any
//! [`std::io::Write`]: the job streams the raw object from S3 into them on a blocking thread
//! and uploads the file they wrote. They report how far they are through [`Progress`], which
//! another thread reads.

pub mod columns;
pub mod csv;
pub mod writer;

use std::sync::atomic::{AtomicU64, Ordering};

/// Rows converted so far, updated by the converter every few thousand rows.
#[derive(Debug, Default)]
pub struct Progress {
    rows: AtomicU64,
}

impl Progress {
    pub fn set_rows(&self, rows: u64) {
        self.rows.store(rows, Ordering::Relaxed);
    }

    pub fn rows(&self) -> u64 {
        self.rows.load(Ordering::Relaxed)
    }
}
