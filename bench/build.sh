# Sourced by scripts/bench after scripts/env.sh: the build functions only the benchmarks
# use (env.sh keeps what the other scripts share: build_web_pkg, WASM_OPT_FEATURES,
# with_widget_toolchain).
# shellcheck shell=bash

# The demo's release wasm as trunk builds it, but with its function names kept (`-g`),
# for twiggy (scripts/bench, "Where the bytes go"): writes $1/named.wasm.
build_named_demo_wasm() {
  local out="$1"
  mkdir -p "$out"
  wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name demo \
    "${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/release/dataset-monitor.wasm"
  wasm-opt -Oz -g "${WASM_OPT_FEATURES[@]}" --strip-producers -o "$out/named.wasm" "$out/demo_bg.wasm"
}

# The demo's release wasm built with toolchain $2 and, unless $3 is "project", RUSTFLAGS=$3
# (a space: none) instead of .cargo/config.toml's, and any further cargo arguments ($4…),
# bound and shrunk as Trunk does: writes $1/demo.js and $1/demo_bg.wasm. Each variant keeps
# its own target directory, so a second run is warm (scripts/bench, "What each step earned").
build_demo_variant() {
  local out="$1" toolchain="$2" flags="$3" target_dir="$ROOT/target/steps/$(basename "$1")"
  shift 3
  local -a env_flags=()
  [ "$flags" = project ] || env_flags=(RUSTFLAGS="$flags")
  env "${env_flags[@]}" CARGO_TARGET_DIR="$target_dir" cargo "+$toolchain" build --release \
    --bin dataset-monitor --target wasm32-unknown-unknown --locked "$@"
  bind_demo_wasm "$target_dir/wasm32-unknown-unknown/release/dataset-monitor.wasm" "$out"
}

# Binds release wasm $1 for the web as $2/demo.js + $2/demo_bg.wasm and shrinks it with
# the demo's wasm-opt flags (Trunk's pipeline, before Trunk minifies the JS).
bind_demo_wasm() {
  local wasm="$1" out="$2"
  mkdir -p "$out"
  wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name demo "$wasm"
  wasm-opt -Oz "${WASM_OPT_FEATURES[@]}" --strip-debug --strip-producers -o "$out/demo_bg.wasm" "$out/demo_bg.wasm"
}

# The widget's floor (bench/floor: its client, models and, with the features, a Leptos
# view and the poller) built with cargo features $2 (empty: the data layer alone) and
# bound as build_demo_variant binds the demo: $1/demo.js, $1/demo_bg.wasm. Run it under
# with_widget_toolchain, as the demo is built (scripts/bench, "Where the bytes go").
build_floor() {
  local out="$1" features="${2:-}"
  cargo build -p bench-floor --release --target wasm32-unknown-unknown --locked ${features:+--features "$features"}
  bind_demo_wasm "${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/release/bench-floor.wasm" "$out"
}
