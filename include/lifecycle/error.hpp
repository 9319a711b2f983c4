#pragma once
/// \file error.hpp
/// The library's one exception type.

#include <stdexcept>
#include <string>

namespace lifecycle {

/// What went wrong, in categories a host can branch on.
enum class errc {
  invalid_policy,   ///< a policy field holds a value the model cannot use
  parse_error,      ///< text that does not parse (a script, a CSV row, a policy line)
  invalid_state,    ///< serialized bytes that are truncated, corrupted or of another version
  invalid_argument, ///< a call the library cannot honour (e.g. an unknown person handle)
  io_error          ///< a file could not be read or written (the message says which and why)
};

/// Thrown for misuse and malformed configuration or bytes. Bad *events* are not
/// exceptions: ingesting one yields a rejected result instead.
class error : public std::runtime_error {
 public:
  error(errc code, const std::string& message) : std::runtime_error(message), code_(code) {}

  /// An error about text read from \p file at \p line (1-based); the message is
  /// prefixed "file:line: error: " as compilers do.
  error(errc code, const std::string& message, std::string file, int line)
      : std::runtime_error(file + ":" + std::to_string(line) + ": error: " + message),
        code_(code),
        file_(std::move(file)),
        line_(line) {}

  errc code() const noexcept { return code_; }
  /// The file the error is about, or empty.
  const std::string& file() const noexcept { return file_; }
  /// The 1-based line the error is about, or 0.
  int line() const noexcept { return line_; }

 private:
  errc code_;
  std::string file_;
  int line_ = 0;
};

}  // namespace lifecycle
