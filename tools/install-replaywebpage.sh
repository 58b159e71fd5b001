#!/bin/sh
# Install ReplayWeb.page (npm `replaywebpage`, AGPL-3.0) for the replay origin, under PREFIX/node_modules/replaywebpage.
#   sh tools/install-replaywebpage.sh PREFIX     e.g. .venv/replay (what `make install` does) or instance/replay
#
# The desk serves two files of the package, ui.js and sw.js: prebuilt, self-contained bundles. Its npm dependencies
# are only needed to build them, so rather than `npm install` (which resolves ~100 of them for nothing, and fails
# when one is missing from the registry) this fetches the published package alone with `npm pack` and unpacks it.
set -eu
PREFIX=${1:?usage: install-replaywebpage.sh PREFIX}
SPEC=${REPLAYWEBPAGE_SPEC:-replaywebpage@2}
command -v npm >/dev/null || { echo "npm is needed to install ReplayWeb.page ($SPEC)" >&2; exit 1; }
DEST="$PREFIX/node_modules/replaywebpage"
if [ -f "$DEST/ui.js" ] && [ -f "$DEST/sw.js" ] && [ -z "${REPLAYWEBPAGE_FORCE:-}" ]; then
  echo "ReplayWeb.page already installed in $DEST (REPLAYWEBPAGE_FORCE=1 to fetch it again)"; exit 0
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "$SPEC" >/dev/null)
mkdir -p "$WORK/unpacked"
tar -xzf "$WORK"/replaywebpage-*.tgz -C "$WORK/unpacked" --strip-components=1
for f in ui.js sw.js LICENSE package.json; do
  test -f "$WORK/unpacked/$f" || { echo "the $SPEC package has no $f" >&2; exit 1; }
done
rm -rf "$DEST.new" && mkdir -p "$DEST.new"
cp "$WORK/unpacked/ui.js" "$WORK/unpacked/sw.js" "$WORK/unpacked/LICENSE" "$WORK/unpacked/package.json" "$DEST.new/"
rm -rf "$DEST" && mv "$DEST.new" "$DEST"
echo "ReplayWeb.page $(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$DEST/package.json" | head -n1) installed in $DEST"
