//! Distinct values of a column, and exact duplicate rows of a data set, by 128-bit hashes.
//!
//! Values are hashed with XXH3-128: two different values share a hash with probability about
//! n² / 2¹²⁹ (under 10⁻²⁴ for a billion values), so counting hashes is exact in practice. A
//! column keeps every hash while it has at most [`EXACT_DISTINCT`] distinct values (16 bytes
//! each, about 64 MiB with the set's overhead); past that it switches to HyperLogLog++
//! (precision 14: standard error 0.8%) and the count says it is an estimate.

use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use hyperloglogplus::{HyperLogLog, HyperLogLogPlus};
use twox_hash::XxHash3_128;

/// Distinct values counted exactly per column; past this, estimated.
pub const EXACT_DISTINCT: usize = 2_000_000;
const HLL_PRECISION: u8 = 14;

/// The 128-bit hash of a value's bytes.
pub fn hash128(bytes: &[u8]) -> u128 {
    XxHash3_128::oneshot(bytes)
}

/// The hashes are already uniform: the set uses their low 64 bits as they are.
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

pub type HashSet128 = HashSet<u128, BuildHasherDefault<PreHashed>>;

/// HyperLogLog++ hashes its input once more: a fixed seed keeps results reproducible.
#[derive(Clone, Copy, Default)]
pub struct FixedState;

impl BuildHasher for FixedState {
    type Hasher = twox_hash::XxHash64;
    fn build_hasher(&self) -> Self::Hasher {
        twox_hash::XxHash64::with_seed(0x5eed)
    }
}

pub enum Distinct {
    Exact(HashSet128),
    Estimated(Box<HyperLogLogPlus<u128, FixedState>>),
}

/// How many distinct values, and whether that is an estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DistinctCount {
    pub count: u64,
    pub approximate: bool,
}

impl Default for Distinct {
    fn default() -> Self {
        Distinct::Exact(HashSet128::default())
    }
}

impl Distinct {
    pub fn add(&mut self, hash: u128) {
        self.add_capped(hash, EXACT_DISTINCT)
    }

    pub fn add_capped(&mut self, hash: u128, cap: usize) {
        match self {
            Distinct::Exact(set) => {
                set.insert(hash);
                if set.len() > cap {
                    let mut sketch = HyperLogLogPlus::new(HLL_PRECISION, FixedState)
                        .expect("precision 14 is valid");
                    for h in set.iter() {
                        sketch.insert(h);
                    }
                    *self = Distinct::Estimated(Box::new(sketch));
                }
            }
            Distinct::Estimated(sketch) => sketch.insert(&hash),
        }
    }

    pub fn count(&mut self) -> DistinctCount {
        match self {
            Distinct::Exact(set) => DistinctCount {
                count: set.len() as u64,
                approximate: false,
            },
            Distinct::Estimated(sketch) => DistinctCount {
                count: sketch.count().round() as u64,
                approximate: true,
            },
        }
    }
}

impl std::fmt::Debug for Distinct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Distinct::Exact(set) => write!(f, "Distinct::Exact({})", set.len()),
            Distinct::Estimated(_) => write!(f, "Distinct::Estimated"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn past_the_cap_the_count_is_an_estimate_within_its_error() {
        let mut distinct = Distinct::default();
        for i in 0..200_000u64 {
            distinct.add_capped(hash128(&i.to_le_bytes()), 50_000);
        }
        let DistinctCount { count, approximate } = distinct.count();
        assert!(approximate);
        // 0.8% standard error: 4% is five of them.
        assert!((count as f64 - 200_000.0).abs() < 8_000.0, "{count}");
    }

    proptest! {
        #[test]
        fn exact_below_the_cap(values in proptest::collection::vec("[a-c]{0,3}", 0..300)) {
            let mut distinct = Distinct::default();
            for v in &values {
                distinct.add(hash128(v.as_bytes()));
            }
            let expected = values.iter().collect::<std::collections::HashSet<_>>().len() as u64;
            prop_assert_eq!(distinct.count(), DistinctCount { count: expected, approximate: false });
        }
    }
}
