//! Raw files to typed Parquet and a profile, in one pass: [`csv`], [`json`] and [`parquet`],
//! all through [`writer::TableWriter`].
//!
//! Converters read from any [`std::io::Read`] and write the Parquet file to any
//! [`std::io::Write`]: the job streams the raw object from S3 into them on a blocking thread
//! and uploads the file they wrote. They report how far they are through [`Progress`], which
//! another thread reads.

pub mod columns;
pub mod csv;
pub mod json;
pub mod parquet;
pub mod writer;

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};

/// What earlier attempts at the same file learnt, so that the next one gets it right: columns
/// to keep as text (a cell past the sample did not fit their type) and, for JSON, columns first
/// seen past the sample.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    pub as_text: HashSet<String>,
    pub more_columns: Vec<String>,
}

impl Hints {
    /// Learns from a [`crate::error::ConvertError::Conflict`] or `UnseenColumn`; false for any
    /// other error (nothing to retry).
    pub fn learn(&mut self, error: &crate::error::ConvertError) -> bool {
        use crate::error::ConvertError;
        match error {
            ConvertError::Conflict { name, .. } => self.as_text.insert(name.clone()),
            ConvertError::UnseenColumn { name, .. } if !self.more_columns.contains(name) => {
                self.more_columns.push(name.clone());
                true
            }
            _ => false,
        }
    }
}

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
