//! One column's profile, built value by value while the column is converted.
//!
//! - every type: nulls, distinct non-null values (exact, see [`super::distinct`]), min and max
//!   (exact; text compares byte by byte, as DuckDB does);
//! - integer, float, date and timestamp: mean and standard deviation (numbers only), quartiles,
//!   a histogram and Tukey outliers (see [`super::numeric`]); dates and timestamps are counted in
//!   days and microseconds and shown as ISO 8601 text;
//! - text and boolean: the most frequent values (see [`super::top_values`]); for text, how many
//!   values read as a number, date or boolean (for the `mixed_types` issue).

use std::io;

use chrono::{DateTime, NaiveDate};
use serde::Serialize;
use serde_json::{Value as Json, json};
use twox_hash::XxHash3_128;

use super::distinct::Distinct;
use super::numeric::NumericStats;
use super::top_values::{TopValue, TopValues};
use crate::decode::values::{ColumnType, TypeSet, Value, possible_types};

/// The 128-bit hash of a non-null value, tagged by type so that `1`, `1.0`, `true` and `"1"`
/// differ. Floats hash by their bits, with -0.0 as 0.0 (they compare equal).
pub fn value_hash(value: &Value<'_>) -> Option<u128> {
    let (tag, bytes): (u64, [u8; 8]) = match *value {
        Value::Null => return None,
        Value::Text(text) => return Some(XxHash3_128::oneshot_with_seed(6, text.as_bytes())),
        Value::Boolean(b) => (1, u64::from(b).to_le_bytes()),
        Value::Integer(i) => (2, i.to_le_bytes()),
        Value::Float(f) => (
            3,
            (if f == 0.0 { 0.0f64 } else { f }).to_bits().to_le_bytes(),
        ),
        Value::Date(d) => (4, i64::from(d).to_le_bytes()),
        Value::Timestamp(t) => (5, t.to_le_bytes()),
    };
    Some(XxHash3_128::oneshot_with_seed(tag, &bytes))
}

#[derive(Debug, Clone)]
enum Extremes {
    Empty,
    Boolean(bool, bool),
    Integer(i64, i64),
    Float(f64, f64),
    Text(String, String),
}

#[derive(Debug)]
pub struct ColumnProfiler {
    name: String,
    ty: ColumnType,
    rows: u64,
    nulls: u64,
    distinct: Distinct,
    extremes: Extremes,
    numeric: Option<NumericStats>,
    top: Option<TopValues>,
    typed_text: u64,
}

/// A histogram bin; bounds are numbers, or ISO 8601 text for dates and timestamps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistogramBin {
    pub start: Json,
    pub end: Json,
    pub count: u64,
}

/// What the profile says about one column. Stored as JSON in `quality.profiles.columns`: the
/// keys are the contract with the quality subgraph (snake_case, after the design's
/// ColumnProfile: `data_type`, `min_value`...).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnProfile {
    pub name: String,
    /// integer, float, boolean, date, timestamp or string.
    #[serde(rename = "data_type")]
    pub ty: &'static str,
    pub null_count: u64,
    /// 0 to 100.
    #[serde(rename = "null_percentage")]
    pub null_percent: f64,
    pub unique_count: u64,
    #[serde(rename = "min_value")]
    pub min: Option<Json>,
    #[serde(rename = "max_value")]
    pub max: Option<Json>,
    /// Integer and float columns only.
    pub mean: Option<f64>,
    pub std_dev: Option<f64>,
    /// First quartile, median, third quartile (numeric, date and timestamp columns).
    pub quartiles: Option<[Json; 3]>,
    pub histogram: Option<Vec<HistogramBin>>,
    pub outliers: Option<u64>,
    /// Quartiles, histogram and outliers come from a sample of the values.
    pub sampled: bool,
    /// Text and boolean columns: the ten most frequent values.
    pub top_values: Option<Vec<TopValue>>,
    /// The top values' counts are lower bounds (over 10,000 distinct values).
    pub top_values_approximate: bool,
    /// Text columns: values that read as a number, date or boolean.
    pub typed_text_count: Option<u64>,
}

impl ColumnProfiler {
    /// `seed` makes the column's sample reproducible (the column's position will do); at most
    /// `distinct_in_memory` hashes stay in memory and `sample` values are kept for quartiles.
    pub fn new(
        name: impl Into<String>,
        ty: ColumnType,
        seed: u64,
        distinct_in_memory: usize,
        sample: usize,
    ) -> Self {
        let numeric = matches!(
            ty,
            ColumnType::Integer | ColumnType::Float | ColumnType::Date | ColumnType::Timestamp
        )
        .then(|| NumericStats::with_capacity(seed, sample));
        let top = matches!(ty, ColumnType::Text | ColumnType::Boolean).then(TopValues::default);
        ColumnProfiler {
            name: name.into(),
            ty,
            rows: 0,
            nulls: 0,
            distinct: Distinct::with_cap(distinct_in_memory),
            extremes: Extremes::Empty,
            numeric,
            top,
            typed_text: 0,
        }
    }

