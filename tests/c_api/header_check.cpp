// lifecycle.h on its own in a C++ translation unit: the declarations are
// extern "C" and noexcept.
#include <lifecycle/lifecycle.h>

static_assert(noexcept(lc_ingest(nullptr, nullptr, nullptr)), "C API calls are noexcept in C++");
static_assert(sizeof(lc_status) == sizeof(int), "statuses are ints");
