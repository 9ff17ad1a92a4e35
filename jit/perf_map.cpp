#include "jit/perf_map.h"

#include <unistd.h>

namespace gene::jit {

PerfMap::~PerfMap() {
  if (file_) std::fclose(file_);
}

bool PerfMap::open() {
  path_ = "/tmp/perf-" + std::to_string(::getpid()) + ".map";
  file_ = std::fopen(path_.c_str(), "w");
  return file_ != nullptr;
}

void PerfMap::add(uintptr_t start, size_t size, const std::string& name) {
  if (!file_ || size == 0) return;
  std::fprintf(file_, "%lx %zx %s\n", static_cast<unsigned long>(start), size, name.c_str());
  std::fflush(file_);
}

}  // namespace gene::jit
