// A line-based unified diff, so a failing check reads like `diff -u expected actual`.
#pragma once
#include <string>

namespace gene::harness {

struct DiffOptions {
  int context = 3;        // unchanged lines around each change
  int max_lines = 200;    // cap on printed diff lines; the rest is summarised
  std::string indent;     // prefix of every output line
};

// Empty when the texts are equal. Otherwise `--- a_label` / `+++ b_label` and @@ hunks. A last
// line without a newline is marked "\ No newline at end of file", as diff does, because stdout
// is compared byte for byte.
std::string unified_diff(const std::string& a, const std::string& b, const std::string& a_label,
                         const std::string& b_label, const DiffOptions& opts = {});

}  // namespace gene::harness