    /// Takes one cell of the column; `hash` is [`value_hash`] of it (None for null).
    pub fn add(&mut self, value: &Value<'_>, hash: Option<u128>) -> io::Result<()> {
        self.rows += 1;
        let Some(hash) = hash else {
            self.nulls += 1;
            return Ok(());
        };
        self.distinct.add(hash)?;
        match *value {
            Value::Null => {}
            Value::Boolean(b) => {
                self.extremes = match self.extremes {
                    Extremes::Boolean(lo, hi) => Extremes::Boolean(lo & b, hi | b),
                    _ => Extremes::Boolean(b, b),
                };
                if let Some(top) = &mut self.top {
                    top.add(hash, if b { "true" } else { "false" });
                }
            }
            Value::Integer(i) => self.add_integer(i, i as f64),
            Value::Date(d) => self.add_integer(i64::from(d), f64::from(d)),
            Value::Timestamp(t) => self.add_integer(t, t as f64),
            Value::Float(f) => {
                self.extremes = match self.extremes {
                    Extremes::Float(lo, hi) => Extremes::Float(lo.min(f), hi.max(f)),
                    _ => Extremes::Float(f, f),
                };
                if let Some(numeric) = &mut self.numeric {
                    numeric.add(f);
                }
            }
            Value::Text(text) => {
                match &mut self.extremes {
                    Extremes::Text(lo, hi) => {
                        if text < lo.as_str() {
                            text.clone_into(lo);
                        }
                        if text > hi.as_str() {
                            text.clone_into(hi);
                        }
                    }
                    other => *other = Extremes::Text(text.to_owned(), text.to_owned()),
                }
                if let Some(top) = &mut self.top {
                    top.add(hash, text);
                }
                if possible_types(text) != TypeSet::TEXT {
                    self.typed_text += 1;
                }
            }
        }
        Ok(())
    }

    fn add_integer(&mut self, exact: i64, number: f64) {
        self.extremes = match self.extremes {
            Extremes::Integer(lo, hi) => Extremes::Integer(lo.min(exact), hi.max(exact)),
            _ => Extremes::Integer(exact, exact),
        };
        if let Some(numeric) = &mut self.numeric {
            numeric.add(number);
        }
    }

    pub fn finish(self) -> io::Result<ColumnProfile> {
        let ty = self.ty;
        let show = |n: f64| shown(ty, n);
        let (min, max) = match self.extremes {
            Extremes::Empty => (None, None),
            Extremes::Boolean(lo, hi) => (Some(json!(lo)), Some(json!(hi))),
            Extremes::Integer(lo, hi) => (Some(shown_exact(ty, lo)), Some(shown_exact(ty, hi))),
            Extremes::Float(lo, hi) => (Some(json!(lo)), Some(json!(hi))),
            Extremes::Text(lo, hi) => (Some(json!(lo)), Some(json!(hi))),
        };
        let summary = self.numeric.and_then(NumericStats::finish);
        let numbers = matches!(ty, ColumnType::Integer | ColumnType::Float);
        let top = self.top.map(TopValues::finish);
        Ok(ColumnProfile {
            name: self.name,
            ty: ty.name(),
            null_count: self.nulls,
            null_percent: if self.rows == 0 {
                0.0
            } else {
                self.nulls as f64 * 100.0 / self.rows as f64
            },
            unique_count: self.distinct.count()?,
            min,
            max,
            mean: summary.as_ref().filter(|_| numbers).map(|s| s.mean),
            std_dev: summary.as_ref().filter(|_| numbers).and_then(|s| s.std_dev),
            quartiles: summary.as_ref().map(|s| s.quartiles.map(show)),
            histogram: summary.as_ref().map(|s| {
                s.histogram
                    .iter()
                    .map(|b| HistogramBin {
                        start: show(b.start),
                        end: show(b.end),
                        count: b.count,
                    })
                    .collect()
            }),
            outliers: summary.as_ref().filter(|_| numbers).map(|s| s.outliers),
            sampled: summary.as_ref().is_some_and(|s| s.approximate),
            top_values_approximate: top.as_ref().is_some_and(|t| t.approximate),
            top_values: top.map(|t| t.values),
            typed_text_count: (ty == ColumnType::Text).then_some(self.typed_text),
        })
    }
}

/// A statistic as the profile shows it: a number, or ISO 8601 text for dates and timestamps.
fn shown(ty: ColumnType, value: f64) -> Json {
    match ty {
        ColumnType::Date | ColumnType::Timestamp => shown_exact(ty, value.round() as i64),
        _ => json!(value),
    }
}

