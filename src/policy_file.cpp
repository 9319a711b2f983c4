#include "lifecycle/policy_file.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "lifecycle/error.hpp"

namespace lifecycle {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Keeps messages readable whatever the bytes: at most 40 printable characters.
std::string shown(std::string_view v) {
  std::string out;
  for (char ch : v.substr(0, 40)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7e)
      out += fmt::format("\\x{:02x}", c);
    else
      out += ch;
  }
  if (v.size() > 40) out += "...";
  return out;
}

std::string without_prefix(std::string_view what) {
  if (what.substr(0, 8) == "policy: ") what.remove_prefix(8);
  return std::string(what);
}

}  // namespace

void apply_policy_text(policy& p, std::string_view text, const std::string& name) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::array<int, policy::keys.size()> set_on{};
  int line = 0;
  policy next = p;
  int pending = 0;  // the first line since which the policy has not validated (keys may depend on later ones)
  while (!text.empty()) {
    ++line;
    const std::size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (const std::size_t hash = raw.find('#'); hash != std::string_view::npos) raw = raw.substr(0, hash);
    raw = trim(raw);
    if (raw.empty()) continue;
    const std::size_t eq = raw.find('=');
    if (eq == std::string_view::npos)
      throw error(errc::parse_error, fmt::format("expected 'key = value', got '{}'", shown(raw)), name, line);
    const std::string_view key = trim(raw.substr(0, eq));
    const std::string_view value = trim(raw.substr(eq + 1));
    std::size_t k = 0;
    while (k < policy::keys.size() && policy::keys[k] != key) ++k;
    if (k == policy::keys.size())
      throw error(errc::parse_error,
                  fmt::format("unknown policy key '{}' (known: {})", shown(key), fmt::join(policy::keys, ", ")), name,
                  line);
    if (set_on[k] != 0)
      throw error(errc::parse_error, fmt::format("'{}' is already set on line {}", key, set_on[k]), name, line);
    if (value.empty()) throw error(errc::parse_error, fmt::format("'{}' has no value", key), name, line);
    try {
      next.set(key, value);
    } catch (const error& e) {
      throw error(errc::parse_error, without_prefix(e.what()), name, line);
    }
    set_on[k] = line;
    try {
      next.validate();
      pending = 0;
    } catch (const error&) {
      if (pending == 0) pending = line;
    }
  }
  if (pending != 0) {
    // Settled at the end: lapse_model = bgnbd may come before the bgnbd_ parameters.
    try {
      next.validate();
    } catch (const error& e) {
      throw error(errc::parse_error, without_prefix(e.what()), name, pending);
    }
  }
  p = next;
}

policy parse_policy(std::string_view text, const std::string& name) {
  policy p;
  apply_policy_text(p, text, name);
  return p;
}

policy read_policy_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw error(errc::invalid_argument, fmt::format("cannot read policy file {}: it is a directory", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(errc::invalid_argument, fmt::format("cannot open policy file {}: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw error(errc::invalid_argument, fmt::format("cannot read policy file {}", path));
  return parse_policy(text.str(), path);
}

std::string to_policy_text(const policy& p) {
  std::string out;
  for (std::string_view key : policy::keys) out += fmt::format("{} = {}\n", key, p.get(key));
  return out;
}

}  // namespace lifecycle
