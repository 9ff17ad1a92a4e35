// A parse or compile error: reported as `file:line:col: error: message`, exit status 2.
#pragma once
#include <string>

namespace gene {

struct SourceError {
  int line = 0;
  int col = 0;
  std::string message;
};

}  // namespace gene
