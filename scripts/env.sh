# Sourced by the other scripts: puts the project's tools first on PATH.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# The stable toolchain (rust-toolchain.toml): the proxy, the tools, the tests and the widget's
# everyday builds (its release bundles: WIDGET_NIGHTLY below).
TOOLS_RUST="$(sed -n 's/^channel = "\(.*\)"$/\1/p' "$ROOT/rust-toolchain.toml")"
TRUNK_VERSION="0.22.1"
# The toolchain the widget was built with before issue #17 (scripts/bench rebuilds the demo
# with it to show what moving to $TOOLS_RUST earned).
BEFORE_RUST="1.95.0"
# The pinned nightly that builds the widget's release bundles (issue #17): std rebuilt with
# the widget (-Zbuild-std) and a panic that traps at once (-Cpanic=immediate-abort) take
# about 14 KB brotli off each bundle (BENCHMARKS.md, "What each step earned"). No Rust code
# runs after such a panic, so the page's JS shows the notice (embed/trap-notice.js).
# WIDGET_TOOLCHAIN=stable builds the same bundles with rust-toolchain.toml's stable (the
# fallback: scripts/test builds it and runs the trap test against it).
WIDGET_NIGHTLY="nightly-2026-10-15"
WIDGET_NIGHTLY_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"
# The browser tests run in Chromium, Firefox ESR and WebKitGTK (issue #25). geckodriver comes
# from crates.io into a folder of its own, off PATH: wasm-bindgen-test-runner takes the first
# driver it finds on PATH, so each engine's driver is named by its variable only.
GECKODRIVER_VERSION="0.37.1"
export GECKODRIVER_ROOT="${CARGO_HOME:-$HOME/.cargo}/geckodriver"
# The engines the test command runs, each with the languages its journeys run in: WebKitGTK
# under C.UTF-8 (the locale that once stopped the widget: navigator.language is "C") and
# under a real one.
TEST_ENGINES=("chromium:en-US" "firefox:de-DE" "webkit:C.UTF-8" "webkit:fr-FR")
# wasm-split-cli (crate wasm_split_cli_support, feature build-binary) splits the demo page's
# release wasm into chunks (scripts/build-demo, issue #28). 0.2.3 is the first that reads
# wasm-bindgen 0.2.128+ output; the crate named wasm-split-cli on crates.io is another tool.
WASM_SPLIT_VERSION="0.2.4"
# twiggy attributes the release wasm's bytes (scripts/bench, "Where the bytes go").
TWIGGY_VERSION="0.8.0"
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
wasm_bindgen_lock_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# demo_id NAME: a demo scenario's id, read from wire/src/demo.rs, where the ids are typed
# out once (as scripts/make-demo-fixtures.py and tests/support/stack.mjs read them).
demo_id() {
  local source="$ROOT/wire/src/demo.rs" id macro
  id="$(sed -n "s/^pub const $1: &str = \"\([^\"]*\)\";\$/\1/p" "$source")"
  if [ -z "$id" ]; then
    macro="$(sed -n "s/^pub const $1: &str = \([a-z0-9_]*\)!();\$/\1/p" "$source")"
    [ -n "$macro" ] && id="$(sed -n "/macro_rules! $macro {/,/^}/s/^ *\"\([^\"]*\)\"\$/\1/p" "$source")"
  fi
  [ -n "$id" ] || { echo "error: no demo id $1 in $source" >&2; return 1; }
  printf '%s' "$id"
}

