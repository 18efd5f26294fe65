//! The size baseline for `scripts/bench`: a minimal Leptos CSR counter, built by Trunk
//! with the same cargo profile and wasm-opt settings as the widget.

#[cfg(target_arch = "wasm32")]
fn main() {
    use leptos::prelude::*;

    mount_to_body(|| {
        let count = RwSignal::new(0);
        view! {
            <button on:click=move |_| *count.write() += 1>"Clicked " {count} " times"</button>
        }
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
