# syntax=docker/dockerfile:1
# StreamLabel silo, GPU tier (teachers). Build from the repository root, on a machine that reaches a NuGet feed serving
# TorchSharp-cuda-linux 0.107.0 (and its libtorch-cuda-12.8-linux-x64 2.10.0 natives):
#   docker build -f deploy/docker/silo-gpu.Dockerfile -t streamlabel/silo-gpu:TAG .
# libtorch 2.10 (cu128) was built against CUDA 12.8: the runtime base carries the CUDA 12.8 runtime and cuDNN 9, and the
# node needs an NVIDIA driver new enough for CUDA 12.8 (>= 570) plus the NVIDIA container toolkit / device plugin.

ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY . .
# -p:StreamLabelGpu=true swaps TorchSharp-cpu for TorchSharp-cuda-linux (see src/Learning/StreamLabel.Learning.csproj).
RUN --mount=type=cache,target=/root/.nuget/packages dotnet restore src/Silo/StreamLabel.Silo.csproj -r linux-x64 -p:StreamLabelGpu=true
RUN --mount=type=cache,target=/root/.nuget/packages dotnet publish src/Silo/StreamLabel.Silo.csproj -c Release -r linux-x64 --self-contained false --no-restore -p:StreamLabelGpu=true -o /app

# The ASP.NET Core runtime, taken from Microsoft's image of the same Ubuntu release as the CUDA base.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS dotnet

FROM ${CUDA_IMAGE} AS final
# What the .NET runtime needs on Ubuntu 24.04 (globalization is invariant, so no ICU).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3t64 tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1654 app && useradd --uid 1654 --gid 1654 --no-create-home --shell /usr/sbin/nologin app
COPY --from=dotnet /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
WORKDIR /app
COPY --from=build /app .
# MALLOC_ARENA_MAX=2: see silo.Dockerfile.
ENV DOTNET_RUNNING_IN_CONTAINER=true \
    Health__Urls=http://0.0.0.0:8080 \
    DOTNET_shutdownTimeoutSeconds=100 \
    MALLOC_ARENA_MAX=2 \
    Orleans__Metadata__accelerator=gpu \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
USER 1654
EXPOSE 11111 30000 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=180s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "streamlabel-silo.dll"]
