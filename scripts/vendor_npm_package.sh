#!/usr/bin/env bash
# Vendor files from an npm package; used by the scripts/refresh_*.sh scripts.
#
#   scripts/vendor_npm_package.sh PACKAGE VERSION DEST PATH...
#       Downloads PACKAGE@VERSION with the ordinary npm client (whatever registry
#       npm is configured for), empties DEST and copies each PATH (relative to the
#       package's root) into it with `cp -R`: `dist/x.js` becomes DEST/x.js and
#       `dist/.` puts the contents of dist/ in DEST. Prints the tarball's sha256
#       (its only output on stdout).
#
#   scripts/vendor_npm_package.sh --hashes DEST
#       Prints the "sha256 of every vendored file" section of VERSION.md: every
#       file under DEST except VERSION.md, sorted.
set -euo pipefail

if [ "${1:-}" = "--hashes" ]; then
    [ $# -eq 2 ] || { echo "usage: $0 --hashes DEST" >&2; exit 2; }
    cd "$2"
    echo "## sha256 of every vendored file"
    echo
    echo '```'
    find . -type f ! -name VERSION.md | LC_ALL=C sort | sed 's|^\./||' | xargs sha256sum
    echo '```'
    exit 0
fi

if [ $# -lt 4 ]; then
    echo "usage: $0 PACKAGE VERSION DEST PATH... | $0 --hashes DEST" >&2
    exit 2
fi
PACKAGE="$1"
VERSION="$2"
DEST="$(mkdir -p "$3" && cd "$3" && pwd)"
shift 3

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
TARBALL="$(npm pack --silent "$PACKAGE@$VERSION" | tail -n 1)"
TARBALL_SHA256="$(sha256sum "$TARBALL" | cut -d' ' -f1)"
tar -xzf "$TARBALL"

rm -rf "$DEST"
mkdir -p "$DEST"
for path in "$@"; do
    cp -R "package/$path" "$DEST/"
done

echo "$TARBALL_SHA256"