# Builds crate $1's wasm library in release, binds it for the web as $2.js + $2_bg.wasm in
# directory $3 and shrinks it with the same wasm-opt flags as index.html's
# data-wasm-opt-params (Trunk's build of the demo). $4: crate types (default cdylib);
# further arguments go to cargo (`--features embed` for the embeddable module).
build_web_pkg() {
  local crate="$1" name="$2" out="$3" crate_types="${4:-cdylib}"
  shift $(($# < 4 ? $# : 4))
  local artifact="${crate//-/_}"
  # The cdylib on its own: built in one go with the crate's rlib ($4 = cdylib,rlib, as
  # scripts/bench does to show it), the same code came out 32 KB brotli larger (issue #17);
  # Cargo.toml declares only the rlib.
  cargo rustc -p "$crate" --lib --release --target wasm32-unknown-unknown --locked --crate-type "$crate_types" "$@"
  mkdir -p "$out"
  wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name "$name" \
    "${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/release/$artifact.wasm"
  wasm-opt -Oz "${WASM_OPT_FEATURES[@]}" --strip-debug --strip-producers \
    -o "$out/${name}_bg.wasm" "$out/${name}_bg.wasm"
}

# Builds the widget split at the points of src/ui/lazy.rs (docs/development.md, "The split
# build", steps 1 to 4), for scripts/build-demo and scripts/build-embed: cargo rustc with
# "$@" (the crate's target and features, `split` among them) and the linker keeping its
# relocations and data segments apart; wasm-split-cli; wasm-bindgen --keep-lld-exports; the
# main module's data segments merged; wasm-opt on every .wasm. Writes NAME.js, NAME_bg.wasm,
# __wasm_split.js, split_*.wasm and chunk_*.wasm into OUT. ARTIFACT is the name cargo gives
# the .wasm. Run it under with_widget_toolchain.
build_split_web_pkg() {
  local artifact="$1" name="$2" out="$3" work wasm
  shift 3
  cargo rustc -p dataset-monitor --release --target wasm32-unknown-unknown --locked "$@" \
    -- -Clink-arg=--emit-relocs -Clink-arg=--no-merge-data-segments
  work="$(mktemp -d)"
  wasm-split-cli --target web --out-name "$name" \
    "${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/release/$artifact.wasm" "$work/split"
  wasm-bindgen --target web --no-typescript --keep-lld-exports --out-dir "$work/bound" \
    --out-name "$name" "$work/split/$name.wasm"
  node "$ROOT/scripts/merge-data-segments.mjs" "$work/bound/${name}_bg.wasm" "$work/bound/${name}_bg.wasm"
  mkdir -p "$out"
  cp "$work/bound/$name.js" "$work/split/__wasm_split.js" "$out/"
  for wasm in "$work/bound/${name}_bg.wasm" "$work/split"/split_*.wasm "$work/split"/chunk_*.wasm; do
    [ -e "$wasm" ] || continue
    wasm-opt -Oz "${WASM_OPT_FEATURES[@]}" --strip-debug --strip-producers \
      -o "$out/$(basename "$wasm")" "$wasm"
  done
  rm -rf "$work"
}

# The wasm features every release build enables (index.html's data-wasm-opt-params too).
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue)

# Release builds (scripts/release, and the static proxy that scripts/test checks) use
# their own target directory, so they never invalidate the everyday builds, and remap
# the source and Cargo paths that panic messages embed, so that the artifacts do not
# depend on where the tree or Cargo's home is.
DIST_TARGET_DIR="$ROOT/target/dist"
STATIC_TARGET="x86_64-unknown-linux-musl"
STATIC_PROXY="$DIST_TARGET_DIR/$STATIC_TARGET/server/dataset-proxy"
# A RUSTFLAGS variable replaces .cargo/config.toml's [target.wasm32-unknown-unknown]
# rustflags instead of adding to them, so builds that set one repeat these, read from there.
WIDGET_RUSTFLAGS="$(sed -n 's/^rustflags = \[\(.*\)\]$/\1/p' "$ROOT/.cargo/config.toml" | tr -d '",')"

# Runs "$@", a release build of the widget's wasm (trunk, build_web_pkg), with the toolchain
# WIDGET_TOOLCHAIN names: nightly (the default) or stable. The nightly build keeps its own
# target directory beside the stable one's, so neither invalidates the other. A RUSTFLAGS
# of the caller's is kept, and the project's flags added to it (repeating one is harmless).
with_widget_toolchain() {
  case "${WIDGET_TOOLCHAIN:-nightly}" in
    stable) "$@" ;;
    nightly)
      RUSTUP_TOOLCHAIN="$WIDGET_NIGHTLY" CARGO_UNSTABLE_BUILD_STD="std,panic_abort" \
        RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }$WIDGET_RUSTFLAGS $WIDGET_NIGHTLY_RUSTFLAGS" \
        CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/nightly" "$@"
      ;;
    *)
      echo "error: WIDGET_TOOLCHAIN must be nightly or stable, not '$WIDGET_TOOLCHAIN'" >&2
      return 2
      ;;
  esac
}

dist_rustflags() {
  printf '%s' "$WIDGET_RUSTFLAGS --remap-path-prefix=$ROOT=/build --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
}

# Builds the proxy as a static Linux binary ($STATIC_PROXY): musl, the server profile,
# stripped. ring and mimalloc compile C, hence musl-gcc (Debian's musl-tools). mimalloc
# writes the C compiler's __DATE__ and __TIME__ into the binary: SOURCE_DATE_EPOCH fixes
# them to when Cargo.lock (and so that C code) last changed, which also spares rebuilding
# ring and mimalloc at every commit (their build scripts watch that variable).
build_static_proxy() {
  local deps_epoch
  deps_epoch="$(git -C "$ROOT" log -1 --format=%ct -- Cargo.lock 2>/dev/null || true)"
  SOURCE_DATE_EPOCH="${deps_epoch:-0}" CARGO_TARGET_DIR="$DIST_TARGET_DIR" RUSTFLAGS="$(dist_rustflags)" \
    CC_x86_64_unknown_linux_musl=musl-gcc cargo build -p dataset-proxy --profile server --target "$STATIC_TARGET" --locked \
    --config 'profile.server.strip=true'
}
