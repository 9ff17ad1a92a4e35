#include "interp/opcodes.h"

#include <cstring>

namespace gene {

const OpInfo kOpInfo[kOpCount] = {
#define GENE_OP_INFO(name, text, xk, yk, pops, pushes, throws) \
  {text, Operand::xk, Operand::yk, pops, pushes, throws},
    GENE_OPCODES(GENE_OP_INFO)
#undef GENE_OP_INFO
};

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
