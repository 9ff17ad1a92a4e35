// A one-line progress bar for long commands. Shown only when stderr is a terminal and the CI
// environment variable is unset, so logs and CI output stay clean.
#pragma once
#include <cstddef>
#include <string>

namespace gene::harness {

class Progress {
 public:
  // enabled: force on/off; the default decides from the terminal and $CI.
  explicit Progress(size_t total, int enabled = -1);
  ~Progress();
  // Shows that item `index` (0-based) is starting, with a short label.
  void start(size_t index, const std::string& label);
  // Erases the bar (before printing something else, and at the end).
  void finish();
  bool enabled() const { return enabled_; }

  static bool wanted_by_default();

 private:
  size_t total_;
  bool enabled_;
  bool drawn_ = false;
};

}  // namespace gene::harness
