#!/usr/bin/env bash
# Builds cuefinder's third-party C libraries as static WebAssembly libraries from the Debian
# *source* packages (the same versions as the native -dev packages), into a cache outside the
# build tree. Recipes and emscripten 3.1.6 quirks: docs/toolchain.md, "Audio libraries for
# WASM from Debian source". The result is what cmake/CuefinderDeps.cmake expects.
#
#   tools/wasm_deps.sh [st|mt] [--check] [--force]
#     st       single-threaded (default)
#     mt       every library compiled with -pthread
#     --check  also compile, link and run (under node) a tiny program against the prefix
#     --force  rebuild even if the prefix is up to date
#
# Layout ($ROOT = ${CF_CACHE_DIR:-$HOME/.cache/cuefinder}):
#   $ROOT/src/                  downloaded (dl/) and unpacked Debian sources, shared by both variants
#   $ROOT/build-<variant>/      scratch build dirs, removed after success
#   $ROOT/logs/<variant>-<lib>.log
#   $ROOT/wasm-deps/<variant>/  the prefix: include/, lib/*.a, lib/pkgconfig/, .stamp
# The prefix is up to date when .stamp holds the hash of (this script + variant + Debian source
# versions + emscripten version). Finished libraries are stamped in .stamps/ so an interrupted
# run resumes where it stopped. Environment: CF_CACHE_DIR, CF_JOBS (default: nproc).
set -euo pipefail

die() { echo "wasm_deps: error: $*" >&2; exit 1; }

VARIANT=st CHECK=0 FORCE=0 INTERNAL_PKG=""
if [ "${1:-}" = __build ]; then   # internal: build one library (cwd = its scratch dir), see below
  VARIANT=$2 INTERNAL_PKG=$3; set --
fi
for arg in "$@"; do
  case "$arg" in
    st|mt) VARIANT=$arg ;;
    --check) CHECK=1 ;;
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (usage: tools/wasm_deps.sh [st|mt] [--check] [--force])" ;;
  esac
done

SCRIPT="$(readlink -f "${BASH_SOURCE[0]}")"
ROOT="${CF_CACHE_DIR:-${HOME:?HOME is not set}/.cache/cuefinder}"
mkdir -p "$ROOT"
ROOT="$(cd "$ROOT" && pwd)"
export CF_CACHE_DIR="$ROOT"   # absolute, for the per-library child processes
PREFIX="$ROOT/wasm-deps/$VARIANT"
SRC="$ROOT/src"
BUILD="$ROOT/build-$VARIANT"
LOGS="$ROOT/logs"
JOBS="${CF_JOBS:-$(nproc 2>/dev/null || echo 2)}"

# Source packages in build order (dependencies first).
PKGS=(libogg libvorbis opus opusfile flac mpg123 libsamplerate libebur128)
# What the prefix must contain (cmake/CuefinderDeps.cmake + libebur128).
EXPECT_LIBS=(opusfile opus vorbisfile vorbis FLAC ogg mpg123 samplerate ebur128)
EXPECT_HEADERS=(mpg123.h fmt123.h FLAC/stream_decoder.h vorbis/vorbisfile.h ogg/ogg.h opus/opus.h
                opus/opusfile.h samplerate.h ebur128.h)

# ---------------------------------------------------------------------------------------------
# Per-library recipes (TOOLCHAIN.md). Each runs as `wasm_deps.sh __build <variant> <pkg>` in a
# fresh bash (so `set -e` stops it at the first failing step) inside its scratch dir, which holds a
# copy of the sources in ./src.
NODE=/usr/bin/node
[ -x "$NODE" ] || NODE="$(command -v node || true)"
export NODE_PATH=/usr/share/nodejs   # emscripten's JS optimizer needs acorn (node-acorn)
export EM_PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"   # emconfigure overwrites PKG_CONFIG_PATH
GEN=(-G "Unix Makefiles"); command -v ninja >/dev/null && GEN=(-G Ninja)
EXTRA_CFLAGS=""; [ "$VARIANT" = mt ] && EXTRA_CFLAGS="-pthread"
CMK=("${GEN[@]}" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF
     -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_INSTALL_INCLUDEDIR=include
     "-DCMAKE_CROSSCOMPILING_EMULATOR=$NODE;--no-experimental-fetch"
     -DCMAKE_FIND_ROOT_PATH="$PREFIX" -DCMAKE_PREFIX_PATH="$PREFIX"
     -DCMAKE_C_FLAGS="$EXTRA_CFLAGS" -DCMAKE_CXX_FLAGS="$EXTRA_CFLAGS")
AC=(--host=wasm32 --prefix="$PREFIX" --disable-shared --enable-static
    CFLAGS="-O2 $EXTRA_CFLAGS" LDFLAGS="$EXTRA_CFLAGS")

