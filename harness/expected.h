// The observable behaviour of one run (SPEC §3: stdout, result, error kind and line, exit status)
// and its `.expected` file format (corpus/FORMAT.md).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace gene::harness {

struct Observation {
  int exit = 0;
  std::string result;      // collection display of the last form (exit 0 only)
  std::string error_kind;  // runtime kind or "compile_error" (exit 1/2 only)
  int error_line = 0;      // (exit 1/2 only)
  std::string stdout_text;
  // Not part of .expected (the message text is free-form), but SPEC §3.1 requires it to be
  // identical in every engine, so engines are compared on it too.
  std::string error_message;

  bool operator==(const Observation&) const = default;
};

// The fields an .expected file records (everything but the error message).
bool same_expected_fields(const Observation& a, const Observation& b);

// Exact .expected text. Fields that do not apply to the exit status are omitted, as the format
// requires, so two observations that format equally are equal in every recorded field.
std::string format_expected(const Observation& o);

// Like format_expected plus a `message:` line when there is an error: the text engines are
// compared with each other on.
std::string format_for_engine_diff(const Observation& o);

// Parses .expected text. On failure returns nullopt and sets `error` to "line N: what".
std::optional<Observation> parse_expected(std::string_view text, std::string& error);

// The .expected path for a program: `dir/name.gene` -> `dir/name.expected`.
std::string expected_path_for(const std::string& program_path);

}  // namespace gene::harness
