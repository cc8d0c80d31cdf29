#!/usr/bin/env bash
# Runs the backfill benchmark by hand (not part of the test suites). Extra arguments pass through,
# e.g. bench/run.sh --rows 10M --repeat 5 --profile (LanceDB comparison: cd tests/interop && npm ci first)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then
  set -- --rows 1M,10M
fi
dotnet run -c Release --project bench/Geneva.Bench -- "$@"
