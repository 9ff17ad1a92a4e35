#include "harness/expected.h"

#include <charconv>
#include <filesystem>

namespace gene::harness {

namespace {

// Splits off the next '\n'-terminated line of `rest`; false at the end of the text.
bool next_line(std::string_view& rest, std::string_view& line) {
  if (rest.empty()) return false;
  size_t nl = rest.find('\n');
  if (nl == std::string_view::npos) {
    line = rest;
    rest = {};
  } else {
    line = rest.substr(0, nl);
    rest = rest.substr(nl + 1);
  }
  return true;
}

bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool strip_prefix(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

std::string header(const Observation& o) {
  std::string s = "exit: " + std::to_string(o.exit) + "\n";
  if (o.exit == 0)
    s += "result: " + o.result + "\n";
  else
    s += "error: " + o.error_kind + " " + std::to_string(o.error_line) + "\n";
  return s;
}

}  // namespace

bool same_expected_fields(const Observation& a, const Observation& b) {
  return format_expected(a) == format_expected(b);
}

std::string format_expected(const Observation& o) { return header(o) + "stdout:\n" + o.stdout_text; }

std::string format_for_engine_diff(const Observation& o) {
  std::string s = header(o);
  if (o.exit != 0) s += "message: " + o.error_message + "\n";
  return s + "stdout:\n" + o.stdout_text;
}

std::optional<Observation> parse_expected(std::string_view text, std::string& error) {
  Observation o;
  std::string_view rest = text, line;
  int line_no = 1;
  auto fail = [&](const std::string& what) {
    error = "line " + std::to_string(line_no) + ": " + what;
    return std::nullopt;
  };

  if (!next_line(rest, line) || !strip_prefix(line, "exit: ") || !parse_int(line, o.exit))
    return fail("expected 'exit: <status>'");
  if (o.exit < 0 || o.exit > 2) return fail("exit status must be 0, 1 or 2");
  ++line_no;

  if (!next_line(rest, line)) return fail(o.exit == 0 ? "expected 'result: <value>'" : "expected 'error: <kind> <line>'");
  if (o.exit == 0) {
    if (!strip_prefix(line, "result: ")) return fail("expected 'result: <value>' (exit is 0)");
    o.result = std::string(line);
  } else {
    if (!strip_prefix(line, "error: ")) return fail("expected 'error: <kind> <line>' (exit is not 0)");
    size_t space = line.rfind(' ');
    if (space == std::string_view::npos || space == 0 || !parse_int(line.substr(space + 1), o.error_line))
      return fail("expected 'error: <kind> <line>'");
    o.error_kind = std::string(line.substr(0, space));
  }
  ++line_no;

  if (!next_line(rest, line) || line != "stdout:") return fail("expected 'stdout:'");
  o.stdout_text = std::string(rest);
  return o;
}

std::string expected_path_for(const std::string& program_path) {
  return std::filesystem::path(program_path).replace_extension(".expected").string();
}

}  // namespace gene::harness
