#include "harness/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace gene::harness {

bool Progress::wanted_by_default() {
  const char* ci = std::getenv("CI");
  return isatty(STDERR_FILENO) && !(ci && *ci);
}

Progress::Progress(size_t total, int enabled)
    : total_(total), enabled_(enabled < 0 ? wanted_by_default() : enabled != 0) {}

Progress::~Progress() { finish(); }

void Progress::start(size_t index, const std::string& label) {
  if (!enabled_ || total_ == 0) return;
  const int width = 30;
  int filled = int(index * width / total_);
  std::string bar(size_t(filled), '=');
  bar.resize(width, ' ');
  std::string text = label.size() > 40 ? "..." + label.substr(label.size() - 37) : label;
  // \r and erase-to-end-of-line: redraw in place.
  std::fprintf(stderr, "\r[%s] %zu/%zu %s\033[K", bar.c_str(), index + 1, total_, text.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace gene::harness
