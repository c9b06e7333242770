//! A data set's profile, computed while it is converted, in bounded memory: per-column
//! statistics ([`column`], from [`numeric`], [`distinct`] and [`top_values`]), and the data set's
//! duplicate rows, issues and quality score ([`dataset`]).

pub mod column;
pub mod dataset;
pub mod distinct;
pub mod numeric;
pub mod top_values;
