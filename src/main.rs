//! The `voimavara` binary: everything lives in the `voimavara-api` crate.

use std::process::ExitCode;

/// mimalloc rather than the system allocator: the server allocates many small
/// short-lived values per request from several threads (SQLite's workers
/// among them), where glibc's malloc spends much of its time consolidating
/// and contending.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    voimavara_api::cli::main().await
}
