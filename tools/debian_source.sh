#!/usr/bin/env bash
# Downloads and unpacks Debian source packages with every file checked: the one way
# tools/wasm_deps.sh and tools/wasm_ui_deps.sh get third-party sources.
#
#   tools/debian_source.sh get PKG VERSION DL_DIR DEST [LOG]   download into DL_DIR (unless there),
#                                                              check, unpack into DEST (must not exist)
#   tools/debian_source.sh check DSC                           check DSC and the files it lists
#   tools/debian_source.sh unpack DSC DEST [LOG]               check, then unpack into DEST
#
# What is checked, in order:
#   1. `apt-get source --download-only` checks each file it downloads against the archive's Sources
#      index, whose InRelease apt verifies with debian-archive-keyring.
#   2. The .dsc: its sha256 must be the one tools/debian_sources.sha256 pins for that file name (the
#      versions cuefinder is built and tested with). A .dsc not listed there (a newer Debian version)
#      is used with a warning that prints the line to add; a listed one that differs is refused.
#   3. Every file the .dsc lists under Checksums-Sha256: size and sha256, before dpkg-source reads
#      it; a file under "Files:" that Checksums-Sha256 does not list is refused. dpkg-source then
#      runs with --no-check: its own check would also want the maintainer's signature
#      (debian-keyring, not installed) and every listed file, and the mirror lacks two of them:
#      - an upstream signature (*.asc, mpg123's) is optional: checked when present;
#      - a missing Debian tarball is refused (it may carry Debian's patches, security fixes among
#        them), except for the .dsc files listed in CF_DEBIAN_UPSTREAM_ONLY (default: libebur128's,
#        whose debian.tar.xz the mirror lacks): their checked upstream tarball is unpacked without
#        Debian's changes, and stderr says so.
#      A missing upstream tarball, a size or sha256 mismatch, or a .dsc without Checksums-Sha256
#      stops with an error naming the file.
# apt's and dpkg-source's own output goes to LOG (default: stderr); notes and errors to stderr.
# Environment: CF_DEBIAN_PINS (default: tools/debian_sources.sha256 next to this script),
# CF_DEBIAN_UPSTREAM_ONLY (space-separated .dsc names; see above).
set -euo pipefail
shopt -s inherit_errexit   # a die inside $(...) stops the script too

die() { echo "debian_source: error: $*" >&2; exit 1; }
note() { echo "debian_source: $*" >&2; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PINS="${CF_DEBIAN_PINS:-$HERE/debian_sources.sha256}"
UPSTREAM_ONLY=" ${CF_DEBIAN_UPSTREAM_ONLY-libebur128_1.2.6-1.dsc} "

# The body of a .dsc without its OpenPGP armour (clearsigned or not).
dsc_body() { # dsc
  awk 'NR == 1 && /^-----BEGIN PGP SIGNED MESSAGE-----/ { armour = 1; next }
       armour == 1 { if ($0 == "") armour = 2; next }
       /^-----BEGIN PGP SIGNATURE-----/ { exit }
       { print }' "$1"
}
# The lines of one multi-line field ("Checksums-Sha256", "Files") of a .dsc, without the leading space.
dsc_field() { # dsc field
  dsc_body "$1" | awk -v f="$2:" '$1 == f { on = 1; next } on && /^ / { sub(/^ /, ""); print; next } { on = 0 }'
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

check_pin() { # dsc
  local name actual pinned
  name="$(basename "$1")"
  actual="$(sha256_of "$1")"
  pinned="$( [ -f "$PINS" ] && awk -v n="$name" '$2 == n { print $1 }' "$PINS" || true)"
  if [ -z "$pinned" ]; then
    note "warning: $name is not pinned in ${PINS##*/} (checked by apt only); to pin it, add: $actual  $name"
  elif [ "$pinned" != "$actual" ]; then
    die "$name: sha256 $actual, but ${PINS##*/} pins $pinned (a changed or tampered .dsc; delete it to download it again)"
  fi
}

check_files() { # dsc   → prints the names of the listed files that are present
  local dir sha size name path listed=0 got
  dir="$(dirname "$1")"
  while read -r sha size name; do
    listed=$((listed + 1))
    [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9.+~_-]*$ ]] || die "$(basename "$1"): unsafe file name '$name'"
    [[ "$sha" =~ ^[0-9a-f]{64}$ && "$size" =~ ^[0-9]+$ ]] || die "$(basename "$1"): malformed Checksums-Sha256 line for $name"
    path="$dir/$name"
    if [ ! -f "$path" ]; then
      case "$name" in
        *.asc) note "$name (an upstream signature) is not available; not needed to unpack" ;;
        *) note "$name is not available" ;;
      esac
      continue
    fi
    got="$(stat -c %s "$path")"
    [ "$got" = "$size" ] || die "$path: $got bytes, but $(basename "$1") lists $size"
    got="$(sha256_of "$path")"
    [ "$got" = "$sha" ] || die "$path: sha256 $got does not match $(basename "$1") ($sha): a corrupt or tampered download (delete it to download it again)"
    echo "$name"
  done < <(dsc_field "$1" Checksums-Sha256)
  [ "$listed" -gt 0 ] || die "$(basename "$1"): no Checksums-Sha256 field: cannot check its files"
}

