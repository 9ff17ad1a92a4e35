#include "harness/report_markdown.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "harness/peers.h"
#include "harness/svg_chart.h"
#include "harness/warmup.h"

namespace gene::harness {

namespace {

std::string fmt(const std::optional<double>& v, const char* f) {
  if (!v) return "–";
  char buf[48];
  std::snprintf(buf, sizeof buf, f, *v);
  return buf;
}

// Markdown table cells cannot hold '|' or newlines.
std::string cell(std::string s) {
  for (auto& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  std::string o;
  for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
  return o;
}

// The warm-up table: per row with iteration series, the medians over its executions of the first
// iteration, the iterations and time before the steady state and the steady time, and the class.
std::string warmup_section(const Report& r, const std::vector<std::string>& programs,
                           const std::vector<std::string>& names, const std::string& svg_file) {
  std::string s =
      "\n## Warm-up\n\nEvery in-process iteration of each execution (child process) is kept in the JSON "
      "(`iteration_series`): Google Benchmark's warm-up and calibration runs first, then its timed batch. An iteration "
      "is a whole run in a fresh VM, so what can warm up across iterations is the process (caches, allocator, page "
      "faults, lazily bound code), not the JIT: every iteration interprets, compiles and runs the program anew, and its "
      "compiles are in the chart. Each execution's series is cut into segments by PELT changepoint detection and "
      "classified as Barrett et al. do (OOPSLA 2017): *flat* (one steady level), *warm-up* (the last segment is the "
      "fastest), *slowdown* (an earlier segment was faster), *no steady state* (the last change falls in the final "
      "quarter), *short* (fewer than " +
      std::to_string(kWarmupMinIterations) +
      " iterations: not classified; `bench --iterations N` runs more); *inconsistent* when the classified executions "
      "disagree. Numbers are medians over the executions (the steady ones over those with a steady state); see "
      "docs/report-schema.md.\n\n";
  if (!svg_file.empty()) s += "![In-process iteration times per program and tier](" + svg_file + ")\n\n";
  s += "| program | tier | mode | iterations | first iteration ms | iterations to steady state | time to steady ms | "
       "steady ms | class |\n|---|---|---|---:|---:|---:|---:|---:|---|\n";
  for (size_t p = 0; p < programs.size(); ++p)
    for (const auto& row : r.rows) {
      if (row.program != programs[p] || row.iteration_series.empty()) continue;
      size_t lo = SIZE_MAX, hi = 0;
      for (const auto& x : row.iteration_series) {
        lo = std::min(lo, x.times_ms.size());
        hi = std::max(hi, x.times_ms.size());
      }
      std::string n = lo == hi ? std::to_string(lo) : std::to_string(lo) + "–" + std::to_string(hi);
      std::string cls = describe_warmup_class(row.warmup_class, row.iteration_series);
      s += "| " + cell(names[p]) + " | " + row.tier + " | " + row.mode + (row.gc_stress ? " gc-stress" : "") + " | " + n +
           " | " + fmt(row.first_iteration_ms, "%.3f") + " | " + fmt(row.steady_iteration, "%g") + " | " +
           fmt(row.time_to_steady_ms, "%.3f") + " | " + fmt(row.steady_ms, "%.3f") + " | " + cls + " |\n";
    }
  return s;
}

}  // namespace

std::string report_to_markdown(const Report& r, const std::string& svg_file, const std::string& warmup_svg_file) {
  const Environment& e = r.environment;
  std::string s = "# Gene " + r.kind + " report: " + r.name + "\n\n";
  s += "| | |\n|---|---|\n";
  s += "| created | " + r.created + " |\n";
  s += "| git commit | `" + e.git_commit + "`" + (e.git_dirty ? " (uncommitted changes)" : "") + " |\n";
  s += "| build | " + cell(e.build_type) + ", " + cell(e.compiler) + " |\n";
  s += "| machine | " + cell(e.cpu_model) + " × " + std::to_string(e.cpu_count) + ", " + cell(e.os) + " (" + cell(e.hostname) + ") |\n";
  if (!r.shards.empty()) {
    std::string sh;
    for (const auto& x : r.shards) sh += (sh.empty() ? "" : ", ") + x;
    s += "| shards | " + sh + " |\n";
  }
  s += "| settings | `" + cell(r.settings.dump()) + "` |\n\n";

  if (!svg_file.empty()) s += "![Speedup over the interpreter per program and tier](" + svg_file + ")\n\n";

  // Per tier and mode: how many rows, how many failed, geometric mean speedup (or, for
  // instruction counts, the geometric mean of instructions / interp instructions and the total).
  const bool insns = has_instructions(r);
  s += insns ? "## Tiers\n\n| tier | mode | rows | failed | geomean instructions vs interp | total instructions |\n"
               "|---|---|---:|---:|---:|---:|\n"
             : "## Tiers\n\n| tier | mode | rows | failed | geomean speedup [95% bootstrap interval] |\n"
               "|---|---|---:|---:|---:|\n";
  for (const auto& tier : report_tiers(r)) {
    for (const char* mode : {"default", "eager"}) {
      int rows = 0, failed = 0;
      for (const auto& row : r.rows) {
        if (row.tier != tier || row.mode != mode || row.gc_stress) continue;
        ++rows;
        if (is_failure_status(row.status)) ++failed;
      }
      if (rows == 0) continue;
      if (insns) {
        double log_sum = 0, total = 0;
        int n = 0;
        for (const auto& row : r.rows) {
          if (row.tier != tier || row.mode != mode || row.gc_stress) continue;
          if (row.instructions) total += *row.instructions;
          if (row.instructions_vs_interp && *row.instructions_vs_interp > 0) log_sum += std::log(*row.instructions_vs_interp), ++n;
        }
        std::optional<double> g;
        if (n) g = std::exp(log_sum / n);
        s += "| " + tier + " | " + mode + " | " + std::to_string(rows) + " | " + std::to_string(failed) + " | " +
             fmt(g, "%.3f") + " | " + fmt(total, "%.0f") + " |\n";
        continue;
      }
      auto g = r.kind == "bench" ? geomean_speedup(r, tier, mode) : std::nullopt;
      auto ci = g ? geomean_speedup_ci(r, tier, mode) : std::nullopt;
      std::string interval = ci ? " [" + fmt(ci->first, "%.2f") + "–" + fmt(ci->second, "%.2f") + "]" : "";
      s += "| " + tier + " | " + mode + " | " + std::to_string(rows) + " | " + std::to_string(failed) + " | " +
           fmt(g, "%.2f×") + interval + " |\n";
    }
  }

  std::vector<std::string> programs = report_programs(r);
  std::vector<std::string> names = short_program_names(programs);
  auto short_name = [&](const std::string& p) {
    for (size_t i = 0; i < programs.size(); ++i)
      if (programs[i] == p) return names[i];
    return p;
  };

  if (r.kind == "bench" && has_instructions(r)) {
    s += "\n## Rows\n\nInstructions executed by one `gene run` under cachegrind (start-up, compilation and "
         "JIT-generated code included); `vs interp` is instructions / the interpreter's for the same program (below 1: "
         "fewer); jit / interp loop / runtime split them by where they ran (see docs/report-schema.md).\n\n";
    s += "| program | tier | mode | status | instructions | vs interp | jit | interp loop | runtime |\n"
         "|---|---|---|---|---:|---:|---:|---:|---:|\n";
    auto pct = [](const std::optional<double>& part, const std::optional<double>& total) {
      std::optional<double> p;
      if (part && total && *total > 0) p = *part / *total * 100;
      return p;
    };
    for (const auto& row : r.rows)
      s += "| " + cell(short_name(row.program)) + " | " + row.tier + " | " + row.mode + " | " + row.status + " | " +
           fmt(row.instructions, "%.0f") + " | " + fmt(row.instructions_vs_interp, "%.3f") + " | " +
           fmt(pct(row.instructions_jit, row.instructions), "%.1f%%") + " | " +
           fmt(pct(row.instructions_interp, row.instructions), "%.1f%%") + " | " +
           fmt(pct(row.instructions_runtime, row.instructions), "%.1f%%") + " |\n";
  } else if (r.kind == "bench") {
    s += "\n## Rows\n\nTimes are the median wall time of one whole run (compile and execute) in ms; spread is the "
         "coefficient of variation over the repetitions (each a separate child process); brackets give the "
         "95% bootstrap interval of the speedup, resampling those executions.\n\n";
    s += "| program | tier | mode | status | median ms | spread | speedup | peak heap KiB | peak RSS KiB | compile ms | "
         "code bytes | functions | deopts | inlined |\n|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& row : r.rows) {
      std::optional<double> heap_kib, rss_kib;
      if (row.peak_heap_bytes) heap_kib = *row.peak_heap_bytes / 1024;
      if (row.peak_rss_bytes) rss_kib = *row.peak_rss_bytes / 1024;
      std::optional<double> cv_pct;
      if (row.time_cv) cv_pct = *row.time_cv * 100;
      std::optional<double> inlined;  // the inline tier's (and auto's) inlined call sites
      if (auto it = row.engine_stats.find("inlined_sites"); it != row.engine_stats.end()) inlined = it->second;
      s += "| " + cell(short_name(row.program)) + " | " + row.tier + " | " + row.mode + (row.gc_stress ? " gc-stress" : "") +
           " | " + row.status + " | " + fmt(row.time_median_ms, "%.3f") + " | " + fmt(cv_pct, "%.1f%%") + " | " +
           fmt(row.speedup, "%.2f×") +
           (row.speedup_ci_low && row.speedup_ci_high
                ? " [" + fmt(row.speedup_ci_low, "%.2f") + "–" + fmt(row.speedup_ci_high, "%.2f") + "]"
                : std::string()) +
           " | " + fmt(heap_kib, "%.0f") + " | " + fmt(rss_kib, "%.0f") + " | " +
           fmt(row.compile_time_ms, "%.3f") + " | " + fmt(row.code_bytes, "%.0f") + " | " +
           fmt(row.functions_compiled, "%.0f") + " | " + fmt(row.deopts, "%.0f") + " | " + fmt(inlined, "%.0f") + " |\n";
    }
  }

