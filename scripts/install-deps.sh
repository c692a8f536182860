#!/usr/bin/env bash
# Installs what building, running and testing Một Cửa Kiosk needs, and only what is missing:
# Debian/Ubuntu packages, the front end's npm packages, and cargo tools. Uses sudo when not root.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# What can go on while apt works (it waits on the network and the disk, these on the CPU) runs
# beside it: tauri-driver's build (from /tmp, so the project's linker setting, which needs mold,
# does not apply yet) and the npm installs when Node.js is already there.
pids=()
if ! command -v cargo >/dev/null; then
  echo "Rust is not installed: install it from rustup (https://rustup.rs) and run again." >&2
  exit 1
fi
# The lints (`make test` builds with clippy-driver) and the formatter come with the toolchain.
if command -v rustup >/dev/null; then
  for c in clippy rustfmt; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
  done
fi
# Real-window tests drive the app through tauri-driver.
if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "==> cargo install tauri-driver (in the background)"
  (cd /tmp && cargo install tauri-driver --locked --quiet) &
  pids+=($!)
fi

npm_installs() {
  # Front end packages, at the lock file's versions. `npm install` rather than `npm ci`: the
  # npm of some machines writes lock files without the other platforms' optional packages
  # (rollup, esbuild), which `npm ci` then refuses as out of sync.
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ] \
     || [ ui/package.json -nt ui/node_modules/.package-lock.json ]; then
    echo "==> npm install (ui)"
    (cd ui && npm install --no-audit --no-fund --loglevel=error)
  fi
  # The real OpenID provider the sign-in tests start (oidc-provider, device flow). Pure
  # JavaScript, so `npm ci` keeps exactly the locked versions.
  if [ ! -d tests/oidc-provider/node_modules ] \
     || [ tests/oidc-provider/package-lock.json -nt tests/oidc-provider/node_modules/.package-lock.json ] \
     || [ tests/oidc-provider/package.json -nt tests/oidc-provider/node_modules/.package-lock.json ]; then
    echo "==> npm ci (tests/oidc-provider)"
    npm ci --prefix tests/oidc-provider --no-audit --no-fund --loglevel=error
  fi
}
npm_done=0
if command -v node >/dev/null && command -v npm >/dev/null; then
  npm_installs &
  pids+=($!)
  npm_done=1
fi

# Build: Tauri 2 on Linux (WebKitGTK 4.1). Run and test: Xvfb and the WebKit WebDriver for
# real-window tests, Chromium for the browser pages, poppler and zbar to check printed output,
# espeak-ng for the board's voice, fonts that render Vietnamese.
APT_PACKAGES=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev librsvg2-dev libayatana-appindicator3-dev libssl-dev libxdo-dev
  xvfb webkit2gtk-driver
  chromium chromium-driver
  poppler-utils zbar-tools espeak-ng fonts-noto-core
  mold
  nodejs npm
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere (nodesource, nvm): accept any node >= 18 with npm.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
filtered=()
for p in "${missing[@]}"; do [ -n "$p" ] && filtered+=("$p"); done
if [ "${#filtered[@]}" -gt 0 ]; then
  echo "==> apt-get install ${filtered[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${filtered[@]}"
fi

[ "$npm_done" = 1 ] || npm_installs
for p in "${pids[@]}"; do wait "$p"; done
