#!/usr/bin/env bash
# cuefinder — fetch, unpack and describe the music of the default demo catalog.
#
#   bash tools/catalog/demo_sources.sh              # → $CF_CACHE_DIR/demo/{debs,music,meta,manifest.json}
#   bash tools/catalog/demo_sources.sh --out DIR    # music + manifest under DIR (debs stay in the cache)
#   bash tools/catalog/demo_sources.sh --jobs 1     # module renders in parallel (default 2)
#
# Downloads the Debian game-data packages listed in ../shared/CATALOG.md with `apt-get download`,
# unpacks only their music, renders tracker modules to Ogg Vorbis, and writes manifest.json with
# path, tags, license and attribution per track (see docs/catalog-sources.md). Idempotent: every
# step is skipped when its output is already there, so a second run only rewrites the (identical)
# manifest. Progress goes to stderr; the manifest path is printed on stdout.
#
# Tools it needs (Debian bookworm): apt-get, dpkg-deb, tar (always there), unzip (zip-in-deb
# packages), openmpt123 + vorbis-tools (module rendering), node (runs demo_sources.mjs).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

need=()
command -v unzip >/dev/null || need+=(unzip)
command -v openmpt123 >/dev/null || need+=(openmpt123)
command -v oggenc >/dev/null || need+=(vorbis-tools)
if [ ${#need[@]} -gt 0 ]; then
  echo "demo_sources: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get install -y --no-install-recommends "${need[@]}" >&2 || {
    $SUDO apt-get update >&2 && $SUDO apt-get install -y --no-install-recommends "${need[@]}" >&2; }
fi

exec node "$HERE/demo_sources.mjs" "$@"
