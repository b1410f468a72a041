#!/usr/bin/env bash
# Builds the nRF9160 firmware-under-test (firmware-under-test/nrf9160) on Debian 12 as root:
# installs what the build needs (skipping what is already there), lints, builds the secure
# image, checks the non-secure variant, checks formatting. Progress goes to stderr; the last line
# of stdout is the path of the release ELF.
#
# Environment:
#   FUT_BUILD_ID  build id embedded in the firmware id (`<crate version>+<build id>`);
#                 default: `git rev-parse --short HEAD`, else "dev".
#
# C toolchain: the light clang route of firmware.md §2.3 (clang-14 + newlib headers, about
# 25 MB) instead of gcc-arm-none-eabi (about 770 MB). bindgen (nrfxlib-sys) needs libclang;
# nrfxlib-sys copies libmodem.a with rustup's llvm-tools.
set -euo pipefail

log() { printf '[build-firmware] %s\n' "$*" >&2; }

repo_root=$(cd "$(dirname "$0")/.." && pwd)
fw_dir="$repo_root/firmware-under-test/nrf9160"
target=thumbv8m.main-none-eabihf

# --- system packages --------------------------------------------------------------------------
packages=(libclang1-14 clang-14 llvm-14 libnewlib-dev)
missing=()
for p in "${packages[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt: installing ${missing[*]}"
  t0=$SECONDS
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  log "apt: done in $((SECONDS - t0)) s"
else
  log "apt: ${packages[*]} already installed"
fi

# --- rustup (RUSTUP_AUTO_INSTALL=0: nothing installs itself) -------------------------------------
if ! rustup target list --installed | grep -qx "$target"; then
  log "rustup: adding target $target"
  rustup target add "$target" >&2
fi
if ! rustup component list --installed | grep -q '^llvm-tools'; then
  log "rustup: adding component llvm-tools"
  rustup component add llvm-tools >&2
fi
for c in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$c"; then
    rustup component add "$c" >&2
  fi
done

# --- build environment ------------------------------------------------------------------------
# tinyrlibc compiles snprintf.c for the target: clang-14 with newlib's headers.
export CC_thumbv8m_main_none_eabihf=clang-14
export AR_thumbv8m_main_none_eabihf=llvm-ar-14
export CFLAGS_thumbv8m_main_none_eabihf="-isystem /usr/include/newlib"
# Host-side settings must not leak into the embedded build (firmware.md §5.2).
unset CARGO_BUILD_TARGET RUSTFLAGS CARGO_ENCODED_RUSTFLAGS

if [ -z "${FUT_BUILD_ID:-}" ]; then
  FUT_BUILD_ID=$(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo dev)
fi
export FUT_BUILD_ID
log "build id: $FUT_BUILD_ID"

# --- lint, build, check (from inside the firmware dir: its .cargo/config.toml applies there) ----
cd "$fw_dir"
run() {
  local t0=$SECONDS
  log "\$ $*"
  "$@" >&2
  log "  ($((SECONDS - t0)) s)"
}
run cargo clippy --release --locked -- -D warnings
run cargo build --release --locked
run cargo check --release --locked --no-default-features --features non-secure
run cargo fmt --check

target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
elf="$target_dir/$target/release/nrf9160-at-console"
[ -f "$elf" ] || { log "ELF not found at $elf"; exit 1; }

size_tool="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/llvm-size"
if [ -x "$size_tool" ]; then
  "$size_tool" "$elf" >&2
fi
echo "$elf"
