// Benchmark history: one line per bench report in a JSON Lines file (reports/history.jsonl),
// and an SVG of each tier's trend across them. A line is a report's summary, small enough to
// keep forever in the repository: commit, date, machine, metric, and per tier its geomean
// speedup over the interpreter (time reports) or its geomean instruction ratio and total
// (instruction reports). docs/report-schema.md, "History", documents the line format.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/report.h"

namespace gene::harness {

inline constexpr const char* kHistorySchemaName = "gene-harness-history";
inline constexpr int kHistorySchemaVersion = 1;

struct HistoryTier {
  std::string tier;
  int rows = 0, failed = 0;
  std::optional<double> geomean_speedup;       // time: interp median / tier median
  std::optional<double> geomean_ci_low, geomean_ci_high;  // time: its 95% bootstrap interval
  std::optional<double> geomean_instructions;  // instructions: interp count / tier count
  std::optional<double> instructions_total;    // instructions: sum over the tier's rows
};

struct HistoryEntry {
  std::string name, created, commit, machine, metric;  // metric: "time" or "instructions"
  std::vector<HistoryTier> tiers;
};

// The summary of a bench report (default-mode rows only, as the report's tier table).
HistoryEntry summarize_report(const Report& r);
nlohmann::json history_entry_to_json(const HistoryEntry& e);
bool history_entry_from_json(const nlohmann::json& j, HistoryEntry& out, std::string& error);

// Reads a history file (a missing file is an empty history); errors name the file and line.
bool load_history(const std::string& path, std::vector<HistoryEntry>& out, std::string& error);
// Appends one line; creates the file if needed.
bool append_history(const std::string& path, const HistoryEntry& e, std::string& error);

// One line per tier across the entries of one metric (time entries unless there are none):
// the tier's geomean speedup over the interpreter at each entry, x labelled by short commit.
std::string history_svg(const std::vector<HistoryEntry>& entries);

}  // namespace gene::harness

namespace gene::harness {

// `gene-harness history [REPORT.json...] --file F --svg S`: appends each bench report's
// summary to F, then redraws S from the whole of F and prints the latest entry per tier.
// 0 ok; 3 a report or the history file cannot be read, or a report is not a bench report.
int run_history(const std::vector<std::string>& reports, const std::string& file, const std::string& svg,
                std::ostream& out, std::ostream& err);

}  // namespace gene::harness
