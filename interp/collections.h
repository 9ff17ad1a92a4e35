// Paths (a/0, m/key), methods and for-loop sequences on arrays, maps and strings. Shared by the
// interpreter and the JIT helpers. Each returns false after raising an error on the VM.
#pragma once
#include "interp/value.h"

namespace gene {

class VM;
struct Symbol;

bool path_get(VM& vm, Value container, Value key, Value& out);
bool path_set(VM& vm, Value container, Value key, Value value);
// recv_and_args[0] is the receiver, followed by argc arguments (all rooted on the VM stack).
bool call_method(VM& vm, Symbol* name, Value* recv_and_args, int argc, Value& out);
bool check_sequence(VM& vm, Value seq);  // a for loop's sequence must be an array

}  // namespace gene
