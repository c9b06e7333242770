//! Distinct values of a column, and exact duplicate rows of a data set, by 128-bit hashes.
//!
//! Values are hashed with XXH3-128: two different values share a hash with probability about
//! n² / 2¹²⁹ (under 10⁻²⁴ for a billion values), so counting hashes is exact in practice.
//!
//! A [`Distinct`] appends hashes to a buffer of at most its cap (16 bytes each) and, when the
//! buffer is full, sorts and deduplicates it in place: appending is sequential and sorting is
//! cache-friendly, where a hash set pays a cache miss on nearly every insert of a large column
//! (a third of a conversion's time, measured). When the deduplicated buffer still holds more
//! than [`SPILL_SHARE`] of the cap, the column has too many distinct values for memory: the
//! hashes go to an anonymous temporary file and, at the end, are counted one partition at a
//! time: each partition (hashes sharing their top bits) is read, sorted and deduplicated in
//! memory of about the cap. So the count stays exact and the memory bounded; a column or a data
//! set with many distinct values costs disk (16 bytes per value) and one more read of it.

use std::fs::File;
use std::hash::Hasher;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use twox_hash::XxHash3_128;

/// Hashes a [`Distinct`] keeps in memory by default (about 40 MiB); past this it spills.
pub const IN_MEMORY_HASHES: usize = 1 << 20;
/// Partitions a spilled count is split into at most.
const MAX_PARTITIONS: usize = 1024;
/// A full buffer that deduplicates to more than this share of the cap spills to disk (below
/// it, the next compaction is at least a quarter of the cap away).
pub const SPILL_SHARE: f64 = 0.75;

/// The 128-bit hash of a value's bytes.
pub fn hash128(bytes: &[u8]) -> u128 {
    XxHash3_128::oneshot(bytes)
}

/// The hashes are already uniform: a map keyed by them uses their low 64 bits as they are.
#[derive(Default, Clone, Copy)]
pub struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only u128 keys are hashed here (through write_u128).
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(word);
        }
    }
    fn write_u128(&mut self, value: u128) {
        self.0 = value as u64;
    }
}

/// Counts distinct 128-bit hashes exactly, in memory up to a cap and on disk past it.
pub struct Distinct {
    /// Hashes not yet spilled: a sorted, deduplicated run from the last compaction, then the
    /// hashes added since.
    buffer: Vec<u128>,
    cap: usize,
    spill: Option<BufWriter<File>>,
    spilled: u64,
}

impl Default for Distinct {
    fn default() -> Self {
        Self::with_cap(IN_MEMORY_HASHES)
    }
}

impl std::fmt::Debug for Distinct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Distinct")
            .field("in_memory", &self.buffer.len())
            .field("spilled", &self.spilled)
            .finish()
    }
}

impl Distinct {
    /// Keeps at most `cap` hashes in memory (at least one).
    pub fn with_cap(cap: usize) -> Self {
        Distinct {
            buffer: Vec::new(),
            cap: cap.max(1),
            spill: None,
            spilled: 0,
        }
    }

    pub fn add(&mut self, hash: u128) -> io::Result<()> {
        if let Some(spill) = &mut self.spill {
            self.spilled += 1;
            return spill.write_all(&hash.to_le_bytes());
        }
        self.buffer.push(hash);
        if self.buffer.len() >= self.cap {
            self.compact();
            if self.buffer.len() as f64 > SPILL_SHARE * self.cap as f64 {
                let mut spill = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
                for h in self.buffer.drain(..) {
                    spill.write_all(&h.to_le_bytes())?;
                    self.spilled += 1;
                }
                self.buffer = Vec::new();
                self.spill = Some(spill);
            }
        }
        Ok(())
    }

    fn compact(&mut self) {
        self.buffer.sort_unstable();
        self.buffer.dedup();
    }

    /// Whether the hashes went to disk.
    pub fn spilled(&self) -> bool {
        self.spill.is_some()
    }

    /// The number of distinct hashes added.
    pub fn count(mut self) -> io::Result<u64> {
        let Some(spill) = self.spill.take() else {
            self.compact();
            return Ok(self.buffer.len() as u64);
        };
        let mut file = spill.into_inner().map_err(io::IntoInnerError::into_error)?;
        let partitions = (self.spilled.div_ceil(self.cap as u64) as usize)
            .next_power_of_two()
            .min(MAX_PARTITIONS);
        if partitions == 1 {
            file.seek(SeekFrom::Start(0))?;
            return count_sorted(BufReader::new(file), self.spilled as usize);
        }
        // Hashes are uniform: their top bits split them into partitions of about the same size.
        let shift = 128 - partitions.trailing_zeros();
        let mut parts = (0..partitions)
            .map(|_| Ok(BufWriter::with_capacity(1 << 14, tempfile::tempfile()?)))
            .collect::<io::Result<Vec<_>>>()?;
        let mut sizes = vec![0usize; partitions];
        file.seek(SeekFrom::Start(0))?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut word = [0u8; 16];
        for _ in 0..self.spilled {
            reader.read_exact(&mut word)?;
            let part = (u128::from_le_bytes(word) >> shift) as usize;
            parts[part].write_all(&word)?;
            sizes[part] += 1;
        }
        drop(reader);
        let mut total = 0;
        for (part, size) in parts.into_iter().zip(sizes) {
            let mut file = part.into_inner().map_err(io::IntoInnerError::into_error)?;
            file.seek(SeekFrom::Start(0))?;
            total += count_sorted(BufReader::new(file), size)?;
        }
        Ok(total)
    }
}

/// Reads `n` hashes and counts the distinct ones by sorting them.
fn count_sorted(mut reader: impl Read, n: usize) -> io::Result<u64> {
    let mut hashes = Vec::with_capacity(n);
    let mut word = [0u8; 16];
    for _ in 0..n {
        reader.read_exact(&mut word)?;
        hashes.push(u128::from_le_bytes(word));
    }
    hashes.sort_unstable();
    hashes.dedup();
    Ok(hashes.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn count(values: &[String], cap: usize) -> (u64, bool) {
        let mut distinct = Distinct::with_cap(cap);
        for v in values {
            distinct.add(hash128(v.as_bytes())).unwrap();
        }
        let spilled = distinct.spilled();
        (distinct.count().unwrap(), spilled)
    }

    #[test]
    fn past_the_cap_the_count_is_still_exact() {
        let mut distinct = Distinct::with_cap(1_000);
        for i in 0..50_000u64 {
            // every value twice, far apart
            distinct.add(hash128(&(i % 25_000).to_le_bytes())).unwrap();
        }
        assert!(distinct.spilled());
        assert_eq!(distinct.count().unwrap(), 25_000);
    }

    proptest! {
        #[test]
        fn exact_in_memory_and_spilled(
            values in proptest::collection::vec("[a-d]{0,4}", 0..400),
            cap in 1usize..64,
        ) {
            let expected = values.iter().collect::<std::collections::HashSet<_>>().len() as u64;
            prop_assert_eq!(count(&values, usize::MAX).0, expected);
            prop_assert_eq!(count(&values, cap).0, expected);
        }
    }
}
