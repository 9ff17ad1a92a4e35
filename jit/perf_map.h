// Linux perf's map of JIT code (/tmp/perf-<pid>.map, one "START SIZE NAME" line per range, hex
// addresses): with it `perf report` and `perf top` name compiled units instead of raw
// addresses. Written only with `gene run --perf-map`; the file stays behind for perf to read
// after the process exits, as perf expects.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace gene::jit {

class PerfMap {
 public:
  PerfMap() = default;
  PerfMap(const PerfMap&) = delete;
  PerfMap& operator=(const PerfMap&) = delete;
  ~PerfMap();

  // Creates (truncates) the map for this process. False if it cannot be written; `path()` says
  // which file.
  bool open();
  bool is_open() const { return file_ != nullptr; }
  const std::string& path() const { return path_; }
  // One symbol; flushed at once so the map is complete even if the run dies later.
  void add(uintptr_t start, size_t size, const std::string& name);

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
};

}  // namespace gene::jit
