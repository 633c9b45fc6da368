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
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
TARBALL="$(npm pack --silent "$PACKAGE@$VERSION" | tail -n 1)"
TARBALL_SHA256="$(sha256sum "$TARBALL" | cut -d' ' -f1)"
tar -xzf "$TARBALL"

rm -rf "$DEST"
mkdir -p "$DEST"
cp package/dist/jsQR.js "$DEST/jsQR.js"
cp package/LICENSE "$DEST/LICENSE"

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
    echo "## sha256 of every vendored file"
    echo
    echo '```'
    find . -type f ! -name VERSION.md | LC_ALL=C sort | sed 's|^\./||' | xargs sha256sum
    echo '```'
} > VERSION.md

echo "Vendored $PACKAGE $VERSION into $DEST"
