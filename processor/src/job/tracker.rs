//! How far a job is, shared between the converting thread, the upload and the progress task.
//!
//! Reading the raw object is 0-90 % (by bytes read), writing the Parquet file to S3 90-98 %
//! (by bytes sent), storing the profile 99 %. [`Tracker::percent`] never goes back, even when
//! a conversion starts over (a late type conflict).

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};

use crate::convert::Progress;

/// Percent reached when the raw object has been read.
const READ_DONE: u64 = 90;
/// Percent reached when the Parquet file is in S3.
const UPLOAD_DONE: u64 = 98;
/// Percent while the profile is being stored.
const STORING: u8 = 99;

#[derive(Debug, Default)]
pub struct Tracker {
    /// Size of the raw object.
    raw_bytes: AtomicU64,
    /// Raw bytes read in the current pass.
    read: AtomicU64,
    /// Size of the Parquet file being uploaded, and bytes of it sent.
    parquet_bytes: AtomicU64,
    uploaded: AtomicU64,
    /// Rows converted, updated by the converter.
    pub rows: Progress,
    stage: AtomicU8,
    /// The highest percent reported so far.
    high: AtomicU8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Stage {
    Reading = 0,
    Uploading = 1,
    Storing = 2,
}

impl Tracker {
    pub fn new(raw_bytes: u64) -> Arc<Self> {
        let tracker = Self::default();
        tracker.raw_bytes.store(raw_bytes.max(1), Ordering::Relaxed);
        Arc::new(tracker)
    }

    /// A new pass over the raw object (the first, or one after a type conflict).
    pub fn start_pass(&self) {
        self.read.store(0, Ordering::Relaxed);
        self.stage.store(Stage::Reading as u8, Ordering::Relaxed);
    }

    pub fn start_upload(&self, parquet_bytes: u64) {
        self.parquet_bytes
            .store(parquet_bytes.max(1), Ordering::Relaxed);
        self.uploaded.store(0, Ordering::Relaxed);
        self.stage.store(Stage::Uploading as u8, Ordering::Relaxed);
    }

    pub fn uploaded(&self, bytes: u64) {
        self.uploaded.fetch_add(bytes, Ordering::Relaxed);
    }

    pub fn start_storing(&self) {
        self.stage.store(Stage::Storing as u8, Ordering::Relaxed);
    }

    pub fn stage(&self) -> Stage {
        match self.stage.load(Ordering::Relaxed) {
            0 => Stage::Reading,
            1 => Stage::Uploading,
            _ => Stage::Storing,
        }
    }

    /// Percent done now, never less than a value returned before.
    pub fn percent(&self) -> u8 {
        let now = match self.stage() {
            Stage::Reading => {
                let total = self.raw_bytes.load(Ordering::Relaxed);
                let read = self.read.load(Ordering::Relaxed).min(total);
                (read * READ_DONE / total) as u8
            }
            Stage::Uploading => {
                let total = self.parquet_bytes.load(Ordering::Relaxed);
                let sent = self.uploaded.load(Ordering::Relaxed).min(total);
                (READ_DONE + sent * (UPLOAD_DONE - READ_DONE) / total) as u8
            }
            Stage::Storing => STORING,
        };
        self.high.fetch_max(now, Ordering::Relaxed).max(now)
    }

    /// `inner`, counting the bytes read into this tracker.
    pub fn counting<R: Read>(self: &Arc<Self>, inner: R) -> CountingReader<R> {
        CountingReader {
            inner,
            tracker: Arc::clone(self),
        }
    }
}

/// A reader that adds what it reads to its [`Tracker`].
pub struct CountingReader<R> {
    inner: R,
    tracker: Arc<Tracker>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.tracker.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_follows_the_stages_and_never_goes_back() {
        let tracker = Tracker::new(1000);
        tracker.start_pass();
        let mut reader = tracker.counting(&[0u8; 500][..]);
        io::copy(&mut reader, &mut io::sink()).unwrap();
        assert_eq!(tracker.percent(), 45);
        tracker.start_pass(); // a second pass starts from byte 0
        assert_eq!(tracker.percent(), 45);
        tracker.start_upload(200);
        tracker.uploaded(100);
        assert_eq!(tracker.percent(), 94);
        tracker.uploaded(100);
        assert_eq!(tracker.percent(), 98);
        tracker.start_storing();
        assert_eq!(tracker.percent(), 99);
    }

    #[test]
    fn an_empty_object_does_not_divide_by_zero() {
        let tracker = Tracker::new(0);
        assert_eq!(tracker.percent(), 0);
        tracker.start_upload(0);
        assert_eq!(tracker.percent(), 90);
    }
}
