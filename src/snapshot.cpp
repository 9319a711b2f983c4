#include "lifecycle/snapshot.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "lifecycle/error.hpp"

namespace lifecycle {

namespace {

[[noreturn]] void io_fail(const std::string& what, const std::filesystem::path& file, int err) {
  throw error(errc::io_error, fmt::format("{} {}: {}", what, file.string(), std::strerror(err)));
}

// Closes the descriptor on every path out, errors included.
struct descriptor {
  int fd = -1;
  ~descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

void write_all(int fd, const std::byte* p, std::size_t n, const std::filesystem::path& file) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      io_fail("cannot write", file, errno);
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

}  // namespace

void save_snapshot(const engine& e, const std::filesystem::path& file) {
  const std::vector<std::byte> bytes = e.snapshot();
  std::filesystem::path aside = file;
  aside += ".tmp";
  {
    descriptor out;
    out.fd = ::open(aside.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out.fd < 0) io_fail("cannot create", aside, errno);
    write_all(out.fd, bytes.data(), bytes.size(), aside);
    if (::fsync(out.fd) != 0) io_fail("cannot flush", aside, errno);
    const int fd = out.fd;
    out.fd = -1;
    if (::close(fd) != 0) io_fail("cannot close", aside, errno);
  }
  if (::rename(aside.c_str(), file.c_str()) != 0) io_fail("cannot rename onto", file, errno);
  // The rename itself is durable only once the directory is flushed.
  std::filesystem::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  descriptor d;
  d.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d.fd >= 0) ::fsync(d.fd);  // best effort: some file systems refuse fsync on directories
}

engine load_snapshot(const std::filesystem::path& file) {
  descriptor in;
  in.fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (in.fd < 0) io_fail("cannot open", file, errno);
  struct stat st {};
  if (::fstat(in.fd, &st) != 0) io_fail("cannot read", file, errno);
  if (!S_ISREG(st.st_mode)) throw error(errc::io_error, fmt::format("cannot read {}: not a regular file", file.string()));
  std::vector<std::byte> bytes(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t r = ::read(in.fd, bytes.data() + got, bytes.size() - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      io_fail("cannot read", file, errno);
    }
    if (r == 0) break;  // the file shrank meanwhile: the checks below refuse it
    got += static_cast<std::size_t>(r);
  }
  bytes.resize(got);
  try {
    return engine::restore(bytes);
  } catch (const error& e) {
    throw error(e.code(), fmt::format("{}: {}", file.string(), e.what()));
  }
}

}  // namespace lifecycle