cmake_lib() { # extra cmake args...   (cwd = scratch dir, sources in ./src)
  emcmake cmake -S src -B build "${CMK[@]}" "$@"
  cmake --build build -j "$JOBS"
  cmake --install build
}
autotools_lib() { # extra configure args...
  cd src
  emconfigure ./configure "${AC[@]}" "$@"
  emmake make -j "$JOBS"
  emmake make install
}

build_libogg()        { cmake_lib -DINSTALL_DOCS=OFF -DBUILD_TESTING=OFF; }
build_libvorbis()     { cmake_lib -DBUILD_TESTING=OFF; }
build_opus()          { autotools_lib --disable-doc --disable-extra-programs --disable-intrinsics \
                          --disable-rtcd --disable-asm --disable-stack-protector; }
build_opusfile()      { autotools_lib --disable-http --disable-examples --disable-doc; }
build_flac()          { cmake_lib -DBUILD_CXXLIBS=OFF -DBUILD_PROGRAMS=OFF -DBUILD_EXAMPLES=OFF \
                          -DBUILD_TESTING=OFF -DBUILD_DOCS=OFF -DINSTALL_MANPAGES=OFF \
                          -DWITH_STACK_PROTECTOR=OFF -DWITH_FORTIFY_SOURCE=OFF -DWITH_OGG=ON
                        rm -rf "$PREFIX/include/FLAC++"; }  # installed even without libFLAC++
build_mpg123() {
  # 1.31 cannot skip its programs: build and install only libmpg123 (library, headers, .pc).
  cd src
  emconfigure ./configure "${AC[@]}" --with-cpu=generic_fpu --with-audio=dummy \
    --with-default-audio=dummy --enable-modules=no --enable-network=no --disable-ipv6
  emmake make -j "$JOBS" src/libmpg123/libmpg123.la libmpg123.pc
  install -d "$PREFIX/lib/pkgconfig" "$PREFIX/include"
  install -m 644 src/libmpg123/.libs/libmpg123.a "$PREFIX/lib/"
  install -m 644 src/libmpg123/mpg123.h src/libmpg123/fmt123.h "$PREFIX/include/"
  install -m 644 libmpg123.pc "$PREFIX/lib/pkgconfig/"
}
build_libsamplerate() { cmake_lib -DBUILD_TESTING=OFF -DLIBSAMPLERATE_EXAMPLES=OFF; }
build_libebur128()    { cmake_lib; }

if [ -n "$INTERNAL_PKG" ]; then
  "build_$INTERNAL_PKG"
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Debian source versions and fetching: tools/debian_sources_lib.sh (shared with wasm_ui_deps.sh).
# shellcheck source=debian_sources_lib.sh
source "$(dirname "$SCRIPT")/debian_sources_lib.sh"

stamp_key() {
  local pkg emver
  emver="$(emscripten_version)"
  {
    cat "$SCRIPT"
    echo "variant=$VARIANT"
    echo "emscripten=$emver"
    for pkg in "${PKGS[@]}"; do echo "$pkg=${VER[$pkg]}"; done
  } | sha256sum | cut -d' ' -f1
}

prefix_complete() {
  local f
  for f in "${EXPECT_LIBS[@]}"; do [ -f "$PREFIX/lib/lib$f.a" ] || return 1; done
  for f in "${EXPECT_HEADERS[@]}"; do [ -f "$PREFIX/include/$f" ] || return 1; done
}

up_to_date() {
  [ "$FORCE" = 0 ] && [ -f "$PREFIX/.stamp" ] && [ "$(cat "$PREFIX/.stamp")" = "$KEY" ] && prefix_complete
}

