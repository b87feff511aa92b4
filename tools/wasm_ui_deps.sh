#!/usr/bin/env bash
# Builds the browser app's UI libraries from the Debian *source* packages, into a cache outside the
# build tree (the same versions as Debian's native libsdl2-dev / libimgui-dev):
#   - SDL2 2.26 as a static WebAssembly library, by the "fast route" of docs/toolchain.md
#     ("SDL2 for WASM from Debian source"): SDL's fixed source list for the emscripten backend is
#     compiled against its own include/SDL_config_emscripten.h, without SDL's CMake configure
#     (which runs ~318 try-links: 5-10 minutes). Video (WebGL via EGL), events, timers, joystick,
#     audio (unused by cuefinder) as SDL's emscripten config has them; threads only in 'mt'.
#   - Dear ImGui 1.86: the core sources plus the SDL2 and OpenGL3 backends, unpacked (not compiled:
#     cmake/CuefinderUi.cmake compiles them into the target cf_imgui, natively and for WASM).
#
#   tools/wasm_ui_deps.sh [st|mt] [--imgui-only] [--force]
#     st            single-threaded SDL2 (default)
#     mt            SDL2 compiled with -pthread (SDL threads on)
#     --imgui-only  only unpack the ImGui sources (no emscripten needed; the native build uses them)
#     --force       rebuild even if up to date
# >>> webp
#
# Also libwebp 1.2 (the Debian source package libwebp), decoder only: the sources of upstream's
# libwebpdecoder (makefile.unix: DEC_OBJS, DSP_DEC_OBJS, UTILS_DEC_OBJS) as a static WebAssembly
# library in $ROOT/wasm-ui/webp-<variant>/{lib/libwebpdecoder.a,include/webp/*.h,.stamp}, for the
# core's image decoder (src/core/image; cmake/CuefinderDeps.cmake finds it). Plain C kernels (no
# SSE2/NEON in WASM); built before SDL2, in ~20 s, with its own stamp: changing the libwebp part of
# this script (the "webp" blocks) rebuilds neither SDL2 nor ImGui, and the other way round.
#     --webp-only   only build libwebp (no SDL2; the wasm-threads preset needs: mt --webp-only)
# <<< webp
#
# Layout ($ROOT = ${CF_CACHE_DIR:-$HOME/.cache/cuefinder}):
#   $ROOT/src/dl/                     downloaded Debian source packages (shared with wasm_deps.sh)
#   $ROOT/src/<pkg>_<version>/        unpacked sources
#   $ROOT/wasm-ui/<variant>/          SDL2 prefix: include/SDL2/*.h, lib/libSDL2.a, .stamp
#   $ROOT/wasm-ui/imgui/              ImGui sources: imgui*.cpp/h, backends/, misc/cpp/, .stamp
#   $ROOT/logs/ui-<variant>-sdl2.log, $ROOT/logs/fetch.log
# Each output is up to date when its .stamp holds the hash of (this script + variant + Debian source
# versions + emscripten version). Environment: CF_CACHE_DIR, CF_JOBS (default: nproc).
set -euo pipefail

die() { echo "wasm_ui_deps: error: $*" >&2; exit 1; }

VARIANT=st FORCE=0 IMGUI_ONLY=0
# >>> webp
WEBP_ONLY=0
# <<< webp
for arg in "$@"; do
  case "$arg" in
    st|mt) VARIANT=$arg ;;
    --force) FORCE=1 ;;
    --imgui-only) IMGUI_ONLY=1 ;;
# >>> webp
    --webp-only) WEBP_ONLY=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '/^# [<>]\{3\} webp/d; $d; s/^# \{0,1\}//'; exit 0 ;;
    --*) die "unknown argument '$arg' (usage: tools/wasm_ui_deps.sh [st|mt] [--imgui-only|--webp-only] [--force])" ;;
# <<< webp
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (usage: tools/wasm_ui_deps.sh [st|mt] [--imgui-only] [--force])" ;;
  esac
done

