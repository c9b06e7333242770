//! Column types from a sample of rows.
//!
//! Policy (documented in the processor README): the first [`SAMPLE_ROWS`] data rows decide. A
//! column takes the narrowest type every non-null sampled cell fits (boolean, integer, float,
//! date, timestamp), and text when they disagree (an integer and a date) or fit none. A column
//! with no non-null sampled cell is text. A later cell that does not fit its column's type is a
//! conflict: the conversion starts over with that column as text (see `convert`), so no value is
//! ever lost or turned into null.

use super::values::{ColumnType, TypeSet, is_null, possible_types};

/// Data rows sampled to infer the column types.
pub const SAMPLE_ROWS: usize = 20_000;

/// Narrows each column's possible types, one row at a time.
#[derive(Debug, Clone)]
pub struct Inference {
    columns: Vec<Column>,
}

#[derive(Debug, Clone, Copy)]
struct Column {
    possible: TypeSet,
    seen_value: bool,
}

impl Inference {
    pub fn new(columns: usize) -> Self {
        Inference {
            columns: vec![
                Column {
                    possible: TypeSet::ALL,
                    seen_value: false,
                };
                columns
            ],
        }
    }

    /// Takes one row into account; cells past the known columns are ignored.
    pub fn add_row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        for (column, cell) in self.columns.iter_mut().zip(cells) {
            if is_null(cell) {
                continue;
            }
            column.seen_value = true;
            if column.possible != TypeSet::TEXT {
                column.possible = column.possible.intersect(possible_types(cell));
            }
        }
    }

    /// The type of each column.
    pub fn types(&self) -> Vec<ColumnType> {
        self.columns
            .iter()
            .map(|c| {
                if c.seen_value {
                    c.possible.narrowest()
                } else {
                    ColumnType::Text
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn infer(rows: &[&[&str]]) -> Vec<ColumnType> {
        let mut inference = Inference::new(rows[0].len());
        for row in rows {
            inference.add_row(row.iter().copied());
        }
        inference.types()
    }

    #[test]
    fn narrowest_type_every_cell_fits() {
        let types = infer(&[
            &["1", "1", "true", "2024-01-01", "2024-01-01", "x", ""],
            &[
                "2",
                "2.5",
                "FALSE",
                "2024-01-02",
                "2024-01-02T10:00:00Z",
                "1",
                "NA",
            ],
            &["", "", "", "", "", "", ""],
        ]);
        assert_eq!(
            types,
            vec![
                ColumnType::Integer,
                ColumnType::Float,
                ColumnType::Boolean,
                ColumnType::Date,
                ColumnType::Timestamp,
                ColumnType::Text,
                ColumnType::Text,
            ]
        );
    }

    #[test]
    fn disagreeing_cells_make_text() {
        assert_eq!(infer(&[&["1"], &["2024-01-01"]]), vec![ColumnType::Text]);
        assert_eq!(infer(&[&["true"], &["1"]]), vec![ColumnType::Text]);
    }

    proptest! {
        /// Whatever the cells, every non-null cell parses as the inferred type.
        #[test]
        fn every_sampled_cell_fits_the_inferred_type(
            cells in proptest::collection::vec(
                prop_oneof![
                    any::<i64>().prop_map(|v| v.to_string()),
                    any::<f64>().prop_filter("finite", |v| v.is_finite()).prop_map(|v| v.to_string()),
                    any::<bool>().prop_map(|v| v.to_string()),
                    (1900i32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
                    "[a-zA-Z0-9 .:-]{0,12}",
                ],
                1..40,
            )
        ) {
            let mut inference = Inference::new(1);
            for cell in &cells {
                inference.add_row([cell.as_str()]);
            }
            let inferred = inference.types()[0];
            for cell in cells.iter().filter(|c| !is_null(c)) {
                prop_assert!(possible_types(cell).contains(inferred), "{cell:?} is not {inferred:?}");
            }
        }
    }
}
