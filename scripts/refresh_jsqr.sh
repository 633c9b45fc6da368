#!/usr/bin/env bash
# Re-vendor jsQR (the QR decoder used by the drill scanner pages) into
# static/vendor/jsqr/.
#
#   scripts/refresh_jsqr.sh [VERSION]     (default: 1.4.0)
#
# Downloads the package with the ordinary npm client (whatever registry npm is
# configured for), copies its browser build (dist/jsQR.js, an ES5 UMD bundle that
# sets window.jsQR) and its licence, and rewrites VERSION.md with the sha256 of
# every vendored file. Review the diff before committing.
set -euo pipefail

VERSION="${1:-1.4.0}"
PACKAGE="jsqr"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/static/vendor/jsqr"

TARBALL_SHA256="$(
    "$ROOT/scripts/vendor_npm_package.sh" "$PACKAGE" "$VERSION" "$DEST" \
        dist/jsQR.js LICENSE
)"

cd "$DEST"
{
    echo "# jsQR $VERSION (vendored)"
    echo
    echo "- Package: \`$PACKAGE@$VERSION\` (npm package name; fetched with \`npm pack\`)"
    echo "- Source: https://github.com/cozmo/jsQR"
    echo "- Tarball sha256: \`$TARBALL_SHA256\`"
    echo "- Contents: the package's \`dist/jsQR.js\` (ES5 UMD bundle; defines"
    echo "  \`window.jsQR\`), unmodified, plus its licence."
    echo "- Used by: \`static/js/drill-scanner.js\` and"
    echo "  \`static/js/drill-instructor-scan.js\` (see docs/drills.md)."
    echo "- Refresh: \`scripts/refresh_jsqr.sh $VERSION\` (rewrites this file)."
    echo
    echo "## Licence"
    echo
    echo "- jsQR: Apache-2.0 (the jsQR authors; the package ships the licence text"
    echo "  without a copyright line) — see \`LICENSE\`."
    echo
    "$ROOT/scripts/vendor_npm_package.sh" --hashes .
} > VERSION.md

echo "Vendored $PACKAGE $VERSION into $DEST"