# ---------------------------------------------------------------------------------------------
# Optional smoke test: compile + link a tiny program against the prefix and run it under node.
run_check() {
  local dir rc=0
  dir="$(mktemp -d "${TMPDIR:-/tmp}/cf-wasm-check.XXXXXX")"
  cat >"$dir/check.c" <<'EOF'
#include <stdio.h>
#include <mpg123.h>
#include <samplerate.h>
#include <opusfile.h>
#include <vorbis/vorbisfile.h>
#include <FLAC/stream_decoder.h>
#include <ebur128.h>
int main(void) {
  int major, minor, patch;
  int m = mpg123_init();
  int o = op_test(NULL, NULL, 0);
  FLAC__StreamDecoder *d = FLAC__stream_decoder_new();
  OggVorbis_File vf;
  int v = ov_test_callbacks(NULL, &vf, NULL, 0, OV_CALLBACKS_NOCLOSE); /* no data: fails cleanly */
  ebur128_get_version(&major, &minor, &patch);
  printf("mpg123_init=%d %s op_test=%d flac_decoder=%s ov_test=%d ebur128=%d.%d.%d\n", m,
         src_get_version(), o, d ? "ok" : "NULL", v, major, minor, patch);
  if (d) FLAC__stream_decoder_delete(d);
  if (v == 0) ov_clear(&vf);
  return (m == MPG123_OK && d && o < 0) ? 0 : 1;
}
EOF
  local extra=()
  [ "$VARIANT" = mt ] && extra=(-pthread -sEXIT_RUNTIME=1)
  if ! (cd "$dir" && NODE_PATH=/usr/share/nodejs emcc -O2 "${extra[@]}" check.c -o check.js \
        -I"$PREFIX/include" -I"$PREFIX/include/opus" -L"$PREFIX/lib" \
        -lopusfile -lopus -lvorbisfile -lvorbis -lFLAC -logg -lmpg123 -lsamplerate -lebur128 -lm \
        >"$dir/build.log" 2>&1); then
    cat "$dir/build.log" >&2; rm -rf "$dir"; die "--check: the test program did not compile/link"
  fi
  echo -n "check ($VARIANT): "
  (cd "$dir" && "$NODE" --no-experimental-fetch check.js) || rc=$?
  rm -rf "$dir"
  [ "$rc" = 0 ] || die "--check: the test program failed under node (exit $rc)"
}

# ---------------------------------------------------------------------------------------------
# Main: fast exit when up to date, else fetch sources and build what is not stamped yet.
resolve_versions
KEY="$(stamp_key)"
if up_to_date; then
  echo "wasm deps ($VARIANT) up to date: $PREFIX"
  [ "$CHECK" = 0 ] || run_check
  exit 0
fi

for tool in emcc emcmake emconfigure emmake cmake make dpkg-source apt-get; do
  command -v "$tool" >/dev/null || die "'$tool' not found: run tools/setup.sh first"
done
[ -n "$NODE" ] || die "'node' not found: run tools/setup.sh first"
[ -d /usr/share/nodejs/acorn ] || echo "wasm_deps: warning: /usr/share/nodejs/acorn missing (apt-get install node-acorn)" >&2

mkdir -p "$SRC/dl" "$LOGS" "$(dirname "$PREFIX")"

# One build per variant at a time; another run waits and then re-checks the stamp.
if command -v flock >/dev/null; then
  exec 8>"$ROOT/.lock-$VARIANT"
  if ! flock -n 8; then
    echo "wasm_deps: another build of '$VARIANT' is running; waiting for it..." >&2
    flock 8
    if up_to_date; then
      echo "wasm deps ($VARIANT) up to date: $PREFIX"
      [ "$CHECK" = 0 ] || run_check
      exit 0
    fi
  fi
fi

# Start from an empty prefix unless it holds a partial build with the same key (resume).
if [ "$FORCE" = 1 ] || [ ! -f "$PREFIX/.stamps/key" ] || [ "$(cat "$PREFIX/.stamps/key")" != "$KEY" ]; then
  rm -rf "$PREFIX"
  mkdir -p "$PREFIX/.stamps"
  echo "$KEY" >"$PREFIX/.stamps/key"
fi
rm -f "$PREFIX/.stamp"

echo "wasm deps ($VARIANT): building into $PREFIX (logs: $LOGS/$VARIANT-*.log)"

fetch_sources

total_start="$(now)"
for pkg in "${PKGS[@]}"; do
  stamp="$PREFIX/.stamps/$pkg"
  label="$(printf '%-14s %-22s' "$pkg" "${VER[$pkg]}")"
  if [ -f "$stamp" ]; then echo "  $label already built"; continue; fi
  log="$LOGS/$VARIANT-$pkg.log"
  work="$BUILD/$pkg"
  rm -rf "$work"; mkdir -p "$work"
  cp -a "$(srcdir_of "$pkg")" "$work/src"
  start="$(now)"
  rc=0
  (cd "$work" && exec "$BASH" "$SCRIPT" __build "$VARIANT" "$pkg") >"$log" 2>&1 </dev/null || rc=$?
  if [ "$rc" != 0 ]; then
    echo "  $label FAILED after $(since "$start")" >&2
    echo "----- last lines of $log -----" >&2
    tail -n 40 "$log" >&2
    echo "-----" >&2
    die "building $pkg ${VER[$pkg]} ($VARIANT) failed; full log: $log (scratch dir kept: $work)"
  fi
  echo "  $label $(since "$start")"
  touch "$stamp"
  rm -rf "$work"
done

prefix_complete || die "the build finished but $PREFIX lacks an expected library or header"
rm -rf "$BUILD"
echo "$KEY" >"$PREFIX/.stamp.tmp" && mv "$PREFIX/.stamp.tmp" "$PREFIX/.stamp"
echo "wasm deps ($VARIANT) ready in $(since "$total_start"): $PREFIX"
[ "$CHECK" = 0 ] || run_check
