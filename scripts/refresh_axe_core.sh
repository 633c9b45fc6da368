#!/usr/bin/env bash
# Re-vendor axe-core (the accessibility checker the browser tests run on every
# trainee page) into tests/e2e/vendor/axe-core/.
#
#   scripts/refresh_axe_core.sh [VERSION]     (default: 4.14.1)
#
# Downloads the package with the ordinary npm client (whatever registry npm is
# configured for), copies its minified browser build and licences, checks the
# build against the Subresource Integrity hash Deque publishes in the package's
# sri-history.json, and rewrites VERSION.md with the sha256 of every vendored file.
# Only the tests use it: it lives under tests/, so it is never collected as a
# static file or served to anyone. Review the diff before committing.
set -euo pipefail

VERSION="${1:-4.14.1}"
PACKAGE="axe-core"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/tests/e2e/vendor/axe-core"

TARBALL_SHA256="$(
    "$ROOT/scripts/vendor_npm_package.sh" "$PACKAGE" "$VERSION" "$DEST" \
        axe.min.js LICENSE LICENSE-3RD-PARTY.txt sri-history.json
)"

cd "$DEST"
EXPECTED_SRI="$(python3 -c 'import json, sys
print(json.load(open("sri-history.json"))[sys.argv[1]]["axe.min.js"])' "$VERSION")"
rm sri-history.json
ACTUAL_SRI="sha256-$(openssl dgst -sha256 -binary axe.min.js | base64)"
if [ "$EXPECTED_SRI" != "$ACTUAL_SRI" ]; then
    echo "axe.min.js does not match the published SRI hash $EXPECTED_SRI" >&2
    exit 1
fi

{
    echo "# axe-core $VERSION (vendored, for the browser tests only)"
    echo
    echo "- Package: \`$PACKAGE@$VERSION\` (npm package name; fetched with \`npm pack\`)"
    echo "- Source: https://github.com/dequelabs/axe-core"
    echo "- Tarball sha256: \`$TARBALL_SHA256\`"
    echo "- \`axe.min.js\` Subresource Integrity: \`$ACTUAL_SRI\` (the value the"
    echo "  package's \`sri-history.json\` publishes for $VERSION; checked on refresh)."
    echo "- Contents: the package's \`axe.min.js\` (defines \`window.axe\`),"
    echo "  unmodified, plus its licences."
    echo "- Used by: \`tests/e2e/axe.py\` (injected into each page and frame by"
    echo "  Playwright; never served by the site)."
    echo "- Refresh: \`scripts/refresh_axe_core.sh $VERSION\` (rewrites this file)."
    echo
    echo "## Licence"
    echo
    echo "- axe-core: MPL-2.0, Copyright (c) Deque Systems, Inc. — see \`LICENSE\`;"
    echo "  the libraries bundled into it — see \`LICENSE-3RD-PARTY.txt\`."
    echo
    "$ROOT/scripts/vendor_npm_package.sh" --hashes .
} > VERSION.md

echo "Vendored $PACKAGE $VERSION into $DEST"
