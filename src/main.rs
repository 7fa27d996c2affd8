//! The `voimavara` binary: everything lives in the `voimavara-api` crate.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    voimavara_api::cli::main().await
}
