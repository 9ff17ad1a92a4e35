#include "harness/compare.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>

#include "harness/exit_codes.h"
#include "harness/statistics.h"
#include "harness/text_table.h"

namespace gene::harness {

namespace {

std::string fmt(const std::optional<double>& v, const char* f = "%.2f") {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, f, *v);
  return buf;
}

std::string describe_context(const Report& r) {
  return r.name + " (" + r.created + ", " + r.environment.git_commit.substr(0, 12) +
         (r.environment.git_dirty ? " dirty" : "") + ", " + r.environment.cpu_model + ")";
}

}  // namespace

namespace {

// The number the instruction gate compares for a row under the chosen basis.
std::optional<double> instruction_value(const Row& r, const CompareOptions& opts) {
  if (opts.instructions_basis == "vs-interp") {
    if (r.tier == "interp") return std::nullopt;  // 1 by definition
    return r.instructions_vs_interp;
  }
  return r.instructions;
}

// Per-execution speedups of `row`: its interp row's median over each of its samples. Empty
// when either has fewer than two samples (reports before schema 3, or one repetition).
std::vector<double> execution_speedups(const Row& row, const std::map<std::string, const Row*>& rows) {
  Row key;
  key.program = row.program;
  key.tier = "interp";
  key.gc_stress = row.gc_stress;
  auto it = rows.find(key.key());
  std::vector<double> out;
  if (it == rows.end() || !it->second->time_median_ms || row.time_samples_ms.size() < 2 ||
      it->second->time_samples_ms.size() < 2)
    return out;
  for (double t : row.time_samples_ms)
    if (t > 0) out.push_back(*it->second->time_median_ms / t);
  return out;
}

std::string append_change(const std::string& change, const std::string& what) {
  return change.empty() ? what : change + ", " + what;
}

}  // namespace