SCRIPT="$(readlink -f "${BASH_SOURCE[0]}")"
ROOT="${CF_CACHE_DIR:-${HOME:?HOME is not set}/.cache/cuefinder}"
mkdir -p "$ROOT"
ROOT="$(cd "$ROOT" && pwd)"
SRC="$ROOT/src"
UI="$ROOT/wasm-ui"
PREFIX="$UI/$VARIANT"
IMGUI_DIR="$UI/imgui"
BUILD="$ROOT/build-ui-$VARIANT"
LOGS="$ROOT/logs"
JOBS="${CF_JOBS:-$(nproc 2>/dev/null || echo 2)}"
export NODE_PATH=/usr/share/nodejs   # emscripten's JS optimizer needs acorn (node-acorn)

PKGS=(libsdl2 imgui)
# >>> webp
PKGS+=(libwebp)
# <<< webp

# Debian source versions and fetching: tools/debian_sources_lib.sh (shared with wasm_deps.sh).
# shellcheck source=debian_sources_lib.sh
source "$(dirname "$SCRIPT")/debian_sources_lib.sh"

key_of() { # what...   (hash of this script + the given lines)
  { cat "$SCRIPT"; printf '%s\n' "$@"; } | sha256sum | cut -d' ' -f1
}
stamped() { # dir key
  [ "$FORCE" = 0 ] && [ -f "$1/.stamp" ] && [ "$(cat "$1/.stamp")" = "$2" ]
}

