#pragma once
/// \file policy_file.hpp
/// Policy files: the `policy` fields as `key = value` lines.
///
/// ```
/// # an order log records no follow
/// loyal_requires_follow = false
/// lapse_days = 120   # a slower business
/// ```
/// One setting a line; `#` starts a comment (to the end of the line); blank
/// lines are ignored; keys are `policy::keys`, values as `policy::set` takes
/// them. Keys not named keep their defaults.

#include <string>
#include <string_view>

#include "lifecycle/policy.hpp"

namespace lifecycle {

/// Applies the settings in \p text to \p p, in order, checking each value's
/// range as it goes. Throws `lifecycle::error` (errc::parse_error) naming
/// \p name and the 1-based line for a line without `=`, an unknown key, a bad
/// or out-of-range value, or a key set twice; \p p is then partly updated.
void apply_policy_text(policy& p, std::string_view text, const std::string& name = "<policy>");

/// The policy the text describes, starting from the defaults.
policy parse_policy(std::string_view text, const std::string& name = "<policy>");

/// Reads a policy file, starting from the defaults. Throws `lifecycle::error`
/// (errc::invalid_argument) when the file cannot be read, and as
/// `apply_policy_text` otherwise.
policy read_policy_file(const std::string& path);

/// The policy as a policy file: every key with its value, one a line.
std::string to_policy_text(const policy& p);

}  // namespace lifecycle
