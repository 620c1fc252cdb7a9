#!/usr/bin/env bash
# Proves that the hooks in .pre-commit-hooks.yaml work, the way a user would meet them:
# `pre-commit try-repo` against this repository, from a scratch git repository that holds
# a sample deployment.
#
#   - mra-single-nic-source-translated: the hook must FAIL (mralint exits 1, with findings);
#   - mra-dual-nic-ok:                  the hook must PASS.
#
# By default it runs the `mralint-system` hook with a release build of this working tree
# first on PATH. With MRALINT_TRY_RUST_HOOK=1 it also runs the `mralint` hook
# (language: rust), which makes pre-commit build the crate with `cargo install` in its own
# cache: slow, but it is what users of `- id: mralint` get.
#
# Needs python3 (with venv), git, cargo, and PyPI to install pre-commit into a throwaway
# virtualenv. Everything it makes lives in one temporary directory, removed on exit.
# Ends with `pre-commit hook: N passed, M failed`; exits 0 only when nothing failed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
hooks_file="$repo_root/.pre-commit-hooks.yaml"
[[ -f "$hooks_file" ]] || { echo "error: $hooks_file is missing" >&2; exit 1; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/mralint-pre-commit.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# Keep pre-commit's log and cache away from the user's own (try-repo itself builds its hook
# environments in a fresh temporary store on every call).
export PRE_COMMIT_HOME="$tmp/pre-commit-home"
export PRE_COMMIT_COLOR=never NO_COLOR=1
export GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

step() { printf '==> %s\n' "$*"; }

# --- pre-commit, in a throwaway virtualenv -------------------------------------------------
step "installing pre-commit into a virtualenv"
if ! python3 -m venv "$tmp/venv"; then
    echo "error: \`python3 -m venv\` failed (on Debian: apt-get install python3-venv)" >&2
    exit 1
fi
if ! "$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check pre-commit; then
    echo "error: could not install pre-commit from PyPI (is the package index reachable?)" >&2
    exit 1
fi
pre_commit="$tmp/venv/bin/pre-commit"
step "$("$pre_commit" --version)"

# --- mralint, built once -------------------------------------------------------------------
step "building mralint (cargo build --release)"
(cd "$repo_root" && cargo build --release --quiet)
release_dir="${CARGO_TARGET_DIR:-$repo_root/target}/release"
[[ "$release_dir" = /* ]] || release_dir="$repo_root/$release_dir"
export PATH="$release_dir:$PATH"
step "$(command -v mralint): $(mralint --version)"

# --- the repository that try-repo points at ------------------------------------------------
# try-repo on a local path uses the committed tree plus uncommitted changes to *tracked*
# files (and whatever is staged). An untracked .pre-commit-hooks.yaml is invisible to it
# ("InvalidManifestError: .../.pre-commit-hooks.yaml is not a file"), so until the file is
# tracked (committed, or at least `git add`ed) we point try-repo at a committed snapshot of
# the working tree instead (tracked and untracked files, less what .gitignore ignores).
hook_repo="$repo_root"
if ! git -C "$repo_root" ls-files --error-unmatch .pre-commit-hooks.yaml >/dev/null 2>&1; then
    step "note: .pre-commit-hooks.yaml is not tracked by git; trying a snapshot of the working tree"
    hook_repo="$tmp/hook-repo"
    mkdir -p "$hook_repo"
    git -C "$repo_root" ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do
            if [[ -e "$repo_root/$f" ]]; then printf '%s\0' "$f"; fi
        done |
        tar -C "$repo_root" --null -T - -cf - | tar -C "$hook_repo" -xf -
    git -C "$hook_repo" init --quiet
    git -C "$hook_repo" add --all
    git -C "$hook_repo" -c user.name=mralint -c user.email=mralint@example.invalid \
        -c commit.gpgsign=false commit --quiet --no-verify -m "working tree snapshot"
fi

# --- scratch repositories holding one sample each ------------------------------------------
# make_sample_repo SAMPLE -> prints the path of a new git repo with the sample's files
# (not expect.yaml) added to the index.
make_sample_repo() {
    local sample="$1" dir="$tmp/repo-$1" f
    mkdir -p "$dir"
    git -C "$dir" init --quiet
    git -C "$dir" config user.name "mralint pre-commit test"
    git -C "$dir" config user.email "mralint@example.invalid"
    git -C "$dir" config commit.gpgsign false
    for f in "$repo_root/samples/$sample"/*; do
        [[ "$(basename "$f")" == expect.yaml ]] && continue
        cp -R "$f" "$dir/"
    done
    git -C "$dir" add --all
    printf '%s\n' "$dir"
}

# Codes that a sample's expect.yaml says mralint reports.
expected_codes() {
    grep -E '^codes:' "$repo_root/samples/$1/expect.yaml" | grep -oE '[A-Z]+[0-9]+' || true
}

passed=0
failed=0
failures=()

# try_hook HOOK_ID SAMPLE pass|fail
try_hook() {
    local hook_id="$1" sample="$2" want="$3" dir out rc code problem=""
    dir="$(make_sample_repo "$sample")"
    step "pre-commit try-repo $hook_repo $hook_id --all-files   (in a repo with samples/$sample; want: $want)"
    rc=0
    out="$(cd "$dir" && "$pre_commit" try-repo "$hook_repo" "$hook_id" --all-files --verbose --color never 2>&1)" || rc=$?
    printf '%s\n' "$out" | sed 's/^/    | /'
    if ! grep -qE -- "^- hook id: $hook_id\$" <<<"$out"; then
        problem="the hook \`$hook_id\` did not run (exit code $rc)"
    elif [[ "$want" == pass ]]; then
        if [[ $rc -ne 0 ]]; then
            problem="try-repo exited $rc, expected 0"
        elif ! grep -qE '\.\.\.Passed$' <<<"$out"; then
            problem="the hook did not report Passed (were any files checked?)"
        fi
    else
        if [[ $rc -eq 0 ]]; then
            problem="try-repo exited 0, expected the hook to fail"
        elif ! grep -qE '^- exit code: 1$' <<<"$out"; then
            problem="the hook failed, but not with mralint's findings exit code 1"
        else
            for code in $(expected_codes "$sample"); do
                grep -q -- "$code" <<<"$out" || problem="${problem:+$problem; }finding $code not reported"
            done
        fi
    fi
    if [[ -z "$problem" ]]; then
        passed=$((passed + 1))
        if [[ "$want" == pass ]]; then step "ok: $hook_id passes on $sample"
        else step "ok: $hook_id fails on $sample, as it should"; fi
    else
        failed=$((failed + 1))
        failures+=("$hook_id on $sample: $problem")
        step "FAILED: $hook_id on $sample: $problem"
    fi
}

try_hook mralint-system mra-single-nic-source-translated fail
try_hook mralint-system mra-dual-nic-ok pass

if [[ "${MRALINT_TRY_RUST_HOOK:-}" == 1 ]]; then
    # try-repo installs the hook afresh on every call (`cargo install --path` of the crate,
    # a minute or more), so the rust hook runs once, on the sample that must fail: that
    # shows it built, ran mralint, and reported the findings.
    try_hook mralint mra-single-nic-source-translated fail
fi

for f in "${failures[@]+"${failures[@]}"}"; do
    echo "failed: $f"
done
echo "pre-commit hook: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
