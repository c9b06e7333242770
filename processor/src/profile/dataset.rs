//! A data set's profile: its columns' profiles, exact duplicate rows, the issues found and a
//! quality score, built one row at a time.
//!
//! Memory is bounded whatever the shape of the data: the in-memory distinct hashes of all
//! columns and of the rows share [`HASH_BUDGET`] (past a counter's share it spills to disk and
//! stays exact), and the values kept for quartiles share [`SAMPLE_BUDGET`].
//!
//! **Quality score** (in [0, 1]; documented in the processor README):
//!
//! ```text
//! completeness = 1 - null cells / (rows × columns)
//! uniqueness   = 1 - duplicate rows / rows
//! validity     = (1 - ragged rows / rows) × (1 - mixed-type columns / columns)
//! score        = 0.5 × completeness + 0.3 × uniqueness + 0.2 × validity
//! ```

use std::io;

use serde::Serialize;

use super::column::{ColumnProfile, ColumnProfiler, value_hash};
use super::distinct::{Distinct, hash128};
use crate::decode::values::{ColumnType, Value};

/// Hashes kept in memory by all distinct counters together (about 550 MiB at worst).
pub const HASH_BUDGET: usize = 16_000_000;
/// Values kept for quartiles by all columns together (8 bytes each).
pub const SAMPLE_BUDGET: usize = 16_000_000;
/// A column is low quality above this share of nulls (Property 9).
pub const HIGH_NULLS_PERCENT: f64 = 50.0;
/// A text column has mixed types when at least this share of its values read as another type.
pub const MIXED_TYPES_SHARE: f64 = 0.1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    HighNulls,
    Duplicates,
    Outliers,
    ConstantColumn,
    MixedTypes,
    RaggedRows,
}

/// Stored as JSON in `quality.profiles.issues` (after the design's QualityIssue).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Issue {
    #[serde(rename = "type")]
    pub kind: IssueKind,
    pub severity: Severity,
    /// The column it is about; none for the data set as a whole.
    pub column: Option<String>,
    /// Rows or values concerned.
    pub count: u64,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DatasetProfile {
    pub row_count: u64,
    pub column_count: u32,
    /// Bytes of the raw file.
    pub size_bytes: u64,
    pub duplicate_rows: u64,
    /// Rows with more or fewer cells than the header (padded with nulls or cut).
    pub ragged_rows: u64,
    pub quality_score: f64,
    pub issues: Vec<Issue>,
    pub columns: Vec<ColumnProfile>,
}

#[derive(Debug)]
pub struct DatasetProfiler {
    columns: Vec<ColumnProfiler>,
    rows: u64,
    ragged: u64,
    distinct_rows: Distinct,
    row_bytes: Vec<u8>,
}

impl DatasetProfiler {
    pub fn new(columns: &[(String, ColumnType)]) -> Self {
        let counters = columns.len() + 1;
        let hashes = (HASH_BUDGET / counters).clamp(4_096, 2_000_000);
        let sample = (SAMPLE_BUDGET / columns.len().max(1)).clamp(10_000, 1_000_000);
        DatasetProfiler {
            columns: columns
                .iter()
                .enumerate()
                .map(|(i, (name, ty))| {
                    ColumnProfiler::new(name.clone(), *ty, i as u64, hashes, sample)
                })
                .collect(),
            rows: 0,
            ragged: 0,
            distinct_rows: Distinct::with_cap(hashes),
            row_bytes: Vec::with_capacity(16 * columns.len()),
        }
    }

