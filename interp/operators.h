// Operator semantics (SPEC §3) for every operand combination. The interpreter inlines the int
// and float fast paths and calls these for the rest; JIT tiers call the same functions, so every
// engine agrees by construction. Each returns false after raising an error on the VM.
#pragma once
#include "interp/value.h"

namespace gene {

class VM;

bool op_add(VM& vm, Value a, Value b, Value& out);  // may allocate (string concatenation)
bool op_sub(VM& vm, Value a, Value b, Value& out);
bool op_mul(VM& vm, Value a, Value b, Value& out);
bool op_div(VM& vm, Value a, Value b, Value& out);
bool op_mod(VM& vm, Value a, Value b, Value& out);
bool op_neg(VM& vm, Value a, Value& out);
bool op_pos(VM& vm, Value a, Value& out);
// Ordering comparisons: numbers across int/float, strings bytewise, anything else type_error.
bool op_lt(VM& vm, Value a, Value b, Value& out);
bool op_le(VM& vm, Value a, Value b, Value& out);
bool op_gt(VM& vm, Value a, Value b, Value& out);
bool op_ge(VM& vm, Value a, Value b, Value& out);
// ==: numbers by value, strings by content, everything else by identity. Never raises.
bool values_equal(Value a, Value b);

}  // namespace gene
