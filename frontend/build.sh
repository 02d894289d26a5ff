#!/bin/sh
# Compile GOV.UK Frontend (Arial, no GOV.UK branding) for goldthread and copy
# the runtime files into the Django static folder. Run via `npm run build`
# after `npm ci`. The output is committed; nothing needs Node at run time.
set -eu

cd "$(dirname "$0")"
OUT=../src/goldthread/static/govuk
GOVUK=node_modules/govuk-frontend/dist/govuk

if [ ! -d "$GOVUK" ]; then
  echo "build.sh: $GOVUK missing; run 'npm ci' first" >&2
  exit 1
fi

# Start from an empty folder so files dropped upstream do not linger.
rm -rf "$OUT"
mkdir -p "$OUT"

# CSS: compressed, no source map. --load-path=. lets goldthread.scss use the
# documented `@import "node_modules/govuk-frontend/dist/govuk/index"`.
# --quiet-deps hides GOV.UK Frontend 5's own Sass deprecation warnings;
# `import` is silenced because @import is the route govuk-frontend 5 documents.
npx --no-install sass \
  --no-source-map \
  --style=compressed \
  --load-path=. \
  --quiet-deps \
  --silence-deprecation=import \
  src/goldthread.scss "$OUT/goldthread.css"

# JS: the ES module bundle (and its source map, which the bundle's trailing
# sourceMappingURL comment points at).
cp "$GOVUK/govuk-frontend.min.js" "$GOVUK/govuk-frontend.min.js.map" "$OUT/"
# External initialiser, so templates need no inline <script type="module">.
cp src/goldthread-init.js "$OUT/"

# Images: deliberately none. Every file in $GOVUK/assets/images (favicons,
# touch icons, mask icon, Open Graph image) is the GOV.UK crown, and
# govuk-crest.svg is the Royal Arms; assets/fonts is GDS Transport. None of
# them may be used off gov.uk. goldthread supplies its own favicon.

# Guard rails: fail the build if branding slipped into the output.
if grep -qi 'GDS Transport\|@font-face\|govuk-crest\|/fonts/' "$OUT/goldthread.css"; then
  echo "build.sh: GOV.UK font or crest referenced in goldthread.css" >&2
  exit 1
fi
if ! grep -q 'font-family:arial,sans-serif' "$OUT/goldthread.css"; then
  echo "build.sh: Arial font stack not found in goldthread.css" >&2
  exit 1
fi

version=$(node -p "require('govuk-frontend/package.json').version")
echo "Built govuk-frontend $version into $OUT:"
ls -l "$OUT"
