# syntax=docker/dockerfile:1
# StreamLabel silo, CPU tier (students). Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile -t streamlabel/silo:TAG .
# The .NET 10 images are Ubuntu 24.04 (noble): its libstdc++ has GLIBCXX_3.4.32, so the TorchSharp Debian 12 fix
# (build/TorchSharpDebian12.targets) finds nothing to do here.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY . .
# The deploy tests (tests/StreamLabel.Deploy.Tests) run these two `dotnet` lines as written, with /app swapped for a
# temporary folder: keep each command on one line.
RUN --mount=type=cache,target=/root/.nuget/packages dotnet restore src/Silo/StreamLabel.Silo.csproj -r linux-x64
RUN --mount=type=cache,target=/root/.nuget/packages dotnet publish src/Silo/StreamLabel.Silo.csproj -c Release -r linux-x64 --self-contained false --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS final
WORKDIR /app
# Owned by root and not writable by the app user; the silo writes only to /tmp.
COPY --from=build /app .
# Health endpoint on all interfaces inside the container (the silo's default is loopback only). Two glibc malloc
# arenas: with glibc's default (8 per core) resident memory crept up 5-10 MiB/min under steady load while nothing in
# use grew (freed libtorch/librdkafka memory kept in per-thread arenas; see scripts/README.md, soak).
ENV Health__Urls=http://0.0.0.0:8080 \
    DOTNET_shutdownTimeoutSeconds=100 \
    MALLOC_ARENA_MAX=2
# The base image's non-root user (UID 1654, "app").
USER $APP_UID
EXPOSE 11111 30000 8080
# No curl in the runtime image: bash's /dev/tcp speaks just enough HTTP for a liveness check.
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "streamlabel-silo.dll"]
