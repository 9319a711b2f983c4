#!/usr/bin/env bash
# The main job: build lifecycle and run the scripted-day example, which feeds a
# day of events to an engine and prints the transitions and profiles.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DLIFECYCLE_BUILD_EXAMPLES=ON >/dev/null
cmake --build build/release -j"$(nproc)" --target scripted_day >/dev/null
build/release/examples/scripted_day
