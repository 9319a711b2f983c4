#!/usr/bin/env bash
# The main job: build the `lifecycle` tool and replay a real event log through
# it: the CDNOW order log (23,570 customers of an online CD store, 1997-1998;
# see examples/data/README.md), printing the lifecycle report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"$(nproc)" --target lifecycle_cli >/dev/null
build/release/tools/lifecycle replay examples/data/cdnow.csv --policy examples/data/cdnow.policy
