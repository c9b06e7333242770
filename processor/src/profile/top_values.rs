//! The most frequent values of a text or boolean column, in bounded memory.
//!
//! Counts are exact while a column has at most [`TRACKED`] distinct values. Past that, the
//! counter follows Misra and Gries' frequent-items algorithm: whenever it tracks one value too
//! many, every count drops by the smallest one and the values at zero are forgotten. A value
//! seen more than n / ([`TRACKED`] + 1) times out of n is then always kept, and its count is
//! low by at most that much; the result says it is approximate.
//!
//! Values are told apart by their 128-bit hash; only the first [`SHOWN_CHARS`] characters of
//! each are kept for display, so one 10 MB cell costs no more than a short one.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::distinct::PreHashed;

/// Distinct values counted at once.
pub const TRACKED: usize = 10_000;
/// Values a profile lists.
pub const LISTED: usize = 10;
/// Characters of a value kept for display.
pub const SHOWN_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TopValue {
    /// The value, cut to [`SHOWN_CHARS`] characters (then ending with `…`).
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopValuesSummary {
    /// Most frequent first; ties by value.
    pub values: Vec<TopValue>,
    /// Counts are lower bounds (more than [`TRACKED`] distinct values were seen).
    pub approximate: bool,
}

#[derive(Debug, Clone)]
pub struct TopValues {
    counts: HashMap<u128, (String, u64), BuildHasherDefault<PreHashed>>,
    tracked: usize,
    approximate: bool,
}

impl Default for TopValues {
    fn default() -> Self {
        Self::tracking(TRACKED)
    }
}

impl TopValues {
    pub fn tracking(tracked: usize) -> Self {
        TopValues {
            counts: HashMap::default(),
            tracked: tracked.max(1),
            approximate: false,
        }
    }

    /// Counts `value`, whose [`super::distinct::hash128`] is `hash`.
    pub fn add(&mut self, hash: u128, value: &str) {
        if let Some((_, count)) = self.counts.get_mut(&hash) {
            *count += 1;
            return;
        }
        self.counts.insert(hash, (shown(value), 1));
        if self.counts.len() > self.tracked {
            self.approximate = true;
            let min = self.counts.values().map(|(_, c)| *c).min().unwrap_or(0);
            self.counts.retain(|_, (_, count)| {
                *count -= min;
                *count > 0
            });
        }
    }

    pub fn finish(self) -> TopValuesSummary {
        let mut values: Vec<TopValue> = self
            .counts
            .into_values()
            .map(|(value, count)| TopValue { value, count })
            .collect();
        values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        values.truncate(LISTED);
        TopValuesSummary {
            values,
            approximate: self.approximate,
        }
    }
}

fn shown(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::distinct::hash128;
    use super::*;
    use proptest::prelude::*;

    fn top(values: &[String], tracked: usize) -> TopValuesSummary {
        let mut top = TopValues::tracking(tracked);
        for v in values {
            top.add(hash128(v.as_bytes()), v);
        }
        top.finish()
    }

    fn exact(values: &[String]) -> Vec<TopValue> {
        let mut counts = HashMap::<&str, u64>::new();
        for v in values {
            *counts.entry(v).or_default() += 1;
        }
        let mut all: Vec<TopValue> = counts
            .into_iter()
            .map(|(value, count)| TopValue {
                value: value.to_owned(),
                count,
            })
            .collect();
        all.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        all.truncate(LISTED);
        all
    }

    #[test]
    fn long_values_are_cut_for_display_but_told_apart() {
        let a = "a".repeat(1_000);
        let b = format!("{}b", "a".repeat(999));
        let summary = top(&[a.clone(), a, b], TRACKED);
        assert_eq!(summary.values.len(), 2);
        assert_eq!(summary.values[0].count, 2);
        assert_eq!(summary.values[0].value.chars().count(), SHOWN_CHARS + 1);
        assert!(summary.values[0].value.ends_with('…'));
    }

    proptest! {
        #[test]
        fn exact_while_few_distinct_values(values in proptest::collection::vec("[a-f]{1,2}", 0..500)) {
            let summary = top(&values, TRACKED);
            prop_assert!(!summary.approximate);
            prop_assert_eq!(summary.values, exact(&values));
        }

        #[test]
        fn past_the_cap_frequent_values_are_kept_within_the_bound(
            values in proptest::collection::vec(prop_oneof![3 => "[a-b]", 1 => "[c-z]{3}"], 1..600),
            tracked in 2usize..20,
        ) {
            let summary = top(&values, tracked);
            let bound = values.len() as u64 / (tracked as u64 + 1);
            for truth in exact(&values) {
                let found = summary.values.iter().find(|v| v.value == truth.value);
                if truth.count > bound && summary.values.len() < LISTED {
                    prop_assert!(found.is_some(), "{} ({}) lost", truth.value, truth.count);
                }
                if let Some(found) = found {
                    prop_assert!(found.count <= truth.count);
                    prop_assert!(found.count + bound >= truth.count);
                }
            }
        }
    }
}
