// Display rules of SPEC §3: how values print at top level and inside collections.
#pragma once
#include <string>

#include "interp/value.h"

namespace gene {

// Python repr(float): shortest round-trip digits, fixed for exponents in [-4, 16).
void append_float(std::string& out, double d);

// Top-level display (print, str): strings raw, nil as nothing.
void display(std::string& out, Value v);
// Collection display (inside arrays/maps, --print-result): strings quoted, nil as `nil`.
void display_nested(std::string& out, Value v);

std::string to_display(Value v);
std::string to_display_nested(Value v);

}  // namespace gene
