#!/usr/bin/env bash
# Issue 20's core-scaling checks, for a lent machine with many cores (the GPU machines have 16): the same binaries,
# in one run, pinned to 2 cores and on all cores. Run from the repository root with the bundle from make-bundle.sh in
# .device/ (PyTorch's libtorch stands in for TorchSharp's CPU natives; its CPU ops are the same), or set
# STREAMLABEL_APP to a folder with streamlabel-bench.dll to run it here. Results (logs, JSON) go to $OUT (or ./scale-out).
# About 6-8 minutes on 16 cores.
set -u
out=${OUT:-$PWD/scale-out}; mkdir -p "$out"
if [ -z "${STREAMLABEL_APP:-}" ]; then
  w=/tmp/streamlabel-scale; rm -rf "$w"; mkdir -p "$w"
  tar -C "$w" -xJf .device/gpu-bundle.tar.xz || exit 1
  export DOTNET_ROOT=$w/dotnet PATH=$w/dotnet:$PATH
  torchlib=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
  site=$(dirname "$(dirname "$torchlib")")
  export LD_LIBRARY_PATH=$torchlib:$(find "$site/nvidia" -maxdepth 3 -type d -name lib 2>/dev/null | paste -sd:)
  app=$w/app
else
  app=$STREAMLABEL_APP
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cores=$(nproc); last=$((cores - 1))
echo "cores $cores; $(uname -m); load $(cut -d' ' -f1-3 /proc/loadavg)"
lscpu | grep -E 'Model name|^CPU\(s\)|Thread\(s\) per core' | sed 's/^/  /'
cd "$app" || exit 1
run() { local name=$1; shift; echo "== $name ($(date -u +%T), load $(cut -d' ' -f1 /proc/loadavg))"; timeout 300 "$@" > "$out/$name.log" 2>&1; local rc=$?; grep -E '^\| |end to end|students per bank step|ratio' "$out/$name.log" | tail -n 14; echo "== $name rc=$rc"; }

# 1. The bank alone (learning-bound): one bank on one thread, and through a scheduler set of W workers; few keys (small
#    bank steps, where a step's fixed cost dominates) and many keys (large steps).
run bank-16keys taskset -c 0-"$last" dotnet streamlabel-bench.dll bank --bank-only --workers 1,2,4,8 --keys 16 --events 256000 --rounds 3 --json "$out/bank-16keys.json"
run bank-256keys taskset -c 0-"$last" dotnet streamlabel-bench.dll bank --bank-only --workers 1,2,4,8 --keys 256 --events 1024000 --rounds 3 --json "$out/bank-256keys.json"
run bank-1core taskset -c 1 dotnet streamlabel-bench.dll bank --bank-only --keys 16 --events 256000 --rounds 3 --json "$out/bank-1core.json"

# 2. End to end, the same binary pinned to 2 cores and on all cores, alternating (silo defaults: Student:BankWorkers is
#    one per four cores). 64 keys over 32 partitions keep every partition under the embedded broker's ~25k events.
e2e="throughput --no-pytorch --e2e-only --keys 64 --partitions 32 --events 600000"
for pass in 1 2; do
  run "e2e-2cores-$pass" taskset -c 0,1 dotnet streamlabel-bench.dll $e2e
  run "e2e-allcores-$pass" taskset -c 0-"$last" dotnet streamlabel-bench.dll $e2e
done
echo "== end to end events/s (2 cores vs all cores):"
grep -H '^  end to end ' "$out"/e2e-*.log | sed 's/^/  /'
