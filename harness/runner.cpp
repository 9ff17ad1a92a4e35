#include "harness/runner.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/corpus.h"
#include "harness/process.h"
#include "harness/temp_dir.h"
#include "interp/run.h"

namespace fs = std::filesystem;

namespace gene::harness {

namespace {

// Reads the outcome JSON `gene run --outcome` wrote; empty optional if missing or malformed.
std::optional<Observation> read_outcome(const std::string& path, std::string& error,
                                        std::vector<std::pair<std::string, double>>& stats) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    error = "gene wrote no outcome file";
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(read_file_or_empty(path), nullptr, /*allow_exceptions=*/false);
  auto int_field = [&](const char* k) { return j.contains(k) && j[k].is_number_integer(); };
  auto str_field = [&](const char* k) { return j.contains(k) && j[k].is_string(); };
  if (j.is_discarded() || !j.is_object() || !int_field("exit") || !str_field("result") || !str_field("error_kind") ||
      !int_field("error_line") || !str_field("error_message")) {
    error = "gene wrote a malformed outcome file";
    return std::nullopt;
  }
  if (j.contains("engine_stats") && j["engine_stats"].is_object())
    for (const auto& [name, value] : j["engine_stats"].items())
      if (value.is_number()) stats.emplace_back(name, value.get<double>());
  Observation o;
  o.exit = j["exit"].get<int>();
  o.result = j["result"].get<std::string>();
  o.error_kind = j["error_kind"].get<std::string>();
  o.error_line = j["error_line"].get<int>();
  o.error_message = j["error_message"].get<std::string>();
  // Normalise fields the exit status says do not apply, so they never cause a spurious diff.
  if (o.exit == 0) {
    o.error_kind.clear();
    o.error_line = 0;
    o.error_message.clear();
  } else {
    o.result.clear();
  }
  return o;
}


}  // namespace

std::string default_gene_path() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "gene";
  return (self.parent_path() / "gene").string();
}

bool query_tiers(const std::string& gene, std::vector<std::string>& tiers, std::string& error) {
  if (access(gene.c_str(), X_OK) != 0) {
    error = "cannot run the gene binary '" + gene + "' (build it, or pass --gene PATH)";
    return false;
  }
  TempDir tmp;
  ProcessResult r = run_process({gene, "tiers"}, tmp.file("out"), tmp.file("err"), 30);
  if (!r.started || r.timed_out || r.signal || r.exit_code != 0) {
    error = "'" + gene + " tiers' failed: " + describe(r, 30) + "\n" + read_file_or_empty(tmp.file("err"));
    return false;
  }
  tiers.clear();
  std::istringstream lines(read_file_or_empty(tmp.file("out")));
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) tiers.push_back(line);
  if (tiers.empty() || tiers.front() != "interp") {
    error = "'" + gene + " tiers' did not list the interpreter (\"interp\") first";
    return false;
  }
  return true;
}

RunResult run_program(const std::string& gene, const std::string& program, const Variant& variant,
                      double timeout_seconds, const std::string& scratch, const std::vector<std::string>& wrapper) {
  RunResult rr;
  std::string out = scratch + "/stdout", err = scratch + "/stderr", outcome = scratch + "/outcome.json";
  std::error_code ec;
  fs::remove(outcome, ec);  // a stale outcome from the previous run must not be mistaken for this one

  std::vector<std::string> argv = wrapper;
  for (const char* a : {gene.c_str(), "run", program.c_str()}) argv.push_back(a);
  for (auto& a : variant.gene_args()) argv.push_back(a);
  for (auto& a : program_run_args(program)) argv.push_back(a);
  argv.push_back("--outcome");
  argv.push_back(outcome);

  ProcessResult p = run_process(argv, out, err, timeout_seconds);
  rr.seconds = p.seconds;
  rr.timed_out = p.timed_out;
  rr.signal = p.signal;
  rr.stderr_text = read_file_or_empty(err);
  if (!p.started || p.timed_out || p.signal || p.exit_code < 0 || p.exit_code > 2) {
    rr.failure = describe(p, timeout_seconds);
    if (!rr.stderr_text.empty()) rr.failure += "; stderr ends with:\n" + last_lines(rr.stderr_text, 5);
    return rr;
  }
  std::string error;
  auto o = read_outcome(outcome, error, rr.engine_stats);
  if (!o) {
    rr.failure = error + " (" + describe(p, timeout_seconds) + ")";
    if (!rr.stderr_text.empty()) rr.failure += ": " + last_lines(rr.stderr_text, 3);
    return rr;
  }
  if (o->exit != p.exit_code) {
    rr.failure = "outcome file says exit " + std::to_string(o->exit) + " but gene " + describe(p, timeout_seconds);
    return rr;
  }
  o->stdout_text = read_file_or_empty(out);
  rr.observation = std::move(o);
  return rr;
}

// The last n lines of text (for failure messages that quote a child's stderr).
std::string last_lines(const std::string& text, size_t n) {
  std::vector<std::string> lines;
  std::istringstream ss(text);
  for (std::string l; std::getline(ss, l);) lines.push_back(l);
  std::string out;
  for (size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i) out += (out.empty() ? "" : "\n") + lines[i];
  return out;
}

}  // namespace gene::harness
