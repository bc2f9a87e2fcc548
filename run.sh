#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job. Until the server
# lands, the main job is the embedded-store benchmark (build/bin/stress_tool).
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
scripts/build.sh build
exec build/bin/stress_tool "$@"
