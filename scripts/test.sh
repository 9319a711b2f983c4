#!/usr/bin/env bash
# Builds everything and runs every test: a release build, the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer, and a consumer project built
# against the installed package with find_package(lifecycle).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release \
  -DLIFECYCLE_BUILD_TESTS=ON -DLIFECYCLE_BUILD_EXAMPLES=ON -DLIFECYCLE_BUILD_BENCH=ON >/dev/null
cmake --build build/release -j"$jobs"

rm -rf build/prefix
cmake --install build/release --prefix build/prefix >/dev/null
cmake -S tests/consumer -B build/consumer -DCMAKE_PREFIX_PATH="$PWD/build/prefix" >/dev/null
cmake --build build/consumer -j"$jobs"
build/consumer/consumer

cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=Debug -DLIFECYCLE_SANITIZE=ON \
  -DLIFECYCLE_BUILD_TESTS=ON -DLIFECYCLE_BUILD_EXAMPLES=ON >/dev/null
cmake --build build/sanitize -j"$jobs"
echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/sanitize --output-on-failure -j"$jobs"

echo "== tests (release)"
ctest --test-dir build/release --output-on-failure -j"$jobs"
