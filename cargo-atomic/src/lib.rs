//! cargo-atomic: release a Cargo workspace as one unit.
//!
//! The library is a pipeline of stages with plain data between them (see `ARCHITECTURE.md`):
//! [`workspace`] → [`rustdoc`] → [`api`] → [`baseline`] → [`diff`] → [`train`] → [`publish`],
//! run together by [`analysis`] and rendered by [`report`]. The `cargo-atomic` binary calls
//! [`cli::main`] and exits with the code it returns.

pub mod accept;
pub mod analysis;
pub mod api;
pub mod baseline;
pub mod cargo;
pub mod changelog;
pub mod cli;
pub mod diff;
pub mod fsutil;
pub mod git;
pub mod index;
pub mod init;
pub mod manifest;
pub mod partition;
pub mod prove;
pub mod publish;
pub mod report;
pub mod rustdoc;
pub mod shell;
pub mod train;
pub mod workspace;
