#!/usr/bin/env bash
# The GPU tier's check, run on a lent GPU machine (PyTorch, no .NET) from the repository root with the bundle from
# make-bundle.sh carried in .device/: does TorchSharp 0.107 (built for libtorch 2.10) run on that machine's libtorch
# with CUDA, does the teacher learn the same on CUDA as on the CPU, how fast, and does the silo's main job place the
# teacher on the GPU silo and run it on CUDA. Results go to $OUT (or ./gpu-out).
set -u
out=${OUT:-$PWD/gpu-out}; mkdir -p "$out"
w=/tmp/streamlabel-gpu; rm -rf "$w"; mkdir -p "$w"
tar -C "$w" -xJf .device/gpu-bundle.tar.xz || exit 1
export DOTNET_ROOT=$w/dotnet PATH=$w/dotnet:$PATH DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
torchlib=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
site=$(dirname "$(dirname "$torchlib")")
# libtorch_cuda finds its CUDA libraries through its RUNPATH inside the wheel; the nvidia/*/lib folders are a fallback
export LD_LIBRARY_PATH=$torchlib:$(find "$site/nvidia" -maxdepth 3 -type d -name lib 2>/dev/null | paste -sd:)
python3 -c 'import torch; print("pytorch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))'
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
python3 bench/gpu/missing_symbols.py "$w/torch-undefined.txt" > "$out/missing-symbols.txt" 2>&1; head -1 "$out/missing-symbols.txt"
cd "$w/app"
run() { local name=$1; shift; echo "== $name"; timeout 240 "$@" > "$out/$name.log" 2>&1; local rc=$?; tail -n 12 "$out/$name.log"; echo "== $name rc=$rc"; }
# Issue 16's target: the default (ensemble) teacher on CUDA against one CPU core (taskset + one torch thread).
run teacher-device taskset -c 0 dotnet streamlabel-bench.dll teacher-device --torch-threads 1 --require-cuda --json "$out/teacher-device.json"
run teacher-device-allcores dotnet streamlabel-bench.dll teacher-device --json "$out/teacher-device-allcores.json"
run teacher-device-large dotnet streamlabel-bench.dll teacher-device --teacher replay --hidden 1024,1024 --batch 256 --events 20000 --json "$out/teacher-device-large.json"
export Orleans__Metadata__accelerator=gpu
run main-job-cuda dotnet streamlabel-silo.dll
grep -h -E "runs on|fail" "$out/main-job-cuda.log" | head -5
run main-job-cpu env Teacher__Device=cpu dotnet streamlabel-silo.dll
grep -h -E "runs on|fail" "$out/main-job-cpu.log" | head -5
