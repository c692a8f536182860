//! The office server's integration tests: one binary (ripgrep's habit: one link, one harness,
//! `motcua_testkit`), a module per subject. Real SQLite files, real HTTP on loopback.

mod access;
mod api;
mod auth;
mod browsers;
mod catalog;
mod devices;
mod dossier;
mod edge;
mod hostile;
mod input;
mod life;
mod live;
mod queue;
mod recall;
mod tls;
