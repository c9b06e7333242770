//! The typed columns of a data set: names made unique, Arrow types, and builders that take
//! decoded [`Value`]s.

use std::collections::HashSet;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

use crate::decode::values::{ColumnType, Value};

/// The Arrow type a column type is written as (timestamps in UTC microseconds).
pub fn arrow_type(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Integer => DataType::Int64,
        ColumnType::Float => DataType::Float64,
        ColumnType::Date => DataType::Date32,
        ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        ColumnType::Text => DataType::Utf8,
    }
}

pub fn schema(columns: &[(String, ColumnType)]) -> SchemaRef {
    Arc::new(Schema::new(
        columns
            .iter()
            .map(|(name, ty)| Field::new(name, arrow_type(*ty), true))
            .collect::<Vec<_>>(),
    ))
}

/// Column names as the data set shows them: trimmed; an empty one becomes `column_<n>` (from
/// 1); a repeated one gets `_2`, `_3`… so that every name is unique.
pub fn unique_names<'a>(raw: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = HashSet::new();
    raw.into_iter()
        .enumerate()
        .map(|(i, name)| {
            let base = match name.trim() {
                "" => format!("column_{}", i + 1),
                trimmed => trimmed.to_owned(),
            };
            let mut name = base.clone();
            let mut n = 2;
            while !seen.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            name
        })
        .collect()
}

/// An Arrow builder for one column.
#[derive(Debug)]
pub enum ColumnBuilder {
    Boolean(BooleanBuilder),
    Integer(Int64Builder),
    Float(Float64Builder),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
    Text(StringBuilder),
}

impl ColumnBuilder {
    pub fn new(ty: ColumnType) -> Self {
        match ty {
            ColumnType::Boolean => Self::Boolean(BooleanBuilder::new()),
            ColumnType::Integer => Self::Integer(Int64Builder::new()),
            ColumnType::Float => Self::Float(Float64Builder::new()),
            ColumnType::Date => Self::Date(Date32Builder::new()),
            ColumnType::Timestamp => {
                Self::Timestamp(TimestampMicrosecondBuilder::new().with_timezone("UTC"))
            }
            ColumnType::Text => Self::Text(StringBuilder::new()),
        }
    }

    /// Appends `value`, which the converter parsed as this column's type.
    pub fn append(&mut self, value: &Value<'_>) {
        match (self, *value) {
            (Self::Boolean(b), Value::Boolean(v)) => b.append_value(v),
            (Self::Integer(b), Value::Integer(v)) => b.append_value(v),
            (Self::Float(b), Value::Float(v)) => b.append_value(v),
            (Self::Date(b), Value::Date(v)) => b.append_value(v),
            (Self::Timestamp(b), Value::Timestamp(v)) => b.append_value(v),
            (Self::Text(b), Value::Text(v)) => b.append_value(v),
            (builder, Value::Null) => builder.append_null(),
            (builder, value) => {
                unreachable!(
                    "a {value:?} in a {builder:?} column: values are parsed as their column's type"
                )
            }
        }
    }

    fn append_null(&mut self) {
        match self {
            Self::Boolean(b) => b.append_null(),
            Self::Integer(b) => b.append_null(),
            Self::Float(b) => b.append_null(),
            Self::Date(b) => b.append_null(),
            Self::Timestamp(b) => b.append_null(),
            Self::Text(b) => b.append_null(),
        }
    }

    pub fn finish(&mut self) -> ArrayRef {
        match self {
            Self::Boolean(b) => Arc::new(b.finish()),
            Self::Integer(b) => Arc::new(b.finish()),
            Self::Float(b) => Arc::new(b.finish()),
            Self::Date(b) => Arc::new(b.finish()),
            Self::Timestamp(b) => Arc::new(b.finish()),
            Self::Text(b) => Arc::new(b.finish()),
        }
    }

    /// Bytes of text held so far (the other types are fixed-width).
    pub fn text_bytes(&self) -> usize {
        match self {
            Self::Text(b) => b.values_slice().len(),
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_unique() {
        assert_eq!(
            unique_names(["a", " a ", "", "b", "a_2", "column_3"]),
            ["a", "a_2", "column_3", "b", "a_2_2", "column_3_2"]
        );
    }
}
