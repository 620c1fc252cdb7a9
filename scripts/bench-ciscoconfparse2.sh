#!/usr/bin/env bash
# Times ciscoconfparse2 (from PyPI, in a throwaway virtualenv) parsing the benchmark's
# generated configs with its ASA syntax, next to mralint parsing the same files, and
# prints the ratio, for the benchmark's shapes a (spread), b (one /16) and c (enterprise).
# Usage: bash scripts/bench-ciscoconfparse2.sh [SIZES]   (default 10000,100000)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sizes="${1:-10000,100000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet ciscoconfparse2
echo "ciscoconfparse2 $("$work/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("ciscoconfparse2"))')"

cd "$root"
cargo bench --quiet --bench throughput -- --sizes "$sizes" --shapes a,b,c --write "$work/configs" >/dev/null

cat > "$work/parse.py" <<'PY'
import sys, time
from ciscoconfparse2 import CiscoConfParse
path = sys.argv[1]
start = time.perf_counter()
parse = CiscoConfParse(path, syntax="asa")
elapsed = time.perf_counter() - start
print(f"{elapsed:.4f} {len(parse.objs)}")
PY

echo "| shape | ACEs | file MB | ciscoconfparse2 s | mralint parse s | ratio |"
echo "|---|---:|---:|---:|---:|---:|"
IFS=',' read -ra list <<< "$sizes"
for shape in a-spread b-one-16 c-enterprise; do
  for aces in "${list[@]}"; do
    config="$work/configs/$shape-$aces/asa.cfg"
    mb=$(python3 -c "import os; print(f'{os.path.getsize(\"$config\")/1e6:.2f}')")
    read -r ccp _ < <("$work/venv/bin/python" "$work/parse.py" "$config")
    # mralint's parse of the same file (median of three, in process, one thread).
    ours=$(cargo bench --quiet --bench throughput -- --parse "$config")
    ratio=$(python3 -c "print(f'{float($ccp)/max(float($ours),0.001):.0f}×')")
    echo "| $shape | $aces | $mb | $ccp | $ours | $ratio |"
  done
done
