#include "harness/fuzz_coverage.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "interp/opcodes.h"
#include "interp/run.h"

namespace gene::harness {

namespace {

const char* const kInfixOps[] = {"+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!=", "&&", "||"};
const char* const kAssignOps[] = {"=", "+=", "-=", "*=", "/="};
const char* const kMethods[] = {".size", ".get", ".set", ".push", ".pop", ".has", ".keys", ".del", ".substr"};
const char* const kBuiltins[] = {"print", "println", "assert", "str", "range", "sqrt", "floor", "abs", "int", "float"};

std::vector<std::string> make_form_names() {
  std::vector<std::string> v = {"literal int", "literal float", "literal string", "literal true", "literal false",
                                "literal nil", "literal symbol", "literal array", "literal map",
                                "var", "var without value", "if", "elif", "else", "while", "loop", "break",
                                "break with value", "continue", "for-array", "for-range", "do", "fn named",
                                "fn anonymous", "fn one bare parameter", "return", "return with value", "call",
                                "path read", "path write", "path compound assignment", "throw", "try/catch",
                                "prefix + - *", "negate", "!", "not"};
  for (const char* op : kAssignOps) v.push_back(std::string("assign ") + op);
  for (const char* op : kInfixOps) v.push_back(std::string("infix ") + op);
  for (const char* m : kMethods) v.push_back(std::string("method ") + m);
  for (const char* b : kBuiltins) v.push_back(std::string("builtin ") + b);
  return v;
}

template <size_t N>
bool one_of(const std::string& s, const char* const (&set)[N]) {
  return std::any_of(std::begin(set), std::end(set), [&](const char* x) { return s == x; });
}

bool is_path(const std::string& a) { return a.size() > 1 && a.find('/') != std::string::npos && a[0] != '"'; }

// Adds the names of the forms in `n` (and below) to `seen`.
void classify(const Node& n, std::set<std::string>& seen) {
  if (!n.is_list()) {
    const std::string& a = n.atom;
    if (a.empty()) return;
    if (a == "true" || a == "false" || a == "nil") seen.insert("literal " + a);
    else if (a[0] == '"') seen.insert("literal string");
    else if (a[0] == ':') seen.insert("literal symbol");
    else if (is_path(a)) seen.insert("path read");
    else if (isdigit(static_cast<unsigned char>(a[0])) || (a.size() > 1 && a[0] == '-' && isdigit(static_cast<unsigned char>(a[1]))))
      seen.insert(a.find_first_of(".eE") != std::string::npos ? "literal float" : "literal int");
    return;
  }
  for (const Node& item : n.items) classify(item, seen);
  if (n.open == '[') return (void)seen.insert("literal array");
  if (n.open == '{') return (void)seen.insert("literal map");
  if (n.items.empty() || n.items[0].is_list()) {
    if (!n.items.empty()) seen.insert("call");
    return;
  }
  const std::string& h = n.items[0].atom;
  size_t size = n.items.size();
  auto second = [&](size_t i) -> std::string { return i < size && !n.items[i].is_list() ? n.items[i].atom : ""; };
  if (h == "var") return (void)seen.insert(size == 2 ? "var without value" : "var");
  if (h == "if") {
    seen.insert("if");
    for (const Node& item : n.items)
      if (!item.is_list() && (item.atom == "elif" || item.atom == "else")) seen.insert(item.atom);
    return;
  }
  if (h == "while" || h == "loop" || h == "continue" || h == "do" || h == "throw") return (void)seen.insert(h);
  if (h == "break" || h == "return") return (void)seen.insert(size > 1 ? h + " with value" : h);
  if (h == "try") return (void)seen.insert("try/catch");
  if (h == "for") {
    bool range = size > 3 && n.items[3].is_list() && !n.items[3].items.empty() && n.items[3].items[0].atom == "range";
    return (void)seen.insert(range ? "for-range" : "for-array");
  }
  if (h == "fn") {
    if (size > 1 && n.items[1].open == '[') return (void)seen.insert("fn anonymous");
    seen.insert("fn named");
    if (size > 2 && !n.items[2].is_list()) seen.insert("fn one bare parameter");
    return;
  }
  if (h == "!" || h == "not") return (void)seen.insert(h);
  if (h == "-" && size == 2) return (void)seen.insert("negate");
  if (one_of(h, kInfixOps)) return (void)seen.insert("prefix + - *");
  std::string op = second(1);
  if (one_of(op, kAssignOps)) {
    seen.insert("assign " + op);
    if (is_path(h)) seen.insert(op == "=" ? "path write" : "path compound assignment");
    return;
  }
  if (op.size() > 1 && op[0] == '.') return (void)seen.insert("method " + op);
  if (size == 3 && one_of(op, kInfixOps)) return (void)seen.insert("infix " + op);
  seen.insert("call");
  if (one_of(h, kBuiltins)) seen.insert("builtin " + h);
}

}  // namespace

const std::vector<std::string>& language_form_names() {
  static const std::vector<std::string> names = make_form_names();
  return names;
}

FuzzCoverage::FuzzCoverage()
    : opcode_programs_(size_t(kOpCount), 0), form_programs_(language_form_names().size(), 0) {}

void FuzzCoverage::add_forms(const std::vector<Node>& program) {
  std::set<std::string> seen;
  for (const Node& n : program) classify(n, seen);
  const auto& names = language_form_names();
  for (size_t i = 0; i < names.size(); i++)
    if (seen.count(names[i])) form_programs_[i]++;
}

bool FuzzCoverage::add_executed_opcodes(const std::string& file, const std::string& text) {
  std::vector<uint64_t> counts(size_t(kOpCount), 0);
  RunOptions ro;
  ro.vm.max_steps = 100000;    // mutated bytecode may loop: every cycle passes a counted LOOP
  ro.vm.max_heap = 64u << 20;  // and a loop may allocate
  ro.op_counts = counts.data();
  run_source(file, text, ro, nullptr);  // output captured and dropped
  for (size_t op = 0; op < counts.size(); op++)
    if (counts[op] > 0) opcode_programs_[op]++;
  return counts[size_t(Op::LOOP)] > 0;
}

std::vector<std::string> FuzzCoverage::unreached_opcodes() const {
  std::vector<std::string> out;
  for (int op = 0; op < kOpCount; op++)
    if (opcode_programs_[size_t(op)] == 0) out.push_back(kOpInfo[op].name);
  return out;
}

std::vector<std::string> FuzzCoverage::unreached_forms() const {
  std::vector<std::string> out;
  const auto& names = language_form_names();
  for (size_t i = 0; i < names.size(); i++)
    if (form_programs_[i] == 0) out.push_back(names[i]);
  return out;
}

}  // namespace gene::harness