  if (r.kind == "bench" && std::any_of(r.rows.begin(), r.rows.end(), [](const Row& x) { return !x.iteration_series.empty(); }))
    s += warmup_section(r, programs, names, warmup_svg_file);

  if (!r.peers.empty()) {
    s += "\n## Peers\n\nThe same benchmark in other languages (`bench/peers/`), timed as a subprocess (wall time of the "
         "whole process; the C compile is not timed) in the same run as our rows. A peer cell is `median ms (a× / b×)`: "
         "the peer's time divided by our interpreter's (a) and by our best tier's (b); below 1× the peer is faster. "
         "`–`: no such peer or runtime not installed; FAIL/ERROR: wrong output or did not run.\n\n";
    std::vector<std::string> peer_names = report_peer_names(r);
    s += "| program | interp ms | best tier ms |";
    std::string align = "|---|---:|---:|";
    for (const auto& n : peer_names) {
      s += " " + cell(n) + " |";
      align += "---:|";
    }
    s += "\n" + align + "\n";
    std::vector<std::string> peer_programs;
    for (const auto& p : r.peers)
      if (std::find(peer_programs.begin(), peer_programs.end(), p.program) == peer_programs.end())
        peer_programs.push_back(p.program);
    for (const auto& prog : peer_programs) {
      const PeerRow* first = nullptr;
      for (const auto& p : r.peers)
        if (p.program == prog) {
          first = &p;
          break;
        }
      s += "| " + cell(short_name(prog)) + " | " + fmt(first->interp_median_ms, "%.1f") + " | " +
           (first->best_tier.empty() ? std::string("–") : cell(first->best_tier) + " " + fmt(first->best_median_ms, "%.1f")) +
           " |";
      for (const auto& n : peer_names) {
        const PeerRow* pr = nullptr;
        for (const auto& p : r.peers)
          if (p.program == prog && p.peer == n) pr = &p;
        std::string c = "–";
        if (pr) {
          c = pr->status == "fail" ? "FAIL " : pr->status == "error" ? "ERROR " : "";
          if (pr->time_median_ms)
            c += fmt(pr->time_median_ms, "%.1f") + " (" + fmt(pr->vs_interp, "%.2f×") + " / " + fmt(pr->vs_best, "%.2f×") + ")";
        }
        s += " " + c + " |";
      }
      s += "\n";
    }
  }

  std::string failures;
  for (const auto& p : r.peers)
    if (p.status == "fail" || p.status == "error")
      failures += "* peer " + cell(p.peer) + " of `" + p.program + "`: " + p.status +
                  (p.detail.empty() ? "" : " — " + cell(p.detail.substr(0, 300))) + "\n";
  for (const auto& row : r.rows)
    if (is_failure_status(row.status))
      failures += "* `" + row.program + "` on " + row.tier + " (" + row.mode + (row.gc_stress ? ", gc-stress" : "") +
                  "): " + row.status + (row.detail.empty() ? "" : " — " + cell(row.detail.substr(0, 300))) + "\n";
  s += "\n## Failures\n\n" + (failures.empty() ? std::string("None.\n") : failures);
  return s;
}

}  // namespace gene::harness
