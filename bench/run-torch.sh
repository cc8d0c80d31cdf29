#!/usr/bin/env bash
# Model-UDF benchmark (by hand): bench/run-torch.sh [ROWS] [REPEATS]. Needs ./build.ps1 -Task TorchRuntime first
# (module/bin/torch and, on older systems, its private runtime). Runs on that runtime when the
# system libstdc++ lacks GLIBCXX_3.4.32, as the model workers do.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/Geneva.Torch.Bench -v quiet --nologo >/dev/null
runtime=module/bin/torch/torch-runtime
if [ -f "$runtime/ready" ]; then
  LD_LIBRARY_PATH="$PWD/$runtime/root/usr/lib/x86_64-linux-gnu" "$runtime/host/dotnet" bench/Geneva.Torch.Bench/bin/Release/net10.0/Geneva.Torch.Bench.dll "$@"
else
  dotnet bench/Geneva.Torch.Bench/bin/Release/net10.0/Geneva.Torch.Bench.dll "$@"
fi
