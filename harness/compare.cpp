#include "harness/compare.h"

#include <cstdio>
#include <map>
#include <ostream>

#include "harness/exit_codes.h"
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

CompareSummary compare_reports(const Report& base, const Report& now, const CompareOptions& opts) {
  CompareSummary s;
  std::map<std::string, const Row*> base_rows, new_rows;
  for (const auto& r : base.rows) base_rows[r.key()] = &r;
  for (const auto& r : now.rows) new_rows[r.key()] = &r;

  TextTable table({"program", "tier", "mode", "status", "base speedup", "new speedup", "ratio", "change"},
                  {false, false, false, false, true, true, true, false});
  auto mode_of = [](const Row& r) { return r.mode + (r.gc_stress ? "+gc" : ""); };

  // Rows in NEW order, then rows that disappeared.
  for (const auto& r : now.rows) {
    auto it = base_rows.find(r.key());
    if (it == base_rows.end()) {
      ++s.added;
      if (opts.all_rows) table.add({r.program, r.tier, mode_of(r), r.status, "-", fmt(r.speedup), "-", "new"});
      continue;
    }
    const Row& b = *it->second;
    ++s.compared;
    std::string change;
    std::optional<double> ratio;
    if (b.status != r.status) {
      ++s.correctness_changes;
      change = "CORRECTNESS " + b.status + " -> " + r.status;
    }
    // The interpreter's own speedup is 1 by definition: nothing to compare.
    if (r.tier != "interp" && b.speedup && r.speedup && *b.speedup > 0) {
      ratio = *r.speedup / *b.speedup;
      if (*ratio < 1 - opts.tolerance) {
        ++s.regressions;
        if (change.empty()) change = "REGRESSION";
        else change += ", REGRESSION";
      } else if (*ratio > 1 + opts.tolerance && change.empty()) {
        ++s.improvements;
        change = "faster";
      }
    }
    std::string status = b.status == r.status ? r.status : b.status + " -> " + r.status;
    if (!change.empty() || opts.all_rows)
      table.add({r.program, r.tier, mode_of(r), status, fmt(b.speedup), fmt(r.speedup), fmt(ratio, "%.3f"),
                 change.empty() ? "=" : change});
  }
  for (const auto& b : base.rows) {
    if (new_rows.count(b.key())) continue;
    ++s.missing;
    table.add({b.program, b.tier, mode_of(b), b.status + " -> (absent)", fmt(b.speedup), "-", "-", "missing"});
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
  TextTable tiers({"tier", "base geomean", "new geomean", "ratio", "change"}, {false, true, true, true, false});
  for (const auto& t : report_tiers(now_common)) {
    if (t == "interp") continue;
    auto gb = geomean_speedup(base_common, t), gn = geomean_speedup(now_common, t);
    std::optional<double> ratio;
    if (gb && gn && *gb > 0) ratio = *gn / *gb;
    std::string change;
    if (ratio && opts.geomean_tolerance && *ratio < 1 - *opts.geomean_tolerance) {
      ++s.tier_regressions;
      change = "REGRESSION";
    }
    tiers.add({t, fmt(gb, "%.2fx"), fmt(gn, "%.2fx"), fmt(ratio, "%.3f"), change});
  }
  if (!tiers.empty()) out += "\n" + tiers.render();
  s.table = out;
  return s;
}

int run_compare(const std::string& base_path, const std::string& new_path, const CompareOptions& opts,
                std::ostream& out, std::ostream& err) {
  if (!(opts.tolerance >= 0 && opts.tolerance < 1) ||
      (opts.geomean_tolerance && !(*opts.geomean_tolerance >= 0 && *opts.geomean_tolerance < 1))) {
    err << "gene-harness compare: tolerances must be in [0, 1)\n";
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
  out << "base: " << describe_context(base) << "\nnew:  " << describe_context(now) << "\n\n" << s.table << "\n";
  char tol[32];
  std::snprintf(tol, sizeof tol, "%.0f%%", opts.tolerance * 100);
  out << "compare: " << s.compared << " rows compared, " << s.correctness_changes << " correctness changes, "
      << s.regressions << " speedup regressions beyond " << tol << ", " << s.tier_regressions
      << " tier geomean regressions, " << s.improvements << " improvements, "
      << s.added << " new, " << s.missing << " missing\n";
  return s.failed() ? kFailed : kOk;
}

}  // namespace gene::harness
