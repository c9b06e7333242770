//! Raw bytes to typed values: what a cell means ([`values`]), column types from a sample
//! ([`infer`]) and how a CSV file is written ([`dialect`]).

pub mod dialect;
pub mod infer;
pub mod values;
