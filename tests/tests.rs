//! The kiosk's integration and end-to-end tests: one binary (ripgrep's habit: one link of Tauri
//! instead of eight), one harness (`support`, over `motcua_testkit`), a module per journey.
//! Real-window tests take `support::WINDOW_LOCK`: one window at a time on two cores.

mod support;

mod assist_kiosk;
mod catalog_kiosk;
mod e2e_assist;
mod e2e_board;
mod e2e_catalog;
mod e2e_counter;
mod e2e_filing;
mod e2e_offline;
mod e2e_ticket;
mod filing_kiosk;
mod offline_kiosk;
