// Paths (a/0, m/key), methods and for-loop sequences on arrays, maps and strings. Shared by the
// interpreter and the JIT helpers. Each returns false after raising an error on the VM.
#pragma once
#include "interp/value.h"

namespace gene {

class VM;
struct Symbol;
struct Array;
struct Map;

bool path_get(VM& vm, Value container, Value key, Value& out);
bool path_set(VM& vm, Value container, Value key, Value value);
// recv_and_args[0] is the receiver, followed by argc arguments (all rooted on the VM stack).
bool call_method(VM& vm, Symbol* name, Value* recv_and_args, int argc, Value& out);
bool check_sequence(VM& vm, Value seq);  // a for loop's sequence must be an array
// Room for one more item in a full array: its capacity doubles, from at least
// Heap::kMinArrayCapacity. false, with nothing changed and nothing raised, when the heap limit
// does not allow it (after a collection if `may_collect`; without one, compiled code whose
// registers the collector cannot see lets the interpreter do that push).
bool grow_for_push(VM& vm, Array* a, bool may_collect);
// m[key] = value for a valid key (is_valid_map_key), accounting the entries a new key grows:
// `.set`'s store. false, with nothing changed and nothing raised, when the heap limit does not
// allow the growth (after a collection if `may_collect`).
bool map_set(VM& vm, Map* m, Value key, Value value, bool may_collect);

}  // namespace gene
