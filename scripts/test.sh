#!/usr/bin/env bash
# test.sh - what `npm test` runs: every check and every test, stopping at the first failing step.
#
#   system deps (pgbouncer, PostgreSQL) -> build -> type check -> eslint -> prettier -> layers -> tests
#
# Tests: Node's test runner over test/{unit,cli,lsp,oracle}/*.test.ts (via tsx), two files at a time.
# TEST_FILTER narrows the run:
#   TEST_FILTER='client_idle_timeout' npm test             -> --test-name-pattern=client_idle_timeout
#   TEST_FILTER='--test-name-pattern=oracle --test-only' npm test   (starts with "-": passed as arguments,
#                                                                    split on whitespace)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step 'system dependencies'
bash scripts/ensure-system-deps.sh
bash scripts/install-e2e-deps.sh # code-server, chromium, neovim, unzip: packaging, end-to-end and Neovim tests

step 'build'
npm run build

step 'type check: tsc --noEmit -p .'
npx tsc --noEmit -p .

step 'lint: eslint .'
npx eslint .

step 'format: prettier --check .'
npx prettier --check .

step 'layers: npm run depcheck (dependency-cruiser, .dependency-cruiser.cjs)'
npm run --silent depcheck

shopt -s nullglob
files=(test/unit/*.test.ts test/deployment/*.test.ts test/monitoring/*.test.ts test/cli/*.test.ts test/lsp/*.test.ts test/oracle/*.test.ts test/pools/*.test.ts test/robustness/*.test.ts test/package/*.test.ts test/e2e/*.test.ts test/neovim/*.test.ts)
shopt -u nullglob
if [ "${#files[@]}" -eq 0 ]; then
    echo 'no test files found under test/{unit,cli,lsp,oracle}/*.test.ts' >&2
    exit 1
fi

extra=()
if [ -n "${TEST_FILTER:-}" ]; then
    if [[ "$TEST_FILTER" == -* ]]; then
        read -r -a extra <<<"$TEST_FILTER"
    else
        extra=("--test-name-pattern=$TEST_FILTER")
    fi
fi

step "tests: ${#files[@]} files${extra[*]:+ (${extra[*]})}"
# The spec reporter ends with a list of the failing tests and their errors, so the tail of a CI log says
# what failed (TAP leaves them wherever they happened, often thousands of lines up).
node --import tsx --test --test-concurrency=2 --test-reporter=spec "${extra[@]}" "${files[@]}"
