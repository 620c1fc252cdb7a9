#!/usr/bin/env bash
# Parses every Mermaid diagram that `mralint diff --format markdown` writes for the
# before/after pairs in samples-diff/, and `mralint check --format markdown` for the MRA
# samples, with Mermaid's own parser, headless (jsdom stands
# in for the browser). The test suite runs a structural check of the same diagrams; this
# script is the proof that Mermaid itself accepts them. Needs node and npm; installs
# mermaid and jsdom once into a cache folder.
#
#   scripts/check-mermaid.sh            # every pair
#   scripts/check-mermaid.sh FILE.md    # the diagrams of any markdown file
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${MERMAID_CHECK_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mralint-mermaid-check}
mkdir -p "$cache"
if [ ! -d "$cache/node_modules/mermaid" ] || [ ! -d "$cache/node_modules/jsdom" ]; then
    (cd "$cache" && npm init -y >/dev/null && npm install --no-audit --no-fund mermaid@11 jsdom@24 >/dev/null)
fi
cat > "$cache/parse.mjs" <<'JS'
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });
let parsed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  const blocks = [...readFileSync(file, 'utf8').matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  for (const [i, block] of blocks.entries()) {
    try {
      const result = await mermaid.parse(block);
      if (result.diagramType !== 'flowchart-v2') throw new Error(`parsed as ${result.diagramType}`);
      parsed += 1;
    } catch (error) {
      failed += 1;
      console.error(`${file}: diagram ${i + 1}: ${error.message}\n${block}`);
    }
  }
}
console.log(`mermaid: ${parsed} passed, ${failed} failed`);
process.exit(failed === 0 && parsed > 0 ? 0 : 1);
JS

if [ $# -gt 0 ]; then
    files=("$@")
else
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    (cd "$root" && cargo build --quiet)
    files=()
    for pair in "$root"/samples-diff/*/; do
        name=$(basename "$pair")
        # Exit code 1 only says the change has new findings.
        (cd "$root" && target/debug/mralint diff --format markdown "samples-diff/$name/old" "samples-diff/$name/new" > "$out/$name.md") || [ $? -eq 1 ]
        files+=("$out/$name.md")
    done
    # `check --format markdown` draws the broken flows of each sample.
    for sample in "$root"/samples/mra-*/; do
        name=$(basename "$sample")
        (cd "$root" && target/debug/mralint check --format markdown "samples/$name" > "$out/check-$name.md") || [ $? -eq 1 ]
        files+=("$out/check-$name.md")
    done
fi
node "$cache/parse.mjs" "${files[@]}"
