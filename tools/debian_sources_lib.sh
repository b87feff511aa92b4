# Helpers shared by tools/wasm_deps.sh and tools/wasm_ui_deps.sh (sourced, not run): which version of
# each Debian source package to build, and getting it unpacked and checked through
# tools/debian_source.sh. The caller sets PKGS (source package names), SRC (the source cache:
# dl/ and the unpacked <pkg>_<version>/ dirs), LOGS, and defines die(); VER is filled here.
#
#   source "$(dirname "$SCRIPT")/debian_sources_lib.sh"
#   resolve_versions        # VER[pkg] = the highest version apt knows (else a cached .dsc's)
#   fetch_sources [CMD...]  # every PKGS source in $SRC/<pkg>_<version>, checked; then CMD, under the
#                           # same lock (both scripts share $SRC: one fetches at a time)
#   srcdir_of PKG           # → $SRC/<pkg>_<version>
#   start="$(now)"; ...; echo "done in $(since "$start")"
#   emscripten_version      # → the emscripten package version (else the emcc path): part of the cache keys

DEBIAN_SOURCE_SH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/debian_source.sh"
declare -A VER=()

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

emscripten_version() {
  dpkg-query -W -f='${Version}' emscripten 2>/dev/null || readlink -f "$(command -v emcc)"
}

highest() { # versions... → the highest Debian version among them
  local best="" v
  for v in "$@"; do
    if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
  done
  printf '%s' "$best"
}

# The highest version apt knows of each package; falls back to already downloaded .dsc files.
resolve_versions() {
  local showsrc pkg vers dsc me
  me="$(basename "$0" .sh)"
  showsrc="$(apt-cache showsrc --only-source "${PKGS[@]}" 2>/dev/null || true)"
  for pkg in "${PKGS[@]}"; do
    # shellcheck disable=SC2207
    vers=($(awk -v p="$pkg" '/^Package: /{cur=$2} /^Version: /{if (cur==p) print $2}' <<<"$showsrc"))
    if [ ${#vers[@]} -eq 0 ]; then
      for dsc in "$SRC/dl/${pkg}_"*.dsc; do
        [ -f "$dsc" ] || continue
        dsc="${dsc##*/}"; dsc="${dsc#"${pkg}_"}"; vers+=("${dsc%.dsc}")
      done
      [ ${#vers[@]} -gt 0 ] || die "apt knows no source package '$pkg' and none is cached in $SRC/dl:" \
        "add a deb-src line and run 'apt-get update' (tools/setup.sh does both)"
      echo "$me: warning: apt knows no source for $pkg; using the cached ${pkg}_${vers[*]}" >&2
    fi
    VER[$pkg]="$(highest "${vers[@]}")"
  done
}

# Sources: downloaded into $SRC/dl and unpacked once into $SRC/<pkg>_<version> by
# tools/debian_source.sh, which checks every file against its .dsc and the .dsc against
# tools/debian_sources.sha256. A source dir without its .checked mark (unpacked by an older version
# of these scripts, without those checks) is unpacked again.
srcdir_of() { echo "$SRC/${1}_${VER[$1]}"; }

fetch_source() { # pkg
  local pkg=$1 dir
  dir="$(srcdir_of "$pkg")"
  [ -d "$dir" ] && [ -f "$dir.checked" ] && return 0
  rm -rf "$dir" "$dir.checked"
  bash "$DEBIAN_SOURCE_SH" get "$pkg" "${VER[$pkg]}" "$SRC/dl" "$dir" "$LOGS/fetch.log" \
    || die "could not get a checked source of $pkg ${VER[$pkg]} (the error is above; log: $LOGS/fetch.log)"
  touch "$dir.checked"
}

fetch_sources() { # [cmd args...]   run after the fetch, still holding the lock
  mkdir -p "$SRC/dl" "$LOGS"
  (
    if command -v flock >/dev/null; then flock 9; fi
    for pkg in "${PKGS[@]}"; do fetch_source "$pkg"; done
    if [ $# -gt 0 ]; then "$@"; fi
  ) 9>"$SRC/.lock"
}
