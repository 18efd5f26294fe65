//! `dataset-proxy`: see the README's proxy section.

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = dataset_proxy::cli::Cli::parse();
    match dataset_proxy::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("dataset-proxy: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