CompareSummary compare_reports(const Report& base, const Report& now, const CompareOptions& opts) {
  CompareSummary s;
  s.time_gate = opts.time_gate;
  std::map<std::string, const Row*> base_rows, new_rows;
  for (const auto& r : base.rows) base_rows[r.key()] = &r;
  for (const auto& r : now.rows) new_rows[r.key()] = &r;

  // Which column groups to show: speedups and/or instruction counts, whichever both reports have
  // on some common row (speedups when neither, as for check reports).
  bool show_time = false, show_insns = false;
  for (const auto& r : now.rows) {
    auto it = base_rows.find(r.key());
    if (it == base_rows.end()) continue;
    show_time |= r.speedup && it->second->speedup;
    show_insns |= r.instructions && it->second->instructions;
  }
  if (!show_time && !show_insns) show_time = true;

  std::vector<std::string> headers = {"program", "tier", "mode", "status"};
  std::vector<bool> right = {false, false, false, false};
  if (show_time) {
    for (const char* h : {"base speedup", "new speedup", "ratio"}) headers.push_back(h), right.push_back(true);
  }
  if (show_insns) {
    for (const char* h : {"base instructions", "new instructions", "insn ratio", "base vs interp", "new vs interp"})
      headers.push_back(h), right.push_back(true);
  }
  headers.push_back("change");
  right.push_back(false);
  TextTable table(headers, right);
  auto mode_of = [](const Row& r) { return r.mode + (r.gc_stress ? "+gc" : ""); };
  auto add_row = [&](const Row& r, const std::string& status, const Row* b, const std::optional<double>& ratio,
                     const std::optional<double>& insn_ratio, const std::string& change) {
    std::vector<std::string> cells = {r.program, r.tier, mode_of(r), status};
    if (show_time) {
      cells.push_back(b ? fmt(b->speedup) : "-");
      cells.push_back(fmt(r.speedup));
      cells.push_back(fmt(ratio, "%.3f"));
    }
    if (show_insns) {
      cells.push_back(b ? fmt(b->instructions, "%.0f") : "-");
      cells.push_back(fmt(r.instructions, "%.0f"));
      cells.push_back(fmt(insn_ratio, "%.4f"));
      cells.push_back(b ? fmt(b->instructions_vs_interp, "%.3f") : "-");
      cells.push_back(fmt(r.instructions_vs_interp, "%.3f"));
    }
    cells.push_back(change);
    table.add(cells);
  };

  // Rows in NEW order, then rows that disappeared.
  for (const auto& r : now.rows) {
    auto it = base_rows.find(r.key());
    if (it == base_rows.end()) {
      ++s.added;
      if (opts.all_rows) add_row(r, r.status, nullptr, std::nullopt, std::nullopt, "new");
      continue;
    }
    const Row& b = *it->second;
    ++s.compared;
    std::string change;
    std::optional<double> ratio, insn_ratio;
    if (b.status != r.status) {
      ++s.correctness_changes;
      change = "CORRECTNESS " + b.status + " -> " + r.status;
    }
    // The interpreter's own speedup is 1 by definition: nothing to compare.
    if (r.tier != "interp" && b.speedup && r.speedup && *b.speedup > 0) {
      ratio = *r.speedup / *b.speedup;
      // Beyond the tolerance is a change only if the executions say so too (Mann-Whitney U on
      // the per-execution speedups, when both reports have samples): otherwise inconclusive.
      std::vector<double> sb = execution_speedups(b, base_rows), sn = execution_speedups(r, new_rows);
      bool tested = !sb.empty() && !sn.empty();
      double p = tested ? mann_whitney_p(sb, sn) : 0;
      bool significant = !tested || p < opts.significance;
      char pv[32];
      std::snprintf(pv, sizeof pv, " (p=%.3f)", p);
      if (*ratio < 1 - opts.tolerance && significant) {
        ++s.regressions;
        change = append_change(change, std::string(opts.time_gate ? "REGRESSION" : "slower (not gated)") + (tested ? pv : ""));
      } else if (*ratio > 1 + opts.tolerance && significant && change.empty()) {
        ++s.improvements;
        change = std::string("faster") + (tested ? pv : "");
      } else if ((*ratio < 1 - opts.tolerance || *ratio > 1 + opts.tolerance) && change.empty()) {
        ++s.inconclusive;
        change = std::string("inconclusive") + pv;
      }
    }
    // Instructions: more is worse (the inverse sense of a speedup).
    auto vb = instruction_value(b, opts), vn = instruction_value(r, opts);
    if (vb && vn && *vb > 0 && *vn > 0) {
      ++s.instructions_compared;
      insn_ratio = *vn / *vb;
      if (*insn_ratio > 1 + opts.instructions_tolerance) {
        ++s.instruction_regressions;
        change = append_change(change, "INSTRUCTIONS REGRESSION");
      } else if (*insn_ratio < 1 - opts.instructions_tolerance && change.empty()) {
        ++s.instruction_improvements;
        change = "fewer instructions";
      }
    }
    // A unit its tier could not compile runs in the tier below: the output is right and the
    // time may barely move, but the tier's code is gone. More of them than the base had fails.
    auto fb = b.engine_stats.find("compile_failures"), fn = r.engine_stats.find("compile_failures");
    if (fb != b.engine_stats.end() && fn != r.engine_stats.end() && fn->second > fb->second) {
      ++s.compile_failure_increases;
      char what[64];
      std::snprintf(what, sizeof what, "COMPILE FAILURES %.0f -> %.0f", fb->second, fn->second);
      change = append_change(change, what);
    }
    std::string status = b.status == r.status ? r.status : b.status + " -> " + r.status;
    if (!change.empty() || opts.all_rows) add_row(r, status, &b, ratio, insn_ratio, change.empty() ? "=" : change);
  }
  for (const auto& b : base.rows) {
    if (new_rows.count(b.key())) continue;
    ++s.missing;
    std::vector<std::string> cells = {b.program, b.tier, mode_of(b), b.status + " -> (absent)"};
    if (show_time) cells.insert(cells.end(), {fmt(b.speedup), "-", "-"});
    if (show_insns) cells.insert(cells.end(), {fmt(b.instructions, "%.0f"), "-", "-", fmt(b.instructions_vs_interp, "%.3f"), "-"});
    cells.push_back("missing");
    table.add(cells);
  }

  std::string out;
  if (!table.empty()) out += table.render();
  else out += "(no changes beyond the tolerance)\n";

  // Per-tier geometric means give the milestone-level picture. They are taken over the
  // programs present in both reports, so adding a benchmark does not move them.
  Report base_common = base, now_common = now;
  auto keep_common = [](Report& r, const std::map<std::string, const Row*>& other) {
    std::erase_if(r.rows, [&](const Row& row) { return !other.count(row.key()); });
  };
  keep_common(base_common, new_rows);
  keep_common(now_common, base_rows);
  if (show_time) {
    TextTable tiers({"tier", "base geomean", "new geomean", "ratio", "change"}, {false, true, true, true, false});
    for (const auto& t : report_tiers(now_common)) {
      if (t == "interp") continue;
      auto gb = geomean_speedup(base_common, t), gn = geomean_speedup(now_common, t);
      std::optional<double> ratio;
      if (gb && gn && *gb > 0) ratio = *gn / *gb;
      std::string change;
      if (ratio && opts.geomean_tolerance && *ratio < 1 - *opts.geomean_tolerance) {
        ++s.tier_regressions;
        change = opts.time_gate ? "REGRESSION" : "slower (not gated)";
      }
      tiers.add({t, fmt(gb, "%.2fx"), fmt(gn, "%.2fx"), fmt(ratio, "%.3f"), change});
    }
    if (!tiers.empty()) out += "\n" + tiers.render();
  }
  if (show_insns) {
    // Per tier and mode: the geometric mean of the per-row instruction ratios new/base. A small
    // change spread over many programs (a slower helper, a longer prologue) shows here even when
    // every single row stays within the per-row tolerance.
    TextTable tiers({"tier", "mode", "rows", "geomean insn ratio", "change"}, {false, false, true, true, false});
    for (const auto& t : report_tiers(now_common)) {
      for (const char* mode : {"default", "eager"}) {
        double log_sum = 0;
        int n = 0;
        for (const auto& r : now_common.rows) {
          if (r.tier != t || r.mode != mode || r.gc_stress) continue;
          const Row& b = *base_rows.at(r.key());
          auto vb = instruction_value(b, opts), vn = instruction_value(r, opts);
          if (!vb || !vn || *vb <= 0 || *vn <= 0) continue;
          log_sum += std::log(*vn / *vb);
          ++n;
        }
        if (n == 0) continue;
        double g = std::exp(log_sum / n);
        std::string change;
        if (g > 1 + opts.instructions_geomean_tolerance) {
          ++s.instruction_tier_regressions;
          change = "INSTRUCTIONS REGRESSION";
        } else if (g < 1 - opts.instructions_geomean_tolerance) {
          change = "fewer instructions";
        }
        tiers.add({t, mode, std::to_string(n), fmt(g, "%.4f"), change});
      }
    }
    if (!tiers.empty()) out += "\n" + tiers.render();
  }
  s.table = out;
  return s;
}

