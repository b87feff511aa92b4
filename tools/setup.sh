#!/usr/bin/env bash
# Installs what cuefinder needs to build and test, idempotently.
#   tools/setup.sh            apt packages (if missing) + npm packages (if missing)
# Everything comes from Debian's archive (binary + source packages) and the npm registry.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

APT_PACKAGES=(
  # build
  cmake ninja-build g++ clang libclang-rt-14-dev pkg-config dpkg-dev make autoconf automake libtool
  # WebAssembly toolchain (emscripten 3.1.6); node-acorn is needed by emscripten's JS optimizer
  emscripten binaryen node-acorn
  # native audio libraries (WASM builds use the matching Debian *source* packages, tools/wasm_deps.sh)
  libmpg123-dev libflac-dev libogg-dev libvorbis-dev libopus-dev libopusfile-dev libsamplerate0-dev libebur128-dev
  # images (src/core/image): stb_image (header only) + libwebp; WASM builds libwebp from its Debian source (tools/wasm_ui_deps.sh)
  libstb-dev libwebp-dev
  # video (src/platform/native/ffmpeg_video.cpp: the native CLI and tests decode clips through FFmpeg's
  # libraries; optional at build time) and ffmpeg itself (tools/make_video_fixtures.sh, the scdet benchmark)
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev ffmpeg
  # model converter (tools/convert) and its test
  python3-onnx python3-numpy
  # tests
  googletest opus-tools time
  # browser app: headless Chromium for its tests, the UI font shipped with the site
  chromium fonts-dejavu-core
)

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# deb-src for bookworm main, so tools/wasm_deps.sh can `apt-get source`.
src_list=/etc/apt/sources.list.d/cuefinder-deb-src.list
need_update=0
if ! grep -rqsE '^(deb-src|Types: .*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "deb-src http://deb.debian.org/debian bookworm main" | $SUDO tee "$src_list" >/dev/null
  need_update=1
fi
if [ ${#missing[@]} -gt 0 ] || [ $need_update = 1 ]; then
  echo "setup: installing ${missing[*]:-(apt sources only)}" >&2
  $SUDO apt-get update -qq
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# npm packages (package-lock.json pins them).
if [ -f "$here/package.json" ]; then
  if [ ! -d "$here/node_modules" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
    echo "setup: npm ci" >&2
    # onnxruntime-node (optional, the CLI's native runtime) would fetch CUDA binaries from nuget in its
    # postinstall; its CPU build ships in the package, so that step is skipped.
    (cd "$here" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
