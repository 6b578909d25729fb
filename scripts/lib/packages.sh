# Debian package helpers for scripts/test.sh (sourced; works under `set -euo pipefail`).
# No pipeline into `grep -q` here: grep exits at its first match, apt-cache then dies of SIGPIPE, and pipefail turns
# that into "no candidate" — which is how the test command once skipped every package on a fresh machine.

# package_installed PKG: true only when dpkg has PKG fully installed ("apt-get remove" leaves a known but removed package).
package_installed() {
  local status
  status=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
  [ "$status" = installed ]
}

# apt_candidate PKG: prints the version apt-get would install and succeeds; fails when apt knows none.
apt_candidate() {
  local policy candidate
  policy=$(apt-cache policy "$1" 2>/dev/null) || return 1
  candidate=$(sed -n 's/^ *Candidate: *//p' <<<"$policy")
  [ -n "$candidate" ] && [ "$candidate" != "(none)" ] || return 1
  printf '%s\n' "$candidate"
}

# ensure_packages PKG...: installs those not installed; fails, naming them, when any cannot be installed.
ensure_packages() {
  local p missing=() unavailable=() sudo=
  for p in "$@"; do package_installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "== installing Debian packages: ${missing[*]}"
  if ! $sudo apt-get update -qq; then
    echo "== ERROR: apt-get update failed, so these packages cannot be installed: ${missing[*]}" >&2
    return 1
  fi
  for p in "${missing[@]}"; do apt_candidate "$p" >/dev/null || unavailable+=("$p"); done
  if [ ${#unavailable[@]} -gt 0 ]; then
    echo "== ERROR: no apt candidate for: ${unavailable[*]} (add the repository that provides it, or install it by hand)" >&2
    return 1
  fi
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    echo "== ERROR: apt-get install failed for: ${missing[*]}" >&2
    return 1
  fi
  for p in "${missing[@]}"; do
    package_installed "$p" || { echo "== ERROR: $p is still not installed after apt-get install" >&2; return 1; }
  done
}

# packages_self_check: the checks above, against a package every Debian system has and one that exists nowhere,
# under the caller's shell options; run by the test command so the install path is exercised on every machine.
packages_self_check() {
  local absent=streamlabel-no-such-package
  package_installed bash || { echo "== ERROR: package check: bash reads as not installed" >&2; return 1; }
  ! package_installed "$absent" || { echo "== ERROR: package check: $absent reads as installed" >&2; return 1; }
  apt_candidate bash >/dev/null || { echo "== ERROR: package check: apt has no candidate for bash (run apt-get update?)" >&2; return 1; }
  ! apt_candidate "$absent" >/dev/null || { echo "== ERROR: package check: apt has a candidate for $absent" >&2; return 1; }
}
