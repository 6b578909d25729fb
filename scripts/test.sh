#!/usr/bin/env bash
# The test command: installs what the tests need on a fresh Debian 12 machine, then runs every test.
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Learning]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# System packages the tests drive for real (services, browser, kubectl). Installed only when missing.
# kubectl (deploy tests: `kubectl kustomize`, kustomize v4+ = kubectl 1.21+) is not in Debian 12's own archive: the
# project machines carry it from the Kubernetes/Google Cloud apt repositories. Debian's kubernetes-client (kubectl 1.20,
# kustomize v2.0.3) is too old to render the overlays, so it is no substitute.
# postgresql: tests/StreamLabel.Postgres.Tests start their own server (initdb + postgres from /usr/lib/postgresql/N/bin).
# chromium: the client's dashboard tests drive Debian's /usr/bin/chromium headless (Microsoft.Playwright, no browser download).
# prometheus: the Silo tests start a real Prometheus server that scrapes a silo's /metrics and answer a PromQL query.
apt_packages=(redis-server postgresql curl kcat kubectl chromium prometheus)
source scripts/lib/packages.sh
packages_self_check
ensure_packages "${apt_packages[@]}"

echo "== restore"
dotnet restore StreamLabel.sln
echo "== build"
dotnet build StreamLabel.sln --no-restore -c Release -nologo -clp:ErrorsOnly

echo "== test"
log=$(mktemp)
set +e
# --blame-hang-timeout: a test (or a fixture's teardown) that hangs is ended after 10 minutes and named as the
# cause, so a hang fails the run with a reason instead of using up CI's time. The slowest test takes about a minute.
dotnet test StreamLabel.sln --no-build -c Release -nologo --logger "console;verbosity=normal" \
  --blame-hang-timeout 10m --blame-hang-dump-type none \
  --results-directory "$root/artifacts/test-results" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain closing line over all test assemblies.
awk '/^ +Passed: +[0-9]+$/ { p += $2 } /^ +Failed: +[0-9]+$/ { f += $2 } /^ +Skipped: +[0-9]+$/ { s += $2 }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
