#include "interp/opcodes.h"

#include <cstring>

namespace gene {

bool op_from_name(const char* name, Op& out) {
  for (int i = 0; i < kOpCount; i++) {
    if (std::strcmp(kOpInfo[i].name, name) == 0) {
      out = Op(i);
      return true;
    }
  }
  return false;
}

}  // namespace gene