    /// One row, a value per column; `ragged` when its cell count differed from the header's.
    pub fn add_row(&mut self, values: &[Value<'_>], ragged: bool) -> io::Result<()> {
        self.rows += 1;
        self.ragged += u64::from(ragged);
        self.row_bytes.clear();
        for (column, value) in self.columns.iter_mut().zip(values) {
            let hash = value_hash(value);
            column.add(value, hash)?;
            self.row_bytes
                .extend_from_slice(&hash.unwrap_or(0).to_le_bytes());
        }
        self.distinct_rows.add(hash128(&self.row_bytes))
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub fn finish(self, size_bytes: u64) -> io::Result<DatasetProfile> {
        let rows = self.rows;
        let duplicate_rows = rows - self.distinct_rows.count()?;
        let columns = self
            .columns
            .into_iter()
            .map(ColumnProfiler::finish)
            .collect::<io::Result<Vec<_>>>()?;
        let issues = issues(rows, duplicate_rows, self.ragged, &columns);
        Ok(DatasetProfile {
            row_count: rows,
            column_count: columns.len() as u32,
            size_bytes,
            duplicate_rows,
            ragged_rows: self.ragged,
            quality_score: quality_score(rows, duplicate_rows, self.ragged, &columns),
            issues,
            columns,
        })
    }
}

fn is_mixed(column: &ColumnProfile, rows: u64) -> bool {
    let values = rows - column.null_count;
    column
        .typed_text_count
        .is_some_and(|typed| typed < values && typed as f64 >= MIXED_TYPES_SHARE * values as f64)
}

/// The documented formula (module docs); 0 for a data set without rows.
pub fn quality_score(rows: u64, duplicates: u64, ragged: u64, columns: &[ColumnProfile]) -> f64 {
    if rows == 0 || columns.is_empty() {
        return 0.0;
    }
    let cells = rows as f64 * columns.len() as f64;
    let nulls: u64 = columns.iter().map(|c| c.null_count).sum();
    let mixed = columns.iter().filter(|c| is_mixed(c, rows)).count();
    let completeness = 1.0 - nulls as f64 / cells;
    let uniqueness = 1.0 - duplicates as f64 / rows as f64;
    let validity =
        (1.0 - ragged as f64 / rows as f64) * (1.0 - mixed as f64 / columns.len() as f64);
    (0.5 * completeness + 0.3 * uniqueness + 0.2 * validity).clamp(0.0, 1.0)
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn by_share(share: f64, medium: f64, high: f64) -> Severity {
    if share >= high {
        Severity::High
    } else if share >= medium {
        Severity::Medium
    } else {
        Severity::Low
    }
}

fn issues(rows: u64, duplicates: u64, ragged: u64, columns: &[ColumnProfile]) -> Vec<Issue> {
    let mut issues = Vec::new();
    if duplicates > 0 {
        let share = percent(duplicates, rows);
        issues.push(Issue {
            kind: IssueKind::Duplicates,
            severity: by_share(share, 1.0, 10.0),
            column: None,
            count: duplicates,
            description: format!(
                "{duplicates} of {rows} rows ({share:.1}%) repeat an earlier row exactly; remove them before counting or training."
            ),
        });
    }
    if ragged > 0 {
        let share = percent(ragged, rows);
        issues.push(Issue {
            kind: IssueKind::RaggedRows,
            severity: by_share(share, 0.0, 10.0).max(Severity::Medium),
            column: None,
            count: ragged,
            description: format!(
                "{ragged} of {rows} rows ({share:.1}%) have more or fewer cells than the header: missing cells were read as empty and extra cells dropped. Check the file's delimiter and quoting."
            ),
        });
    }
    for column in columns {
        let name = &column.name;
        if column.null_percent > HIGH_NULLS_PERCENT {
            issues.push(Issue {
                kind: IssueKind::HighNulls,
                severity: by_share(column.null_percent, 0.0, 90.0).max(Severity::Medium),
                column: Some(name.clone()),
                count: column.null_count,
                description: format!(
                    "Column \"{name}\" is low quality: {:.1}% of its values are empty ({} of {rows}).",
                    column.null_percent, column.null_count
                ),
            });
        }
        if column.unique_count == 1 && rows - column.null_count > 1 {
            let value = column.min.as_ref().map_or_else(String::new, |v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            issues.push(Issue {
                kind: IssueKind::ConstantColumn,
                severity: Severity::Low,
                column: Some(name.clone()),
                count: rows - column.null_count,
                description: format!(
                    "Column \"{name}\" holds one value ({value}) in every non-empty row: it tells the rows apart not at all."
                ),
            });
        }
        if let Some(outliers) = column.outliers.filter(|n| *n > 0) {
            let share = percent(outliers, rows - column.null_count);
            issues.push(Issue {
                kind: IssueKind::Outliers,
                severity: by_share(share, 1.0, 5.0),
                column: Some(name.clone()),
                count: outliers,
                description: format!(
                    "Column \"{name}\" has {}{outliers} values ({share:.1}%) more than 1.5 interquartile ranges outside its quartiles.",
                    if column.sampled { "about " } else { "" }
                ),
            });
        }
        if is_mixed(column, rows) {
            let typed = column.typed_text_count.unwrap_or(0);
            issues.push(Issue {
                kind: IssueKind::MixedTypes,
                severity: Severity::Medium,
                column: Some(name.clone()),
                count: typed,
                description: format!(
                    "Column \"{name}\" mixes text with numbers, dates or booleans ({typed} of {} values), so it was kept as text. Clean the odd values to get a typed column.",
                    rows - column.null_count
                ),
            });
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::values::parse_as;
    use proptest::prelude::*;

    fn profile(types: &[ColumnType], rows: &[Vec<&str>]) -> DatasetProfile {
        let columns: Vec<(String, ColumnType)> = types
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("c{i}"), *t))
            .collect();
        let mut profiler = DatasetProfiler::new(&columns);
        for row in rows {
            let values: Vec<Value<'_>> = row
                .iter()
                .zip(types)
                .map(|(cell, ty)| parse_as(cell, *ty).unwrap())
                .collect();
            profiler.add_row(&values, false).unwrap();
        }
        profiler.finish(0).unwrap()
    }

    fn kinds(profile: &DatasetProfile) -> Vec<(IssueKind, Option<&str>)> {
        profile
            .issues
            .iter()
            .map(|i| (i.kind, i.column.as_deref()))
            .collect()
    }

    #[test]
    fn issues_of_a_small_data_set() {
        let t = ColumnType::Text;
        let i = ColumnType::Integer;
        let p = profile(
            &[i, t, t, t],
            &[
                vec!["1", "x", "", "a"],
                vec!["1", "x", "", "1"],
                vec!["1", "x", "", "2"],
                vec!["1", "x", "v", "3"],
            ],
        );
        assert_eq!(p.duplicate_rows, 0);
        assert_eq!(
            kinds(&p),
            [
                (IssueKind::ConstantColumn, Some("c0")),
                (IssueKind::ConstantColumn, Some("c1")),
                (IssueKind::HighNulls, Some("c2")),
                (IssueKind::MixedTypes, Some("c3")),
            ]
        );
        assert!(p.quality_score > 0.0 && p.quality_score < 1.0);
    }

    #[test]
    fn a_clean_data_set_scores_one() {
        let p = profile(&[ColumnType::Integer], &[vec!["1"], vec!["2"], vec!["3"]]);
        assert!(p.issues.is_empty());
        assert_eq!(p.quality_score, 1.0);
    }

    fn rows_strategy() -> impl Strategy<Value = Vec<Vec<Option<u8>>>> {
        (1usize..4).prop_flat_map(|width| {
            proptest::collection::vec(
                proptest::collection::vec(proptest::option::weighted(0.7, 0u8..4), width),
                1..80,
            )
        })
    }

    fn profile_of(rows: &[Vec<Option<u8>>]) -> DatasetProfile {
        let text: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| c.map_or(String::new(), |v| v.to_string()))
                    .collect()
            })
            .collect();
        let refs: Vec<Vec<&str>> = text
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        profile(&vec![ColumnType::Integer; rows[0].len()], &refs)
    }

    proptest! {
        /// Feature: ai-analytics-platform, Property 10: Duplicate reporting
        #[test]
        fn duplicate_rows_are_counted_exactly(rows in rows_strategy()) {
            let p = profile_of(&rows);
            let distinct = rows.iter().collect::<std::collections::HashSet<_>>().len() as u64;
            let expected = rows.len() as u64 - distinct;
            prop_assert_eq!(p.duplicate_rows, expected);
            let reported = p.issues.iter().find(|i| i.kind == IssueKind::Duplicates);
            prop_assert_eq!(reported.map(|i| i.count), (expected > 0).then_some(expected));
        }

        /// Feature: ai-analytics-platform, Property 9: High null percentage flagging
        #[test]
        fn columns_over_half_null_are_flagged_low_quality(rows in rows_strategy()) {
            let p = profile_of(&rows);
            for (i, column) in p.columns.iter().enumerate() {
                let nulls = rows.iter().filter(|r| r[i].is_none()).count();
                let flagged = p.issues.iter().any(|issue| {
                    issue.kind == IssueKind::HighNulls
                        && issue.column.as_deref() == Some(column.name.as_str())
                        && issue.description.contains("low quality")
                });
                prop_assert_eq!(flagged, nulls * 2 > rows.len(), "column {}", i);
            }
        }

        #[test]
        fn the_quality_score_is_between_0_and_1(rows in rows_strategy()) {
            let score = profile_of(&rows).quality_score;
            prop_assert!((0.0..=1.0).contains(&score));
        }
    }
}
