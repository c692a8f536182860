//! The catalog's integration tests: one binary, a module per subject.

mod import;
mod office;
mod ranking;
