#!/usr/bin/env bash
# Re-vendor the h5p-standalone player into static/vendor/h5p-standalone/.
#
#   scripts/refresh_h5p_standalone.sh [VERSION]     (default: 3.8.2)
#
# Downloads the package with the ordinary npm client (whatever registry npm is
# configured for), copies its dist/ folder and licence files, and rewrites
# VERSION.md with the sha256 of every vendored file. Review the diff before
# committing: the player runs H5P content, so a new version deserves a look.
set -euo pipefail

VERSION="${1:-3.8.2}"
PACKAGE="h5p-standalone"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/static/vendor/h5p-standalone"

TARBALL_SHA256="$(
    "$ROOT/scripts/vendor_npm_package.sh" "$PACKAGE" "$VERSION" "$DEST" dist/. LICENSE
)"
# H5P core (bundled into frame.bundle.js and styles/h5p.css) is GPL-3.0; the npm
# package does not ship the licence text, so we add the system's copy when present.
if [ -f /usr/share/common-licenses/GPL-3 ]; then
    cp /usr/share/common-licenses/GPL-3 "$DEST/LICENSE-GPL-3.0.txt"
fi

cd "$DEST"
{
    echo "# h5p-standalone $VERSION (vendored)"
    echo
    echo "- Package: \`$PACKAGE@$VERSION\` (npm package name; fetched with \`npm pack\`)"
    echo "- Tarball sha256: \`$TARBALL_SHA256\`"
    echo "- Contents: the package's \`dist/\` folder, unmodified, plus its licence files."
    echo "- Refresh: \`scripts/refresh_h5p_standalone.sh $VERSION\` (rewrites this file)."
    echo
    echo "## Licences"
    echo
    echo "- h5p-standalone itself: MIT, Copyright (c) 2015 Tunapanda — see \`LICENSE\`."
    echo "- The H5P core JavaScript and CSS bundled into \`frame.bundle.js\` and"
    echo "  \`styles/h5p.css\` (h5p-php-library, Joubel): GPL-3.0 — see"
    echo "  \`LICENSE-GPL-3.0.txt\`. The sources are public in the h5p-php-library"
    echo "  and h5p-standalone repositories."
    echo "- \`main.bundle.js\` includes regenerator-runtime (MIT) — see"
    echo "  \`main.bundle.js.LICENSE.txt\`."
    echo "- Fonts: Inter (SIL OFL 1.1, \`fonts/inter/LICENSE.txt\`), Open Sans"
    echo "  (SIL OFL 1.1, \`fonts/open-sans/OFL.txt\`)."
    echo
    "$ROOT/scripts/vendor_npm_package.sh" --hashes .
} > VERSION.md

echo "Vendored $PACKAGE $VERSION into $DEST"
