#pragma once
/// \file snapshot.hpp
/// Durable engine state: a whole engine saved to a file and restored from it.
/// The bytes are `engine::snapshot()`'s: versioned and checksummed.

#include <filesystem>

#include "lifecycle/engine.hpp"

namespace lifecycle {

/// Saves \p e to \p file, crash-safely: the bytes go to `<file>.tmp` in the
/// same directory, are flushed to the disk, and only then renamed over \p file
/// (and the directory flushed). A crash or `kill -9` at any moment leaves
/// either the previous file or the new one, never a mix. Throws
/// `lifecycle::error` (errc::io_error) naming the file and the system's reason.
void save_snapshot(const engine& e, const std::filesystem::path& file);

/// The engine saved in \p file. Throws `lifecycle::error`: errc::io_error when
/// the file cannot be read, errc::invalid_state when it is truncated, corrupted
/// or of another format version (the message starts with the file's name).
engine load_snapshot(const std::filesystem::path& file);

}  // namespace lifecycle
