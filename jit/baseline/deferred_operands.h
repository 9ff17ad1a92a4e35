// The baseline compiler's model of operand-stack values it has not written to the frame yet.
//
// Pushing a local or a constant emits no code: the push is recorded here, and the instruction
// that consumes the value reads it straight from the local's slot or as an immediate, so
// `load_local i; load_local n; jump_unless_lt` compares two slots without a round trip through
// the operand area. Arithmetic and loads leave their result in one callee-saved register
// (Kind::Reg) for the next instruction to pick up. Deferred values are written out ("flushed") wherever memory must be exact:
// before branch targets and jumps, before any helper call (helpers and the collector read the
// operand area), before instructions that do not know about deferral, and before a store to a
// local that a deferred value still names.
#pragma once
#include <cstdint>
#include <vector>

namespace gene::jit {

struct DeferredOperand {
  enum class Kind : uint8_t { Local, Imm, Reg };
  int pos;        // operand position (0 = first operand above the locals)
  Kind kind;
  int32_t slot;   // Kind::Local: the frame slot holding the value
  uint64_t bits;  // Kind::Imm: the value's bits
  bool known_int = false;  // Kind::Reg: int arithmetic on known ints produced it (int_slots.h)
  bool is(Kind k) const { return kind == k; }
};

class DeferredOperands {
 public:
  // The deferred value at operand position `pos`, or nullptr if memory holds it.
  const DeferredOperand* at(int pos) const {
    for (const DeferredOperand& d : items_)
      if (d.pos == pos) return &d;
    return nullptr;
  }
  // Forgets values at positions >= pos (consumed by the instruction just compiled).
  void drop_from(int pos) {
    std::erase_if(items_, [pos](const DeferredOperand& d) { return d.pos >= pos; });
  }
  void clear() { items_.clear(); }
  const std::vector<DeferredOperand>& items() const { return items_; }
  void push(const DeferredOperand& d) { items_.push_back(d); }
  // Removes the entries `pred` selects and returns them (the caller writes them out).
  template <class Pred>
  std::vector<DeferredOperand> take_if(Pred pred) {
    std::vector<DeferredOperand> taken;
    for (const DeferredOperand& d : items_)
      if (pred(d)) taken.push_back(d);
    std::erase_if(items_, pred);
    return taken;
  }

 private:
  std::vector<DeferredOperand> items_;  // few entries: linear search is cheapest
};

}  // namespace gene::jit
