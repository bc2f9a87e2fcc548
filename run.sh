#!/usr/bin/env bash
# Installs what is missing, builds, and starts the server on its embedded
# defaults (data in ./data, 127.0.0.1:5432, user immudb / password immudb,
# database defaultdb). Extra arguments go to build/bin/immudb (see --help).
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
scripts/build.sh build
exec build/bin/immudb "$@"