int run_compare(const std::string& base_path, const std::string& new_path, const CompareOptions& opts,
                std::ostream& out, std::ostream& err) {
  if (!(opts.tolerance >= 0 && opts.tolerance < 1) ||
      (opts.geomean_tolerance && !(*opts.geomean_tolerance >= 0 && *opts.geomean_tolerance < 1)) ||
      !(opts.instructions_tolerance >= 0 && opts.instructions_tolerance < 1) ||
      !(opts.instructions_geomean_tolerance >= 0 && opts.instructions_geomean_tolerance < 1)) {
    err << "gene-harness compare: tolerances must be in [0, 1)\n";
    return kUsage;
  }
  if (opts.instructions_basis != "absolute" && opts.instructions_basis != "vs-interp") {
    err << "gene-harness compare: --instructions-basis must be 'absolute' or 'vs-interp'\n";
    return kUsage;
  }
  Report base, now;
  std::string error;
  if (!load_report(base_path, base, error) || !load_report(new_path, now, error)) {
    err << "gene-harness compare: " << error << "\n";
    return kBadInput;
  }
  if (base.kind != now.kind) {
    err << "gene-harness compare: cannot compare a " << base.kind << " report with a " << now.kind << " report\n";
    return kBadInput;
  }
  CompareSummary s = compare_reports(base, now, opts);
  out << "base: " << describe_context(base) << "\nnew:  " << describe_context(now) << "\n";
  if (has_instructions(base) != has_instructions(now))
    out << "note: only the " << (has_instructions(base) ? "base" : "new")
        << " report has instruction counts (bench --metric instructions): they are not compared\n";
  out << "\n" << s.table << "\n";
  char tol[32];
  std::snprintf(tol, sizeof tol, "%.0f%%", opts.tolerance * 100);
  out << "compare: " << s.compared << " rows compared, " << s.correctness_changes << " correctness changes, "
      << s.regressions << " speedup regressions beyond " << tol << ", " << s.tier_regressions
      << " tier geomean regressions" << (opts.time_gate ? "" : " (wall time not gated)") << ", " << s.improvements
      << " improvements, " << s.inconclusive << " inconclusive, " << s.added << " new, " << s.missing << " missing, "
      << s.compile_failure_increases << " rows with more compile failures\n";
  if (s.instructions_compared > 0) {
    char itol[64];
    std::snprintf(itol, sizeof itol, "%.1f%% per row, %.1f%% per tier geomean", opts.instructions_tolerance * 100,
                  opts.instructions_geomean_tolerance * 100);
    out << "compare: instructions (" << opts.instructions_basis << "): " << s.instructions_compared << " rows compared, "
        << s.instruction_regressions << " row regressions and " << s.instruction_tier_regressions
        << " tier regressions beyond " << itol << ", " << s.instruction_improvements << " rows with fewer instructions\n";
  }
  return s.failed() ? kFailed : kOk;
}

}  // namespace gene::harness
