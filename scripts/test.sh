#!/usr/bin/env bash
# The test command: installs what the tests need on a fresh Debian 12 machine, then runs every test.
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Learning]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# System packages the tests drive for real (services, browser, kubectl). Installed only when missing.
apt_packages=(redis-server kcat chromium)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "== restore"
dotnet restore StreamLabel.sln
echo "== build"
dotnet build StreamLabel.sln --no-restore -c Release -nologo -clp:ErrorsOnly

echo "== test"
log=$(mktemp)
set +e
dotnet test StreamLabel.sln --no-build -c Release -nologo --logger "console;verbosity=normal" \
  --results-directory "$root/artifacts/test-results" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain closing line over all test assemblies.
awk '/^ +Passed: +[0-9]+$/ { p += $2 } /^ +Failed: +[0-9]+$/ { f += $2 } /^ +Skipped: +[0-9]+$/ { s += $2 }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
