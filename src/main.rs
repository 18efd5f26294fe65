//! Trunk's entry point for the demo page (`index.html`).

#[cfg(target_arch = "wasm32")]
fn main() {
    dataset_monitor::start_demo();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "The dataset monitor runs in a browser: see the README (scripts/demo) or docs/development.md (trunk serve)."
    );
    std::process::exit(2);
}
