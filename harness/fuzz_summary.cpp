#include "harness/fuzz_summary.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/environment.h"
#include "interp/opcodes.h"

namespace gene::harness {

namespace {

constexpr int kSchemaVersion = 1;

std::string fixed(double v, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

nlohmann::json to_json(const FuzzSummary& s, const Environment& e, const std::string& created) {
  nlohmann::json failures = nlohmann::json::array();
  for (const FuzzFailure& f : s.failures)
    failures.push_back({{"seed", f.seed}, {"case", f.bytecode ? "bytecode" : "source"},
                        {"kind", f.crash ? "crash" : "divergence"}, {"saved", f.saved}});
  nlohmann::json ops = nlohmann::json::object(), forms = nlohmann::json::object();
  for (int op = 0; op < kOpCount; op++) ops[kOpInfo[op].name] = s.coverage.opcode_programs()[size_t(op)];
  const auto& names = language_form_names();
  for (size_t i = 0; i < names.size(); i++) forms[names[i]] = s.coverage.form_programs()[i];
  return {
      {"schema_version", kSchemaVersion},
      {"kind", "fuzz"},
      {"created", created},
      {"environment", {{"git_commit", e.git_commit}, {"git_dirty", e.git_dirty}, {"cpu_model", e.cpu_model},
                       {"cpu_count", e.cpu_count}, {"os", e.os}, {"compiler", e.compiler}, {"build_type", e.build_type}}},
      {"seeds", {{"first", s.first_seed}, {"last", s.last_seed}}},
      {"programs", s.programs},
      {"seconds", s.seconds},
      {"programs_per_minute", s.programs_per_minute()},
      {"jobs", s.jobs},
      {"variants", s.variants},
      {"interpreter_exits", {{"ok", s.exits[0]}, {"runtime_error", s.exits[1]}, {"compile_error", s.exits[2]}}},
      {"bytecode", {{"cases", s.bytecode_cases}, {"ok", s.bytecode_exits[0]}, {"runtime_error", s.bytecode_exits[1]},
                    {"rejected", s.bytecode_exits[2]}, {"looping", s.bytecode_looping},
                    {"step_limited", s.bytecode_step_limited}}},
      {"divergences", s.divergences()},
      {"crashes", s.crashes()},
      {"failures", failures},
      {"coverage", {{"opcodes_programs", ops}, {"forms_programs", forms},
                    {"opcodes_unreached", s.coverage.unreached_opcodes()},
                    {"forms_unreached", s.coverage.unreached_forms()}}},
  };
}

std::string to_markdown(const FuzzSummary& s, const Environment& e, const std::string& created) {
  std::string m = "# Gene fuzz summary\n\n| | |\n|---|---|\n";
  m += "| created | " + created + " |\n";
  m += "| git commit | `" + e.git_commit + "`" + (e.git_dirty ? " (uncommitted changes)" : "") + " |\n";
  m += "| machine | " + e.cpu_model + " × " + std::to_string(e.cpu_count) + ", " + e.os + " |\n";
  m += "| seeds | " + std::to_string(s.first_seed) + " .. " + std::to_string(s.last_seed) + " |\n";
  m += "| programs | " + std::to_string(s.programs) + " in " + fixed(s.seconds / 60.0, 1) + " min (" +
       fixed(s.programs_per_minute(), 1) + " per minute, -j " + std::to_string(s.jobs) + ") |\n";
  m += "| variants | " + std::to_string(s.variants.size()) + ": " + joined(s.variants, ", ") + " |\n";
  m += "| interpreter exits | " + std::to_string(s.exits[0]) + " ok, " + std::to_string(s.exits[1]) +
       " runtime error, " + std::to_string(s.exits[2]) + " compile error |\n";
  m += "| mutated bytecode | " + std::to_string(s.bytecode_cases) + " cases: " + std::to_string(s.bytecode_exits[0]) +
       " ok, " + std::to_string(s.bytecode_exits[1]) + " runtime error (" + std::to_string(s.bytecode_step_limited) +
       " at the step limit), " + std::to_string(s.bytecode_exits[2]) + " rejected; " +
       std::to_string(s.bytecode_looping) + " verified cases with loops |\n";
  m += "| divergences | " + std::to_string(s.divergences()) + " |\n";
  m += "| crashes, hangs | " + std::to_string(s.crashes()) + " |\n\n";
  if (!s.failures.empty()) {
    m += "## Failures\n\n| seed | case | kind | saved as |\n|---:|---|---|---|\n";
    for (const FuzzFailure& f : s.failures)
      m += "| " + std::to_string(f.seed) + " | " + (f.bytecode ? "bytecode" : "source") + " | " +
           (f.crash ? "crash" : "divergence") + " | " + (f.saved.empty() ? "not shrunk" : "`" + f.saved + "`") + " |\n";
    m += "\n";
  }
  auto unreached = [](const std::vector<std::string>& v) { return v.empty() ? std::string("none") : joined(v, ", "); };
  size_t nforms = language_form_names().size();
  m += "## Coverage\n\n";
  m += "Opcodes the interpreter executed on the generated programs and mutated bytecode: " +
       std::to_string(kOpCount - int(s.coverage.unreached_opcodes().size())) + " of " + std::to_string(kOpCount) +
       ". Never executed: " + unreached(s.coverage.unreached_opcodes()) + ".\n\n";
  m += "Language forms (SPEC §3) in the generated source: " +
       std::to_string(nforms - s.coverage.unreached_forms().size()) + " of " + std::to_string(nforms) +
       ". Never generated: " + unreached(s.coverage.unreached_forms()) + ".\n\n";
  m += "| form | programs |\n|---|---:|\n";
  for (size_t i = 0; i < nforms; i++)
    m += "| `" + language_form_names()[i] + "` | " + std::to_string(s.coverage.form_programs()[i]) + " |\n";
  m += "\n| opcode | programs |\n|---|---:|\n";
  for (int op = 0; op < kOpCount; op++)
    m += "| `" + std::string(kOpInfo[op].name) + "` | " + std::to_string(s.coverage.opcode_programs()[size_t(op)]) + " |\n";
  return m;
}

}  // namespace

uint64_t FuzzSummary::divergences() const {
  uint64_t n = 0;
  for (const auto& f : failures) n += !f.crash;
  return n;
}

uint64_t FuzzSummary::crashes() const {
  uint64_t n = 0;
  for (const auto& f : failures) n += f.crash;
  return n;
}

std::string summary_line(const FuzzSummary& s) {
  return "fuzz: " + std::to_string(s.programs) + " programs in " + fixed(s.seconds, 0) + " s (" +
         fixed(s.programs_per_minute(), 1) + "/min) x " + std::to_string(s.variants.size()) + " variants: " +
         std::to_string(s.divergences()) + " divergences, " + std::to_string(s.crashes()) + " crashes; coverage: " +
         std::to_string(kOpCount - int(s.coverage.unreached_opcodes().size())) + "/" + std::to_string(kOpCount) +
         " opcodes, " + std::to_string(language_form_names().size() - s.coverage.unreached_forms().size()) + "/" +
         std::to_string(language_form_names().size()) + " forms";
}

bool write_fuzz_summary(const FuzzSummary& s, const std::string& dir, const std::string& name, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  Environment e = current_environment();
  std::string created = utc_timestamp();
  std::string base = (std::filesystem::path(dir) / name).string();
  std::ofstream json(base + ".json", std::ios::trunc);
  json << to_json(s, e, created).dump(2) << "\n";
  std::ofstream md(base + ".md", std::ios::trunc);
  md << to_markdown(s, e, created);
  if (!json || !md) {
    error = "cannot write " + base + ".json / .md";
    return false;
  }
  return true;
}

}  // namespace gene::harness
