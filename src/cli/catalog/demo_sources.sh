#!/usr/bin/env bash
# cuefinder — fetch, unpack and describe the music of the default demo catalog.
#
#   bash src/cli/catalog/demo_sources.sh              # → $CF_CACHE_DIR/demo/{debs,music,meta,manifest.json}
#   bash src/cli/catalog/demo_sources.sh --out DIR    # music + manifest under DIR (debs stay in the cache)
#   bash src/cli/catalog/demo_sources.sh --jobs 1     # module renders in parallel (default 2)
#   bash src/cli/catalog/demo_sources.sh --only a7xpg-data   # a few packages (or CF_DEMO_PACKAGES=a,b)
#
# Downloads the Debian game-data packages listed in docs/catalog-sources.md with `apt-get download`,
# unpacks only their music, renders tracker modules to Ogg Vorbis, and writes OUT/manifest.json with
# path, tags, license and attribution per track. Idempotent: every step is skipped when its output is
# already there, so a second run only rewrites the (identical) manifest. Everything it and its
# children print goes to stderr; stdout carries only the manifest path (always OUT/manifest.json, so a
# caller need not capture it: ./cuefinder does not).
#
# Tools it needs (Debian bookworm): apt-get, dpkg-deb, tar (always there), node; installed on demand
# when the chosen packages need them: unzip (zip-in-deb packages), openmpt123 + vorbis-tools (modules).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec node "$HERE/demo_sources.mjs" "$@"
