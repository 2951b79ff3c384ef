#!/usr/bin/env bash
# Installs the system tools the tests use (scripts/test-tools.txt: command, Debian package, why) on Debian or Ubuntu.
# Run once as root on a fresh machine: `sudo scripts/install-test-tools.sh` (the README's set-up; .ci/run calls it).
set -euo pipefail
cd "$(dirname "$0")"
mapfile -t packages < <(grep -v '^#' test-tools.txt | awk 'NF >= 2 { print $2 }' | sort -u)
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" ca-certificates >/dev/null
echo "installed: ${packages[*]}"
