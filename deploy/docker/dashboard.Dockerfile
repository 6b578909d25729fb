# syntax=docker/dockerfile:1
# StreamLabel operator client: the `streamlabel` command line, running `streamlabel dashboard` by default.
# Build from the repository root:
#   docker build -f deploy/docker/dashboard.Dockerfile -t streamlabel/dashboard:TAG .
# No TorchSharp in this image: the client references only the grain interfaces.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY . .
# Run as written by tests/StreamLabel.Deploy.Tests (with /app swapped for a temporary folder): one command per line.
RUN --mount=type=cache,target=/root/.nuget/packages dotnet restore src/Client/StreamLabel.Client.csproj -r linux-x64
RUN --mount=type=cache,target=/root/.nuget/packages dotnet publish src/Client/StreamLabel.Client.csproj -c Release -r linux-x64 --self-contained false --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS final
WORKDIR /app
COPY --from=build /app .
# Dashboard__Token comes from a Secret at run time (never baked in); the dashboard binds to all interfaces only when a
# token is set. Port 8080 is the base image's ASPNETCORE_HTTP_PORTS.
USER $APP_UID
EXPOSE 8080
# The dashboard answers on 8080 once it is connected to the cluster.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
ENTRYPOINT ["dotnet", "streamlabel.dll"]
CMD ["dashboard"]
