#!/usr/bin/env bash
# Installs the Debian 12 packages the build and the tests need, if missing.
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config libssl-dev doctest-dev libboost-dev
      libboost-program-options-dev libpg-query-dev libre2-dev nlohmann-json3-dev
      libhowardhinnant-date-dev libprotobuf-c-dev libcrypt-dev libpq-dev postgresql postgresql-client python3
      ruby ruby-activerecord ruby-pg  # ruby-*: orm-fixtures/activerecord
      dpkg-dev  # dpkg-source: compat-tests/upstream/suites/pg_regress.sh unpacks Debian sources
      ruby-minitest ruby-mocha)  # compat-tests/upstream/suites/activerecord.sh
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The tests' fixed ports (reference PostgreSQL servers on 554xx-556xx) lie in
# Linux's ephemeral range: keep the kernel from handing them to client
# sockets, or a busy test run can find its port taken.
if [ "$(cat /proc/sys/net/ipv4/ip_local_reserved_ports 2>/dev/null)" != "55400-55699" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO sysctl -q -w net.ipv4.ip_local_reserved_ports=55400-55699 || echo "deps: could not reserve ports 55400-55699" >&2
fi
