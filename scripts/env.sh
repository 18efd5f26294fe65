# Sourced by the other scripts: puts the project's tools first on PATH.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# The toolchain that builds trunk and wasm-bindgen-cli (trunk 0.22 needs rustc >= 1.96.1).
TOOLS_RUST="1.99.1"
TRUNK_VERSION="0.22.1"
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
wasm_bindgen_lock_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
