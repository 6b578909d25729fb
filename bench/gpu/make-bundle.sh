#!/usr/bin/env bash
# Packs what the CUDA teacher check needs on a GPU machine that has PyTorch but no .NET: the .NET runtime, the bench and
# the silo (framework-dependent, linux-x64) WITHOUT libtorch's CPU natives (the GPU machine's PyTorch supplies libtorch
# and its CUDA libraries), and the list of libtorch symbols libLibTorchSharp.so needs. Output: .device/gpu-bundle.tar.xz
# (git-ignored through .git/info/exclude; carry it with the device call).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
for project in bench/StreamLabel.Bench src/Silo; do
  dotnet publish "$root/$project" -c Release -r linux-x64 --self-contained false -o "$work/app" -nologo -v q
done
natives=$(ls -d ~/.nuget/packages/libtorch-cpu-linux-x64/*/runtimes/linux-x64/native | tail -1)
for f in "$natives"/*; do rm -f "$work/app/$(basename "$f")"; done
# the generic librdkafka.so needs libsasl2.so.3; the centos8 build loads without it (see MockClusterNative)
rm -f "$work"/app/alpine-librdkafka.so
find "$work/app" -mindepth 1 -maxdepth 1 -type d ! -name data ! -name wwwroot -exec rm -rf {} +
find "$work/app/data" -type f ! -name 'elec2*' -delete
nm -D --undefined-only "$work/app/libLibTorchSharp.so" | awk '$1 == "U" {print $2}' | grep -v '@' > "$work/torch-undefined.txt"
mkdir -p "$work/dotnet/shared"
cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$work/dotnet/"
cp -a "$dotnet_root"/shared/Microsoft.NETCore.App "$dotnet_root"/shared/Microsoft.AspNetCore.App "$work/dotnet/shared/"
# debugger and tracing support only: not needed to run, and they would not fit the device's 64 MiB transfer
rm -f "$work"/dotnet/shared/Microsoft.NETCore.App/*/{libmscordaccore.so,libmscordbi.so,createdump,libcoreclrtraceptprovider.so}
mkdir -p "$root/.device"
tar -C "$work" -cf - dotnet app torch-undefined.txt | xz -9 -T2 > "$root/.device/gpu-bundle.tar.xz"
ls -la "$root/.device/gpu-bundle.tar.xz"
