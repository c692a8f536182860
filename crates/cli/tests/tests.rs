//! The `motcua` command's tests: one binary, a module per subject. They run the real binary
//! (`motcua serve` for the kill -9 tests, `render`, `scan`, `vietqr`, `catalog`).

/// The `motcua` binary cargo built for these tests.
pub const MOTCUA: &str = env!("CARGO_BIN_EXE_motcua");

mod catalog;
mod cli_filing;
mod dossier;
mod dossier_kill9;
mod dossier_life_kill9;
mod kill9;
mod logs;
mod render;
