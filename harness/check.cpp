#include "harness/check.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <ostream>
#include <thread>

#include "harness/exit_codes.h"
#include "harness/report_output.h"
#include "harness/runner.h"
#include "harness/temp_dir.h"
#include "harness/verdict.h"

namespace gene::harness {

bool resolve_tiers(const std::string& gene, const std::vector<std::string>& requested, std::vector<std::string>& tiers,
                   std::string& error, bool& gene_broken) {
  std::vector<std::string> available;
  gene_broken = false;
  if (!query_tiers(gene, available, error)) {
    gene_broken = true;
    return false;
  }
  if (requested.empty()) {
    tiers = available;
    return true;
  }
  tiers.clear();
  for (const auto& t : requested) {
    if (std::find(available.begin(), available.end(), t) == available.end()) {
      std::string list;
      for (const auto& a : available) list += (list.empty() ? "" : ", ") + a;
      error = "unknown tier '" + t + "' (this gene provides: " + list + ")";
      return false;
    }
    if (std::find(tiers.begin(), tiers.end(), t) == tiers.end()) tiers.push_back(t);
  }
  // The interpreter is the reference every other tier is compared with: always include it.
  if (std::find(tiers.begin(), tiers.end(), "interp") == tiers.end()) tiers.insert(tiers.begin(), "interp");
  return true;
}

namespace {

struct ProgramResult {
  std::vector<VariantRun> runs;
  Verdict verdict;
  bool done = false;
};

}  // namespace

int run_check(const std::vector<std::string>& paths, const CheckOptions& opts, std::ostream& out, std::ostream& err) {
  auto started = std::chrono::steady_clock::now();
  std::vector<std::string> tiers;
  std::string error;
  bool gene_broken = false;
  if (!resolve_tiers(opts.gene, opts.tiers, tiers, error, gene_broken)) {
    err << "gene-harness check: " << error << "\n";
    return gene_broken ? kBadInput : kUsage;
  }
  std::vector<Variant> variants = build_variants(tiers, opts.gc_stress);

  std::vector<std::string> missing;
  std::vector<std::string> all = collect_programs(paths, missing);
  for (const auto& m : missing) err << "gene-harness check: no such file or directory: " << m << "\n";
  if (!missing.empty()) return kBadInput;
  if (all.empty()) {
    err << "gene-harness check: no .gene or .gbc programs found\n";
    return kBadInput;
  }
  std::vector<std::string> programs = select_shard(all, opts.shard);

  // Workers take programs in order; results are printed in program order as soon as every
  // earlier program is done, so output is deterministic whatever -j is.
  std::vector<ProgramResult> results(programs.size());
  std::atomic<size_t> next{0};
  std::mutex print_mutex;
  size_t printed = 0;
  auto flush_ready = [&] {
    while (printed < results.size() && results[printed].done) {
      const ProgramResult& r = results[printed];
      if (!r.verdict.passed)
        out << (r.verdict.differs ? "FAIL " : "BAD  ") << programs[printed] << "\n" << r.verdict.details;
      else if (opts.verbose)
        out << "ok   " << programs[printed] << "\n";
      ++printed;
    }
    out.flush();
  };
  auto worker = [&] {
    TempDir scratch;
    for (size_t i; (i = next.fetch_add(1)) < programs.size();) {
      ProgramResult r;
      for (const auto& v : variants) r.runs.push_back({v, run_program(opts.gene, programs[i], v, opts.timeout_seconds, scratch.path())});
      r.verdict = judge(programs[i], load_expected(programs[i]), r.runs);
      r.done = true;
      std::lock_guard lock(print_mutex);
      results[i] = std::move(r);
      flush_ready();
    }
  };
  int jobs = std::max(1, std::min<int>(opts.jobs, int(programs.size())));
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();

  size_t passed = 0, failed = 0, bad = 0;
  for (const auto& r : results) {
    if (r.verdict.passed) ++passed;
    else if (r.verdict.differs) ++failed;
    else ++bad;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string labels;
  for (const auto& v : variants) labels += (labels.empty() ? "" : ", ") + v.label();
  char timing[32];
  std::snprintf(timing, sizeof timing, "%.1f s", secs);
  out << "check: " << programs.size() << " programs";
  if (opts.shard.count > 1) out << " (shard " << opts.shard.to_string() << " of " << all.size() << ")";
  out << " x " << variants.size() << " variants (" << labels << "): " << passed << " passed, " << failed << " failed";
  if (bad) out << ", " << bad << " without a usable expected file";
  out << " [" << timing << "]\n";

  if (!opts.report_dir.empty()) {
    Report rep;
    rep.kind = "check";
    rep.name = opts.report_name;
    rep.created = utc_timestamp();
    rep.environment = current_environment();
    rep.settings = {{"tiers", tiers}, {"gc_stress", opts.gc_stress}, {"timeout_s", opts.timeout_seconds}, {"gene", opts.gene}};
    rep.shards = {opts.shard.to_string()};
    for (size_t p = 0; p < programs.size(); ++p) {
      for (size_t i = 0; i < results[p].runs.size(); ++i) {
        const VariantRun& vr = results[p].runs[i];
        Row row;
        row.program = programs[p];
        row.tier = vr.variant.tier;
        row.mode = vr.variant.mode();
        row.gc_stress = vr.variant.gc_stress;
        row.status = status_name(results[p].verdict.statuses[i]);
        if (vr.result.observation) row.exit = vr.result.observation->exit;
        else row.detail = vr.result.failure;
        rep.rows.push_back(std::move(row));
      }
    }
    if (!write_report_files(rep, opts.report_dir, opts.report_name, error)) {
      err << "gene-harness check: " << error << "\n";
      return kBadInput;
    }
  }
  if (failed) return kFailed;
  if (bad) return kBadInput;
  return kOk;
}

}  // namespace gene::harness