# Every file dpkg-source would read ("Files:") must be one Checksums-Sha256 lists.
check_coverage() { # dsc
  local name
  while read -r _ _ name; do
    dsc_field "$1" Checksums-Sha256 | awk -v n="$name" '$3 == n { found = 1 } END { exit !found }' \
      || die "$(basename "$1"): $name is listed under Files but not under Checksums-Sha256"
  done < <(dsc_field "$1" Files)
}

cmd_check() { # dsc   → prints the checked files
  [ -f "$1" ] || die "$1: not found"
  local present
  check_pin "$1"
  present="$(check_files "$1")" || exit 1
  check_coverage "$1"
  [ -z "$present" ] || echo "$present"
}

cmd_unpack() { # dsc dest [log]
  local dsc dest log present upstream debian work
  dsc="$(readlink -f "$1")" dest="$2" log="${3:-/dev/stderr}"
  [ ! -e "$dest" ] || die "$dest already exists"
  present="$(cmd_check "$dsc")" || exit 1
  upstream="$(grep -E '\.orig\.tar\.[a-z0-9]+$' <<<"$present" | head -n1 || true)"
  debian="$(grep -E '\.(debian\.)?tar\.[a-z0-9]+$|\.diff\.gz$' <<<"$present" | grep -v '\.orig\.' || true)"
  [ -n "$debian$upstream" ] || die "$(basename "$dsc"): none of its tarballs is available"
  # A private dir: dpkg-source leaves symlinks to the tarballs next to its target.
  mkdir -p "$(dirname "$dest")"
  work="$(mktemp -d "$(dirname "$dest")/.unpack.XXXXXX")"
  if [ -n "$debian" ]; then
    (cd "$(dirname "$dsc")" && dpkg-source -x --no-check "$dsc" "$work/src") >>"$log" 2>&1 \
      || { rm -rf "$work"; die "dpkg-source could not unpack $(basename "$dsc") (log: $log)"; }
  else
    [[ "$UPSTREAM_ONLY" == *" $(basename "$dsc") "* ]] || { rm -rf "$work"; die "$(basename "$dsc"): Debian's tarball is" \
      "not available, and $upstream alone would lack Debian's patches (add the .dsc to CF_DEBIAN_UPSTREAM_ONLY to accept that)"; }
    note "$(basename "$dsc"): Debian's tarball is not available; unpacking the checked $upstream without Debian's changes"
    mkdir -p "$work/src"
    tar -xf "$(dirname "$dsc")/$upstream" -C "$work/src" --strip-components=1 \
      || { rm -rf "$work"; die "could not unpack $upstream"; }
  fi
  mv "$work/src" "$dest"
  rm -rf "$work"
}

cmd_get() { # pkg version dl_dir dest [log]
  local pkg=$1 ver=$2 dl=$3 dest=$4 log="${5:-/dev/stderr}" dsc sandbox=() name missing=0
  dsc="$dl/${pkg}_${ver#*:}.dsc"
  mkdir -p "$dl"
  if [ -f "$dsc" ]; then
    while read -r _ _ name; do
      case "$name" in *.asc) ;; *) [ -f "$dl/$name" ] || missing=1 ;; esac
    done < <(dsc_field "$dsc" Checksums-Sha256)
  fi
  if [ ! -f "$dsc" ] || [ "$missing" = 1 ]; then
    # Exits non-zero when a listed file is missing on the mirror: cmd_unpack judges what arrived.
    # (As root, download as root: the _apt sandbox user may not reach $dl, e.g. under /root.)
    [ "$(id -u)" = 0 ] && sandbox=(-o APT::Sandbox::User=root)
    (cd "$dl" && apt-get source "${sandbox[@]}" --download-only "$pkg=$ver") >>"$log" 2>&1 || true
    [ -f "$dsc" ] || die "could not download the source of $pkg $ver (log: $log)"
  fi
  cmd_unpack "$dsc" "$dest" "$log"
}

case "${1:-}" in
  get) [ $# -ge 5 ] && [ $# -le 6 ] || die "usage: $0 get PKG VERSION DL_DIR DEST [LOG]"; shift; cmd_get "$@" ;;
  check) [ $# = 2 ] || die "usage: $0 check DSC"; cmd_check "$2" >/dev/null ;;
  unpack) [ $# -ge 3 ] && [ $# -le 4 ] || die "usage: $0 unpack DSC DEST [LOG]"; shift; cmd_unpack "$@" ;;
  -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' ;;
  *) die "usage: $0 get|check|unpack ... (--help)" ;;
esac
