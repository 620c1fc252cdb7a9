#!/bin/sh
# Seeds the fuzz corpora and dictionaries from the project's own inputs; safe to re-run
# (seeds are named by their source, so re-running overwrites, never duplicates).
#
#   corpus/asa_parser         every config in samples/, samples-diff/ and ../shared/corpus/
#   corpus/deployment_loader  every YAML file in samples/ and samples-diff/
#   corpus/check              every deployment with its configs (NUL-separated, in the
#                             order the deployment names them), and every config alone
#   dict/asa.dict             the ASA grammar's keywords and the rule codes
#   dict/deployment.dict      the deployment schema's keys and values
#
# The shared corpus is found at ../shared/corpus from the repository root, or at
# $MRALINT_CORPUS.
set -eu

fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")
shared=${MRALINT_CORPUS:-$root/../shared/corpus}

mkdir -p "$fuzz/corpus/asa_parser" "$fuzz/corpus/deployment_loader" \
    "$fuzz/corpus/check" "$fuzz/dict"

# A seed's name: its path below the root, slashes made dashes.
name() {
    echo "$1" | sed "s|^$2/||; s|/|-|g"
}

for dir in "$root/samples" "$root/samples-diff"; do
    find "$dir" -type f -name '*.cfg' | sort | while read -r f; do
        cp "$f" "$fuzz/corpus/asa_parser/$(name "$f" "$root")"
        cp "$f" "$fuzz/corpus/check/$(name "$f" "$root")"
    done
    find "$dir" -type f -name '*.yaml' | sort | while read -r f; do
        cp "$f" "$fuzz/corpus/deployment_loader/$(name "$f" "$root")"
    done
    find "$dir" -type f -name 'deployment.yaml' | sort | while read -r d; do
        folder=$(dirname "$d")
        out="$fuzz/corpus/check/$(name "$folder" "$root")-pair"
        cp "$d" "$out"
        # The configs in the order the deployment names them: `config: <file>` lines.
        sed -n 's/^[[:space:]]*config:[[:space:]]*\([^[:space:]#]*\).*/\1/p' "$d" |
            while read -r config; do
                printf '\000' >>"$out"
                cat "$folder/$config" >>"$out"
            done
    done
done

if [ -d "$shared" ]; then
    find "$shared" -type f -name '*.cfg' | sort | while read -r f; do
        cp "$f" "$fuzz/corpus/asa_parser/shared-$(name "$f" "$shared")"
    done
else
    echo "seed.sh: no shared corpus at $shared (set MRALINT_CORPUS); seeding from samples only" >&2
fi

# Dictionaries: libFuzzer splices these tokens into inputs.
{
    grep -o '"[^"]*"' "$root/grammars/asa.ebnf" | sort -u
    grep -rhoE '"[A-Z]{3}[0-9]{3}"' "$root/src" | sort -u
    printf '%s\n' '"mralint:"' '"ignore"' '"! mralint: ignore "' '"255.255.255.0"' \
        '"0.0.0.0"' '"10.0.0.1"' '"\x0a"' '"\x0d\x0a"' '"\x09"'
} >"$fuzz/dict/asa.dict"
{
    grep -o '"[a-z_0-9]*"' "$root/grammars/deployment.schema.json" | sort -u
    printf '%s\n' '": "' '"- "' '"  "' '"&a "' '"*a"' '"<<: "' '"{ "' '"}"' '"["' '"]"' \
        '"10.0.0.1/24"' '"10.0.0.1"' '"!!str "' '"---"' '"\x0a"' '"\x09"'
} >"$fuzz/dict/deployment.dict"
cat "$fuzz/dict/asa.dict" "$fuzz/dict/deployment.dict" | sort -u >"$fuzz/dict/check.dict"

for target in asa_parser deployment_loader check; do
    echo "corpus/$target: $(find "$fuzz/corpus/$target" -type f | wc -l) files"
done
