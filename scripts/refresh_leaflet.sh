#!/usr/bin/env bash
# Re-vendor Leaflet (the map under /points/ when an operator configures a tile
# provider) into static/vendor/leaflet/.
#
#   scripts/refresh_leaflet.sh [VERSION]     (default: 1.9.4)
#
# Downloads the package with the ordinary npm client (whatever registry npm is
# configured for), copies its browser build (dist/leaflet.js, dist/leaflet.css and
# the marker images) and its licence, and rewrites VERSION.md with the sha256 of
# every vendored file. Review the diff before committing.
set -euo pipefail

VERSION="${1:-1.9.4}"
PACKAGE="leaflet"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/static/vendor/leaflet"

TARBALL_SHA256="$(
    "$ROOT/scripts/vendor_npm_package.sh" "$PACKAGE" "$VERSION" "$DEST" \
        dist/leaflet.js dist/leaflet.js.map dist/leaflet.css dist/images LICENSE
)"

cd "$DEST"
{
    echo "# Leaflet $VERSION (vendored)"
    echo
    echo "- Package: \`$PACKAGE@$VERSION\` (npm package name; fetched with \`npm pack\`)"
    echo "- Source: https://github.com/Leaflet/Leaflet"
    echo "- Tarball sha256: \`$TARBALL_SHA256\`"
    echo "- Contents: the package's \`dist/leaflet.js\` (UMD bundle; defines"
    echo "  \`window.L\`) with its source map \`dist/leaflet.js.map\` (the bundle names it:"
    echo "  collectstatic's manifest storage refuses a missing one), \`dist/leaflet.css\`"
    echo "  and \`dist/images/\`, unmodified, plus its licence."
    echo "- Used by: \`static/js/points-map.js\`, only when \`POINTS_TILE_URL\` is set"
    echo "  (see docs/points.md); with no tile provider the page loads none of it."
    echo "- Refresh: \`scripts/refresh_leaflet.sh $VERSION\` (rewrites this file)."
    echo
    echo "## Licence"
    echo
    echo "- Leaflet: BSD-2-Clause (Volodymyr Agafonkin, CloudMade) — see \`LICENSE\`."
    echo
    "$ROOT/scripts/vendor_npm_package.sh" --hashes .
} > VERSION.md

echo "Vendored $PACKAGE $VERSION into $DEST"
