// Type feedback: what each instruction has seen, for the speculating tiers to plan with.
//
// Every instruction carries its own feedback byte (Instr::feedback), so an arithmetic,
// comparison, path, method or for site has a slot without any table: the engines OR the kinds
// of the operands they see into it, one `or` to a line the dispatch just read. The
// interpreter records on its fast and slow paths, compiled code on its slow paths (which are
// the interpreter's own, op_semantics.h). Call sites also record their callee in
// Proto::callees: the one unit seen, or kMegamorphic once a second one shows up.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "interp/object.h"
#include "interp/opcodes.h"
#include "interp/value.h"

namespace gene {

enum FeedbackKind : uint8_t {
  kSeenInt = 1 << 0,
  kSeenFloat = 1 << 1,
  kSeenString = 1 << 2,
  kSeenArray = 1 << 3,
  kSeenMap = 1 << 4,
  kSeenNilBool = 1 << 5,
  kSeenOther = 1 << 6,     // symbols, functions, cells
  kSeenOverflow = 1 << 7,  // an int result left the 48-bit range here
};

// Kept to a few instructions, and inlined: the interpreter calls it on its path, method and
// == sites (out of line, == in list's loops cost 10% of the run in the call alone).
[[gnu::always_inline]] inline uint8_t feedback_kind(Value v) {
  static constexpr uint8_t kByObjType[] = {kSeenString, kSeenOther, kSeenArray, kSeenMap,
                                           kSeenOther,  kSeenOther, kSeenOther};
  static_assert(int(ObjType::String) == 0 && int(ObjType::Array) == 2 && int(ObjType::Map) == 3 &&
                int(ObjType::Builtin) == 6);
  if (v.is_object()) return kByObjType[int(v.as_obj()->type)];
  if (v.is_int()) return kSeenInt;
  return v.is_double() ? kSeenFloat : kSeenNilBool;  // nil, bool (undefined never reaches an operand)
}

// Both operands of a binary site; numbers (the usual case) from their tags alone.
[[gnu::always_inline]] inline uint8_t feedback_kinds(Value a, Value b) {
  constexpr uint64_t kIntTagHigh = Value::integer(0).bits >> 48;  // below it: doubles
  auto number_kind = [](uint64_t tag) -> uint8_t {
    return tag < kIntTagHigh ? kSeenFloat : tag == kIntTagHigh ? kSeenInt : 0;
  };
  const uint8_t ka = number_kind(a.bits >> 48), kb = number_kind(b.bits >> 48);
  if (ka && kb) return uint8_t(ka | kb);
  return uint8_t(feedback_kind(a) | feedback_kind(b));
}

// Instructions are shared, immutable code to everything but this byte. It is written only when
// it changes: a store into the instruction on every execution makes the next read of the whole
// instruction wait for it (a byte store does not forward to a wider load), which cost the
// interpreter 12% of its wall time on corpus/bench (loop_int 24%) against 1-8% of instructions.
inline void record_feedback(const Instr* ip, uint8_t kinds) {
  if ((ip->feedback & kinds) != kinds) const_cast<Instr*>(ip)->feedback |= kinds;
}

// A call site's callee record: null (never called), one callee, or megamorphic.
inline const void* const kMegamorphic = reinterpret_cast<const void*>(uintptr_t(1));

inline void record_callee(std::vector<const void*>& callees, size_t pc, const void* callee) {
  if (pc >= callees.size()) return;  // a unit run without verification's sizing (unit tests)
  const void*& seen = callees[pc];
  if (seen != callee) seen = seen ? kMegamorphic : callee;
}

// A symbol-path site's map entry position (`m/key`, `m/key = v` on a map): the same per-pc
// slot as a call's callee, holding the position the key was found at + 2, with kOutOfRoom set
// once a map there had its entries out of its room (map_entries.h), or kMegamorphic once two
// positions were seen. The spec tier tries that entry first, straight from the room if no map
// there ever left it.
inline constexpr uintptr_t kOutOfRoom = uintptr_t(1) << 40;
inline void record_map_position(std::vector<const void*>& slots, size_t pc, int32_t position, bool in_room) {
  if (pc >= slots.size() || position < 0) return;
  const uintptr_t seen = uintptr_t(position) + 2;
  const void*& slot = slots[pc];
  const uintptr_t had = reinterpret_cast<uintptr_t>(slot);
  if (slot == kMegamorphic) return;
  if (slot && (had & ~kOutOfRoom) != seen) {
    slot = kMegamorphic;
    return;
  }
  slot = reinterpret_cast<const void*>(seen | (had & kOutOfRoom) | (in_room ? 0 : kOutOfRoom));
}
// The position a site always found its key at, or -1.
inline int32_t map_position_hint(const std::vector<const void*>& slots, size_t pc) {
  if (pc >= slots.size() || !slots[pc] || slots[pc] == kMegamorphic) return -1;
  return int32_t((reinterpret_cast<uintptr_t>(slots[pc]) & ~kOutOfRoom) - 2);
}
// Whether every map the site found its key in (at that position) had its entries in its room.
inline bool map_position_in_room(const std::vector<const void*>& slots, size_t pc) {
  return map_position_hint(slots, pc) >= 0 && !(reinterpret_cast<uintptr_t>(slots[pc]) & kOutOfRoom);
}

class VM;
struct Program;
// "int|float", "-" for none.
std::string feedback_text(uint8_t kinds);
// Every unit's sites that have feedback, one line each: for --dump-feedback.
std::string dump_feedback(const VM& vm, const Program& prog);
// Sizes each unit's call-site feedback (after verification, before anything runs).
void prepare_feedback(Program& prog);

}  // namespace gene
