#!/usr/bin/env bash
# Runs the backfill benchmark by hand (not part of the test suites). Extra arguments pass through,
# e.g. bench/run.sh --rows 1M --checkpoint-size 65536,262144 --warm --profile
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then
  set -- --rows 1000000 --rows 10000000
fi
dotnet run -c Release --project bench/Geneva.Bench -- "$@"
