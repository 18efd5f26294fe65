//! `dataset-proxy`: see docs/proxy.md.

// glibc's malloc and free were a visible share of the CPU time per forwarded request;
// mimalloc's thread-local heaps cost less (and `mock`, the benchmarks' upstream, gains too).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Colours only on a terminal: journald and log files get plain text.
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
    tracing_subscriber::fmt()
        .with_ansi(terminal)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    dataset_proxy::run::main()
}
