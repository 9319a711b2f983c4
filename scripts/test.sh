#!/usr/bin/env bash
# Builds everything and runs every test: a release build, the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer, and consumer projects built
# against the installed package: C++ and C with find_package(lifecycle), and C
# with pkg-config (shared and static).
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

echo "== the examples, built alone against the installed package"
for example in ecommerce_backend sql_state mobile_sdk; do
  cmake -S "examples/$example" -B "build/installed_examples/$example" -DCMAKE_PREFIX_PATH="$PWD/build/prefix" >/dev/null
  cmake --build "build/installed_examples/$example" -j"$jobs" >/dev/null
  LD_LIBRARY_PATH="$PWD/build/prefix/lib:$PWD/build/prefix/lib64" "build/installed_examples/$example/$example" >/dev/null
done

echo "== C consumers of the installed package"
cmake -S tests/consumer_c -B build/consumer_c -DCMAKE_PREFIX_PATH="$PWD/build/prefix" >/dev/null
cmake --build build/consumer_c -j"$jobs"
build/consumer_c/consumer_c
build/consumer_c/consumer_c_static
# pkg-config: the shared library alone (-llifecycle_c), then the static one
# with what --static adds (it must run without the shared library).
libdir="$PWD/build/prefix/$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' build/release/CMakeCache.txt)"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cflags=(-std=c99 -Wall -Wextra -pedantic -Werror)
mkdir -p build/consumer_c_pkgconfig
# shellcheck disable=SC2046 # pkg-config prints flags to be split
cc "${cflags[@]}" tests/consumer_c/main.c $(pkg-config --cflags --libs lifecycle) -o build/consumer_c_pkgconfig/consumer_c
LD_LIBRARY_PATH="$libdir" build/consumer_c_pkgconfig/consumer_c
# shellcheck disable=SC2046
cc "${cflags[@]}" tests/consumer_c/main.c $(pkg-config --cflags lifecycle) -o build/consumer_c_pkgconfig/consumer_c_static \
  -Wl,--as-needed "$libdir/liblifecycle_c.a" $(pkg-config --static --libs lifecycle)
env -u LD_LIBRARY_PATH build/consumer_c_pkgconfig/consumer_c_static
unset PKG_CONFIG_PATH

cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=Debug -DLIFECYCLE_SANITIZE=ON \
  -DLIFECYCLE_BUILD_TESTS=ON -DLIFECYCLE_BUILD_EXAMPLES=ON >/dev/null
cmake --build build/sanitize -j"$jobs"
echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/sanitize --output-on-failure -j"$jobs"

echo "== tests (release)"
ctest --test-dir build/release --output-on-failure -j"$jobs"
