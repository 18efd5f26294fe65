//! `dataset-proxy`: see the README's proxy section.

use clap::Parser;
use tracing_subscriber::EnvFilter;

// glibc's malloc and free were a visible share of the CPU time per forwarded request;
// mimalloc's thread-local heaps cost less (and `mock`, the benchmarks' upstream, gains too).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
