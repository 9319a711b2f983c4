#include <cstdio>

#include "commands.hpp"

namespace lifecycle::cli {

int command_errors::usage(const std::string& message) const {
  std::fprintf(stderr, "lifecycle %.*s: %s (see lifecycle %.*s --help)\n", static_cast<int>(name.size()), name.data(),
               message.c_str(), static_cast<int>(name.size()), name.data());
  return 2;
}

int command_errors::fail(const lifecycle::error& e) const {
  if (e.file().empty())
    std::fprintf(stderr, "lifecycle %.*s: %s\n", static_cast<int>(name.size()), name.data(), e.what());
  else
    std::fprintf(stderr, "%s\n", e.what());
  return 2;
}

}  // namespace lifecycle::cli
