//! A data set's profile, computed while it is converted: per-column statistics in bounded memory
//! ([`numeric`], [`distinct`]).

pub mod distinct;
pub mod numeric;