# >>> webp
# The SDL2/ImGui stamps hash this script without its webp blocks (so they match the stamps written
# before libwebp was added here); libwebp's stamp hashes only the webp blocks.
key_of() { # what...
  { sed '/^# >>> webp/,/^# <<< webp/d' "$SCRIPT"; printf '%s\n' "$@"; } | sha256sum | cut -d' ' -f1
}
webp_key_of() { # what...
  { sed -n '/^# >>> webp/,/^# <<< webp/p' "$SCRIPT"; printf '%s\n' "$@"; } | sha256sum | cut -d' ' -f1
}
WEBP_PREFIX="$UI/webp-$VARIANT"
build_webp() {
  local key src log work start cflags files
  key="$(webp_key_of "variant=$VARIANT" "libwebp=${VER[libwebp]}" "emscripten=$(emscripten_version)")"
  if stamped "$WEBP_PREFIX" "$key" && [ -f "$WEBP_PREFIX/lib/libwebpdecoder.a" ] \
     && [ -f "$WEBP_PREFIX/include/webp/decode.h" ]; then
    echo "libwebp ($VARIANT) up to date: $WEBP_PREFIX"; return 0
  fi
  for tool in emcc emar; do
    command -v "$tool" >/dev/null || die "'$tool' not found: run tools/setup.sh first (apt package emscripten)"
  done
  src="$(srcdir_of libwebp)"
  log="$LOGS/ui-$VARIANT-webp.log"
  work="$ROOT/build-webp-$VARIANT"
  rm -rf "$work"; mkdir -p "$work/obj"
  # The decoder's source list, as upstream's makefile.unix builds src/libwebpdecoder.a.
  files="$(awk '/^(DEC_OBJS|DSP_DEC_OBJS|UTILS_DEC_OBJS) =/ {f = 1; next} f && /^[[:space:]]*$/ {f = 0}
                f { for (i = 1; i <= NF; i++) if ($i ~ /\.o$/) { sub(/\.o$/, ".c", $i); print $i } }' \
           "$src/makefile.unix")"
  [ "$(wc -l <<<"$files")" -ge 40 ] || die "libwebp ${VER[libwebp]}: unexpected source list in makefile.unix"
  cflags="-O2 -DNDEBUG -I$src"
  [ "$VARIANT" = mt ] && cflags="$cflags -pthread"
  echo "libwebp ${VER[libwebp]} ($VARIANT): compiling $(wc -l <<<"$files") decoder files (log: $log)"
  start="$(now)"
  # Two emcc calls (each emcc start costs ~1 s); the file names are unique, so one object dir.
  # shellcheck disable=SC2086
  { echo "emcc $cflags -c <decoder files>"
    sed "s|^|$src/|" <<<"$files" | xargs -n 32 -P "$JOBS" sh -c 'cd "$0" && emcc '"$cflags"' -c "$@"' "$work/obj"
  } >"$log" 2>&1 || { tail -n 40 "$log" >&2; die "compiling libwebp failed; full log: $log (scratch dir kept: $work)"; }
  [ "$(ls "$work"/obj/*.o | wc -l)" = "$(wc -l <<<"$files")" ] \
    || die "compiling libwebp: fewer objects than sources (log: $log, scratch dir kept: $work)"
  rm -rf "$WEBP_PREFIX"; mkdir -p "$WEBP_PREFIX/lib" "$WEBP_PREFIX/include/webp"
  emar rcs "$WEBP_PREFIX/lib/libwebpdecoder.a" "$work"/obj/*.o >>"$log" 2>&1 || die "emar failed (log: $log)"
  install -m 644 "$src"/src/webp/decode.h "$src"/src/webp/types.h "$WEBP_PREFIX/include/webp/"
  install -m 644 "$src"/COPYING "$WEBP_PREFIX/COPYING"
  echo "$key" >"$WEBP_PREFIX/.stamp"
  rm -rf "$work"
  echo "libwebp ($VARIANT) ready in $(since "$start"): $WEBP_PREFIX"
}
# <<< webp
# ---------------------------------------------------------------------------------------------
# ImGui: copy the files cuefinder compiles (core, SDL2 + OpenGL3 backends, std::string helpers).
IMGUI_FILES=(LICENSE.txt imconfig.h imgui.h imgui_internal.h imstb_rectpack.h imstb_textedit.h
  imstb_truetype.h imgui.cpp imgui_draw.cpp imgui_tables.cpp imgui_widgets.cpp imgui_demo.cpp
  backends/imgui_impl_sdl.h backends/imgui_impl_sdl.cpp
  backends/imgui_impl_opengl3.h backends/imgui_impl_opengl3.cpp backends/imgui_impl_opengl3_loader.h
  misc/cpp/imgui_stdlib.h misc/cpp/imgui_stdlib.cpp)
install_imgui() {
  local key f src tmp
  key="$(key_of "imgui=${VER[imgui]}")"
  if stamped "$IMGUI_DIR" "$key"; then echo "imgui sources up to date: $IMGUI_DIR"; return 0; fi
  src="$(srcdir_of imgui)"
  tmp="$UI/.imgui.$$"
  rm -rf "$tmp"
  for f in "${IMGUI_FILES[@]}"; do
    [ -f "$src/$f" ] || die "imgui ${VER[imgui]}: $f missing in $src"
    install -D -m 644 "$src/$f" "$tmp/$f"
  done
  echo "$key" >"$tmp/.stamp"
  rm -rf "$IMGUI_DIR"; mv "$tmp" "$IMGUI_DIR"
  echo "imgui ${VER[imgui]} sources: $IMGUI_DIR"
}

# ---------------------------------------------------------------------------------------------
# SDL2: the source list SDL's own CMakeLists.txt selects for EMSCRIPTEN with the options of
# include/SDL_config_emscripten.h (generic sources + the emscripten backends).
sdl_sources() { # sdl source dir -> relative paths of the .c files, one a line
  local d
  local dirs=(. atomic audio cpuinfo dynapi events file joystick haptic hidapi libm locale misc power
              render render/'*' sensor stdlib thread timer video video/yuv2rgb
              misc/emscripten audio/emscripten audio/dummy audio/disk filesystem/emscripten
              joystick/emscripten power/emscripten locale/emscripten timer/unix video/emscripten
              sensor/dummy haptic/dummy loadso/dlopen)
  if [ "$VARIANT" = mt ]; then dirs+=(thread/pthread); else dirs+=(thread/generic); fi
  (cd "$1/src" && for d in "${dirs[@]}"; do
     # shellcheck disable=SC2086
     ls $d/*.c
   done) | sed 's|^\./||' | sort -u
}

build_sdl2() {
  local key src log work start rc=0 cflags
  key="$(key_of "variant=$VARIANT" "libsdl2=${VER[libsdl2]}" "emscripten=$(emscripten_version)")"
  if stamped "$PREFIX" "$key" && [ -f "$PREFIX/lib/libSDL2.a" ] && [ -f "$PREFIX/include/SDL2/SDL.h" ]; then
    echo "SDL2 ($VARIANT) up to date: $PREFIX"; return 0
  fi
  for tool in emcc emar; do
    command -v "$tool" >/dev/null || die "'$tool' not found: run tools/setup.sh first (apt package emscripten)"
  done
  [ -d /usr/share/nodejs/acorn ] || echo "wasm_ui_deps: warning: /usr/share/nodejs/acorn missing (apt-get install node-acorn)" >&2
  src="$(srcdir_of libsdl2)"
  log="$LOGS/ui-$VARIANT-sdl2.log"
  work="$BUILD/sdl2"
  rm -rf "$work"; mkdir -p "$work/obj"
  cflags="-O2 -DNDEBUG -fno-strict-aliasing -I$src/include -Wno-warn-absolute-paths"
  [ "$VARIANT" = mt ] && cflags="$cflags -pthread"
  sdl_sources "$src" >"$work/sources.txt"
  # One emcc call per source directory (each emcc start costs ~1 s of CPU, more than most SDL files
  # take to compile); directories in parallel. Objects go to obj/<dir>/, as SDL has several files
  # of the same name in different directories.
  mkdir -p "$work/lists"
  local f d
  while read -r f; do
    d="$(dirname "$f" | tr / _)"; [ "$d" = . ] && d=top
    echo "$src/src/$f" >>"$work/lists/$d"
  done <"$work/sources.txt"
  echo "SDL2 ${VER[libsdl2]} ($VARIANT): compiling $(wc -l <"$work/sources.txt") files in" \
       "$(ls "$work/lists" | wc -l) batches, $JOBS at a time (log: $log)"
  start="$(now)"
  {
    echo "emcc $cflags -c <files of one directory>"
    # shellcheck disable=SC2016
    ls "$work/lists" | xargs -P "$JOBS" -I{} sh -c \
      'mkdir -p "$1/obj/$2" && cd "$1/obj/$2" && echo "  $2: $(wc -l <"$1/lists/$2") files" && emcc '"$cflags"' -c $(cat "$1/lists/$2")' \
      sh "$work" {}
  } >"$log" 2>&1 || rc=$?
  if [ "$rc" != 0 ]; then
    echo "----- last lines of $log -----" >&2; tail -n 40 "$log" >&2; echo "-----" >&2
    die "compiling SDL2 failed; full log: $log (scratch dir kept: $work)"
  fi
  [ "$(ls "$work"/obj/*/*.o | wc -l)" = "$(wc -l <"$work/sources.txt")" ] \
    || die "compiling SDL2: fewer objects than sources (log: $log, scratch dir kept: $work)"
  rm -rf "$PREFIX"; mkdir -p "$PREFIX/lib" "$PREFIX/include/SDL2"
  emar rcs "$PREFIX/lib/libSDL2.a" "$work"/obj/*/*.o >>"$log" 2>&1 || die "emar failed (log: $log)"
  # Public headers as Debian's libsdl2-dev ships them (include/SDL2/*.h); SDL_config.h picks
  # SDL_config_emscripten.h under __EMSCRIPTEN__.
  install -m 644 "$src"/include/*.h "$PREFIX/include/SDL2/"
  echo "$key" >"$PREFIX/.stamp"
  rm -rf "$BUILD"
  echo "SDL2 ($VARIANT) ready in $(since "$start"): $PREFIX"
}

# ---------------------------------------------------------------------------------------------
for tool in apt-get apt-cache dpkg-source sha256sum; do
  command -v "$tool" >/dev/null || die "'$tool' not found: run tools/setup.sh first (dpkg-dev)"
done
mkdir -p "$UI"
resolve_versions
fetch_sources install_imgui
[ "$IMGUI_ONLY" = 1 ] && exit 0
# >>> webp
(
  if command -v flock >/dev/null; then flock 7; fi
  build_webp
) 7>"$UI/.lock-webp-$VARIANT"
[ "$WEBP_ONLY" = 1 ] && exit 0
# <<< webp
(
  if command -v flock >/dev/null; then flock 8; fi
  build_sdl2
) 8>"$UI/.lock-$VARIANT"
