#!/usr/bin/env bash
# Renders every Mermaid diagram of mralint's review comments with Mermaid's own renderer in
# headless Chromium (mermaid-cli, which drives puppeteer), writes a PNG of each, and fails
# when one is wider than GitHub's comment column (850 px): wider diagrams are shrunk to
# fit, and their text with them. The test suite runs an estimate of the same width on
# every diagram (tests/diff.rs, `assert_legible`); this script is the rendered proof.
# Needs node and npm (installs @mermaid-js/mermaid-cli once into a cache folder) and the
# Chromium puppeteer downloads. Screenshots land in $OUT (default target/mermaid-png).
#
#   scripts/render-mermaid-width.sh            # the sample pairs and the MRA samples
#   scripts/render-mermaid-width.sh FILE.md    # the diagrams of any markdown file
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${MERMAID_RENDER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mralint-mermaid-render}
out=${OUT:-$root/target/mermaid-png}
max_width=${MAX_WIDTH:-850}
mkdir -p "$cache" "$out"
if [ ! -x "$cache/node_modules/.bin/mmdc" ]; then
    (cd "$cache" && npm init -y >/dev/null && npm install --no-audit --no-fund @mermaid-js/mermaid-cli@11 >/dev/null)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    (cd "$root" && cargo build --quiet --release)
    bin="$root/target/release/mralint"
    for pair in "$root"/samples-diff/*/; do
        name=$(basename "$pair")
        (cd "$root" && "$bin" diff --format markdown "samples-diff/$name/old" "samples-diff/$name/new" > "$work/diff-$name.md" || true)
        files+=("$work/diff-$name.md")
    done
    for sample in "$root"/samples/mra-*/ "$root"/samples/xconfig-*/; do
        name=$(basename "$sample")
        (cd "$root" && "$bin" check --format markdown "samples/$name" > "$work/check-$name.md" || true)
        files+=("$work/check-$name.md")
    done
fi

# GitHub renders at 14 px with its default theme; a 1x device scale gives CSS pixels.
echo '{"theme":"default","flowchart":{"htmlLabels":true}}' > "$work/config.json"
rendered=0
too_wide=0
for file in "${files[@]}"; do
    base=$(basename "$file" .md)
    "$cache/node_modules/.bin/mmdc" --quiet -c "$work/config.json" -s 1 -b white -e png \
        -i "$file" -o "$out/$base.md" >/dev/null
    for png in "$out/$base"-*.png; do
        [ -e "$png" ] || continue
        width=$(node -e 'const b=require("fs").readFileSync(process.argv[1]);console.log(b.readUInt32BE(16))' "$png")
        rendered=$((rendered + 1))
        if [ "$width" -gt "$max_width" ]; then
            too_wide=$((too_wide + 1))
            echo "$png: $width px wide (over $max_width)" >&2
        fi
    done
done
echo "mermaid render: $rendered diagrams, $too_wide wider than $max_width px; screenshots in $out"
[ "$too_wide" -eq 0 ]
