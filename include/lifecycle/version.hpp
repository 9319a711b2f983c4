#pragma once
/// \file version.hpp
/// The single source of the library's version; CMake reads these three lines.

#define LIFECYCLE_VERSION_MAJOR 0
#define LIFECYCLE_VERSION_MINOR 1
#define LIFECYCLE_VERSION_PATCH 0

namespace lifecycle {

/// The version this header belongs to, as "major.minor.patch".
inline constexpr const char* version_string = "0.1.0";

/// The version packed as major * 10000 + minor * 100 + patch.
inline constexpr int version_number =
    LIFECYCLE_VERSION_MAJOR * 10000 + LIFECYCLE_VERSION_MINOR * 100 + LIFECYCLE_VERSION_PATCH;

}  // namespace lifecycle
