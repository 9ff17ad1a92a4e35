// Which local slots of a verified unit hold an int wherever they are read, proven from the
// bytecode alone (no profiling, no speculation): every value stored into the slot is an int
// constant or int arithmetic on such slots (which yields an int or raises), and every read is
// preceded by a store on all paths. The baseline compiler drops the tag checks of those reads
// and of arithmetic results built only from them.
#pragma once
#include <vector>

#include "interp/control_flow.h"
#include "interp/proto.h"

namespace gene::jit {

// One flag per slot (p.nslots); parameters, cells and `for` loop slots are never int slots.
std::vector<bool> int_slots(const Proto& p);
// The same on a control flow the caller already has (analyze_flow of p).
std::vector<bool> int_slots(const Proto& p, const ControlFlow* cf);

}  // namespace gene::jit
