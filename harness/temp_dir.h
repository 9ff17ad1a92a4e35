// A private scratch directory, removed with everything in it when the object goes away.
#pragma once
#include <string>

namespace gene::harness {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "gene-harness");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace gene::harness
