//! End-to-end tests: the real `cargo-atomic` binary on fixture workspaces, with real cargo and
//! rustdoc. Expected outputs are inline (`SNAPSHOTS=overwrite cargo test` rewrites them; review
//! the diff before committing).

mod accept;
mod action;
mod atomic_build;
mod cache;
mod changelog;
mod cli;
mod diff;
mod faults;
mod init;
mod kills;
mod partition;
mod prove;
#[allow(dead_code)] // the publish tests use the fault injection
mod publish;
mod registry;
mod release;
mod rules;
mod schema;
mod snapshot;
mod snapshot_kinds;
#[allow(dead_code)] // shared by test modules; not every helper is used by every one
mod support;
mod toolchains;
mod train;
mod unicode;
