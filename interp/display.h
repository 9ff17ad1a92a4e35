// Display rules of SPEC §3: how values print at top level and inside collections.
#pragma once
#include <cstdint>
#include <string>

#include "interp/value.h"

namespace gene {

// Python repr(float): shortest round-trip digits, fixed for exponents in [-4, 16).
void append_float(std::string& out, double d);

// Decimal, as std::to_string: "-" for negatives, no leading zeros.
void append_int(std::string& out, int64_t i);

// Collections nested deeper than this cannot be displayed: display() stops and returns false,
// and the caller raises stack_overflow (print, str, the program's result). Display itself never
// recurses natively, so any depth is safe to attempt.
constexpr size_t kMaxDisplayDepth = 10000;

// Top-level display (print, str): strings raw, nil as nothing. False (output incomplete) when
// the value is nested more than kMaxDisplayDepth collections deep.
bool display(std::string& out, Value v);
// Collection display (inside arrays/maps, --print-result): strings quoted, nil as `nil`.
bool display_nested(std::string& out, Value v);

// For messages: a value nested too deeply ends in "..." instead of failing.
// A string in double quotes with \" \\ \n \t \r escaped (collection display); with
// hex_other, other non-printable bytes become \xNN too (the .gbc text format).
void append_quoted(std::string& out, const std::string& s, bool hex_other = false);

std::string to_display(Value v);
std::string to_display_nested(Value v);

}  // namespace gene