fn shown_exact(ty: ColumnType, value: i64) -> Json {
    match ty {
        ColumnType::Date => NaiveDate::from_ymd_opt(1970, 1, 1)
            .and_then(|epoch| epoch.checked_add_signed(chrono::TimeDelta::days(value)))
            .map_or(Json::Null, |d| json!(d.format("%Y-%m-%d").to_string())),
        ColumnType::Timestamp => DateTime::from_timestamp_micros(value).map_or(Json::Null, |t| {
            json!(t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string())
        }),
        _ => json!(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::values::parse_as;
    use proptest::prelude::*;

    fn profile(ty: ColumnType, cells: &[&str]) -> ColumnProfile {
        let mut column = ColumnProfiler::new("c", ty, 1, 4, 1_000);
        for cell in cells {
            let value = parse_as(cell, ty).expect("cell fits the type");
            column.add(&value, value_hash(&value)).unwrap();
        }
        column.finish().unwrap()
    }

    #[test]
    fn an_integer_column() {
        let p = profile(
            ColumnType::Integer,
            &["3", "", "1", "3", "NA", "9007199254740993"],
        );
        assert_eq!((p.null_count, p.unique_count), (2, 3));
        assert!((p.null_percent - 100.0 / 3.0).abs() < 1e-12);
        // Exact past 2^53, where a float would round.
        assert_eq!(p.max, Some(json!(9_007_199_254_740_993i64)));
        assert_eq!(p.min, Some(json!(1)));
        assert!(p.mean.is_some() && p.top_values.is_none());
    }

    #[test]
    fn dates_and_timestamps_are_shown_as_iso_text() {
        let p = profile(
            ColumnType::Date,
            &["2024-03-01", "2024-01-01", "2024-02-01"],
        );
        assert_eq!(
            (p.min, p.max),
            (Some(json!("2024-01-01")), Some(json!("2024-03-01")))
        );
        assert_eq!(p.quartiles.unwrap()[1], json!("2024-02-01"));
        assert_eq!(p.mean, None);
        let p = profile(
            ColumnType::Timestamp,
            &["2024-01-01T10:00:00+02:00", "2024-01-02"],
        );
        assert_eq!(p.min, Some(json!("2024-01-01T08:00:00.000000Z")));
        assert_eq!(p.max, Some(json!("2024-01-02T00:00:00.000000Z")));
    }

    #[test]
    fn a_text_column_counts_values_that_read_as_other_types() {
        let p = profile(
            ColumnType::Text,
            &["b", "a", "12", "b", "2024-01-01", "true"],
        );
        assert_eq!((p.min, p.max), (Some(json!("12")), Some(json!("true"))));
        assert_eq!(p.typed_text_count, Some(3));
        let top = p.top_values.unwrap();
        assert_eq!((top[0].value.as_str(), top[0].count), ("b", 2));
        assert_eq!(p.quartiles, None);
    }

    /// The keys the quality subgraph reads (subgraphs/quality/src/profile-json.ts).
    #[test]
    fn the_stored_json_has_the_quality_subgraphs_keys() {
        let p = profile(ColumnType::Integer, &["1", "2"]);
        let stored = serde_json::to_value(&p).unwrap();
        for key in [
            "name",
            "data_type",
            "null_count",
            "null_percentage",
            "unique_count",
            "min_value",
            "max_value",
            "mean",
            "std_dev",
        ] {
            assert!(stored.get(key).is_some(), "{key} missing from {stored}");
        }
        assert_eq!(stored["data_type"], "integer");
    }

    #[test]
    fn float_zero_signs_are_one_value() {
        let p = profile(ColumnType::Float, &["0.0", "-0.0", "1.5"]);
        assert_eq!(p.unique_count, 2);
    }

    proptest! {
        /// Feature: ai-analytics-platform, Property 8: Data profile completeness
        /// (type, nulls, uniques, and min, max and mean for every numeric column).
        #[test]
        fn numeric_profiles_are_complete_and_exact(cells in proptest::collection::vec(proptest::option::of(-1000i64..1000), 1..200)) {
            let text: Vec<String> = cells.iter().map(|c| c.map_or(String::new(), |v| v.to_string())).collect();
            let refs: Vec<&str> = text.iter().map(String::as_str).collect();
            let p = profile(ColumnType::Integer, &refs);
            let values: Vec<i64> = cells.iter().flatten().copied().collect();
            prop_assert_eq!(p.ty, "integer");
            prop_assert_eq!(p.null_count, (cells.len() - values.len()) as u64);
            let unique = values.iter().collect::<std::collections::HashSet<_>>().len() as u64;
            prop_assert_eq!(p.unique_count, unique);
            if values.is_empty() {
                prop_assert!(p.min.is_none() && p.mean.is_none());
            } else {
                prop_assert_eq!(p.min, Some(json!(values.iter().min().unwrap())));
                prop_assert_eq!(p.max, Some(json!(values.iter().max().unwrap())));
                let mean = values.iter().sum::<i64>() as f64 / values.len() as f64;
                prop_assert!((p.mean.unwrap() - mean).abs() <= 1e-9 * mean.abs().max(1.0));
            }
        }
    }
}
