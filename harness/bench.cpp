#include "harness/bench.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

#include "harness/engine_stats.h"
#include "harness/exit_codes.h"
#include "harness/expected.h"
#include "harness/peers.h"
#include "harness/progress.h"
#include "harness/report_output.h"
#include "harness/text_table.h"
#include "harness/verdict.h"
#include "interp/run.h"
#include "jit/tiers.h"

#ifndef GENE_SOURCE_DIR
#define GENE_SOURCE_DIR "."
#endif

namespace gene::harness {

namespace {

// One benchmark: a program on one tier in one mode.
struct Item {
  std::string program;
  std::string source;
  ExpectedFile expected;
  std::string tier;
  bool eager = false;
  size_t index = 0;

  // Filled while running.
  bool verified = false;
  std::optional<Observation> observed;  // from the untimed first run
  RunOutcome last;                      // the last timed run (memory and engine statistics)
  std::vector<double> samples_ms;       // one per repetition: mean time of one run
  double iterations = 0;
  std::string error;                    // a benchmark-level error reported by Google Benchmark
};

Observation observation_of(const RunOutcome& o) {
  Observation ob;
  ob.exit = o.exit_status;
  ob.stdout_text = o.stdout_text;
  if (o.exit_status == kExitOk) {
    ob.result = o.result;
  } else {
    ob.error_kind = o.error_kind;
    ob.error_line = o.error_line;
    ob.error_message = o.error_message;
  }
  return ob;
}

RunOutcome run_once(const Item& item) {
  JitOptions jit;
  jit.eager = item.eager;
  RunOptions opts;
  TierSessionPtr session = configure_tier(item.tier, jit, opts);  // must outlive the run
  return run_source(item.program, item.source, opts, nullptr);
}

// Collects per-repetition times by benchmark name and prints nothing: the harness has its own
// progress display and summary.
class CollectingReporter : public benchmark::BenchmarkReporter {
 public:
  explicit CollectingReporter(std::map<std::string, Item*>& items) : items_(items) {}
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      auto it = items_.find(run.run_name.function_name);
      if (it == items_.end()) continue;
      Item& item = *it->second;
      if (run.error_occurred) {
        item.error = run.error_message;
        continue;
      }
      if (run.run_type != Run::RT_Iteration || run.iterations <= 0) continue;
      item.samples_ms.push_back(run.real_accumulated_time * 1000.0 / double(run.iterations));
      item.iterations = double(run.iterations);
    }
  }

 private:
  std::map<std::string, Item*>& items_;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Status of a row: against the expected file when there is one, else against the interpreter
// run of the same program (engines must agree even without an expected file).
std::string status_of(const Item& item, const Observation* interp, std::string& detail) {
  if (!item.observed) {
    detail = item.error.empty() ? "did not run" : item.error;
    return "error";
  }
  if (item.expected.state == ExpectedFile::kOk) {
    if (same_expected_fields(*item.observed, item.expected.observation)) return "pass";
    detail = "output differs from " + item.expected.path + " (run `gene-harness check` for the diff)";
    return "fail";
  }
  if (interp && !(*interp == *item.observed)) {
    detail = "output differs from the interpreter's (no expected file)";
    return "fail";
  }
  detail = item.expected.state == ExpectedFile::kMissing ? "no expected file" : "malformed expected file: " + item.expected.error;
  return "unchecked";
}

std::string fmt(const std::optional<double>& v, const char* f) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, f, *v);
  return buf;
}

}  // namespace

int run_bench(const std::vector<std::string>& paths, const BenchOptions& opts, std::ostream& out, std::ostream& err) {
  if (opts.repetitions < 1 || opts.min_time <= 0 || opts.warmup < 0 || opts.peer_repetitions < 1 ||
      opts.peer_timeout <= 0) {
    err << "gene-harness bench: --repetitions and --peer-repetitions must be >= 1, --min-time and --peer-timeout > 0 "
           "and --warmup >= 0\n";
    return kUsage;
  }
  // Tiers come from the engine linked into this binary (the same list `gene tiers` prints).
  const auto& available = available_tiers();
  std::vector<std::string> tiers;
  for (const auto& t : opts.tiers.empty() ? available : opts.tiers) {
    if (std::find(available.begin(), available.end(), t) == available.end()) {
      std::string list;
      for (const auto& a : available) list += (list.empty() ? "" : ", ") + a;
      err << "gene-harness bench: unknown tier '" << t << "' (this build provides: " << list << ")\n";
      return kUsage;
    }
    if (std::find(tiers.begin(), tiers.end(), t) == tiers.end()) tiers.push_back(t);
  }
  // Speedups are relative to the interpreter, so it is always timed.
  if (std::find(tiers.begin(), tiers.end(), "interp") == tiers.end()) tiers.insert(tiers.begin(), "interp");

  std::vector<std::string> missing;
  std::vector<std::string> all = collect_programs(paths, missing);
  for (const auto& m : missing) err << "gene-harness bench: no such file or directory: " << m << "\n";
  if (!missing.empty()) return kBadInput;
  if (all.empty()) {
    err << "gene-harness bench: no .gene or .gbc programs found\n";
    return kBadInput;
  }
  std::vector<std::string> programs = select_shard(all, opts.shard);

  std::vector<std::unique_ptr<Item>> items;
  for (const auto& p : programs) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!in && !in.eof()) {
      err << "gene-harness bench: cannot read " << p << "\n";
      return kBadInput;
    }
    ExpectedFile expected = load_expected(p);
    for (const auto& t : tiers) {
      for (bool eager : {false, true}) {
        if (eager && (t == "interp" || !opts.eager)) continue;
        auto item = std::make_unique<Item>();
        item->program = p;
        item->source = ss.str();
        item->expected = expected;
        item->tier = t;
        item->eager = eager;
        item->index = items.size();
        items.push_back(std::move(item));
      }
    }
  }

  // Google Benchmark reads its global flags on Initialize; give it none so that only the
  // per-benchmark settings below apply.
  static bool initialized = false;
  if (!initialized) {
    int argc = 1;
    char name[] = "gene-harness";
    char* argv[] = {name, nullptr};
    benchmark::Initialize(&argc, argv);
    initialized = true;
  }
  benchmark::ClearRegisteredBenchmarks();
  Progress progress(items.size(), opts.progress);
  std::map<std::string, Item*> by_name;
  // Repetitions run in rounds: round r times every program on every tier once, so the runs a
  // speedup ratio compares are minutes apart at most, not a whole benchmark apart, and slow
  // drifts of a shared machine hit both sides alike. Each item warms up in the first round only.
  for (int round = 0; round < opts.repetitions; round++) {
    for (auto& owned : items) {
      Item* item = owned.get();
      std::string name = item->program + "@" + item->tier + (item->eager ? "/eager" : "");
      std::string run_name = name + "#" + std::to_string(round + 1);
      by_name[run_name] = item;
      benchmark::RegisterBenchmark(run_name.c_str(), [item, &progress, name](benchmark::State& state) {
        if (!item->verified) {
          // Untimed first run: shows progress and records the output to check.
          progress.start(item->index, name);
          item->observed = observation_of(run_once(*item));
          item->verified = true;
        }
        for (auto _ : state) {
          item->last = run_once(*item);
          benchmark::DoNotOptimize(item->last.exit_status);
        }
      })
          ->Repetitions(1)
          ->MinTime(opts.min_time)
          ->MinWarmUpTime(round == 0 ? opts.warmup : 0.0)
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
  CollectingReporter reporter(by_name);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::ClearRegisteredBenchmarks();
  progress.finish();

  Report rep;
  rep.kind = "bench";
  rep.name = opts.name;
  rep.created = utc_timestamp();
  rep.environment = current_environment();
  rep.settings = {{"tiers", tiers},       {"eager", opts.eager},   {"repetitions", opts.repetitions},
                  {"min_time_s", opts.min_time}, {"warmup_s", opts.warmup}, {"timer", "google-benchmark real time"},
                  {"order", "rounds: every program and tier once per repetition"}};
  rep.shards = {opts.shard.to_string()};
  std::map<std::string, const Observation*> interp_obs;
  for (const auto& item : items)
    if (item->tier == "interp" && item->observed) interp_obs[item->program] = &*item->observed;

  bool any_fail = false, any_unchecked = false;
  for (const auto& item : items) {
    Row row;
    row.program = item->program;
    row.tier = item->tier;
    row.mode = item->eager ? "eager" : "default";
    auto io = interp_obs.find(item->program);
    row.status = status_of(*item, io == interp_obs.end() ? nullptr : io->second, row.detail);
    any_fail |= row.status == "fail" || row.status == "error";
    any_unchecked |= row.status == "unchecked";
    if (item->observed) row.exit = item->observed->exit;
    if (!item->samples_ms.empty()) {
      const auto& s = item->samples_ms;
      double mean = 0;
      for (double x : s) mean += x;
      mean /= double(s.size());
      double var = 0;
      for (double x : s) var += (x - mean) * (x - mean);
      double stddev = s.size() > 1 ? std::sqrt(var / double(s.size() - 1)) : 0;
      row.repetitions = int(s.size());
      row.iterations = item->iterations;
      row.time_median_ms = median(s);
      row.time_mean_ms = mean;
      row.time_min_ms = *std::min_element(s.begin(), s.end());
      row.time_max_ms = *std::max_element(s.begin(), s.end());
      row.time_stddev_ms = stddev;
      if (mean > 0) row.time_cv = stddev / mean;
      row.peak_heap_bytes = double(item->last.heap.peak_bytes);
      row.gc_collections = double(item->last.heap.collections);
      apply_engine_stats(engine_stats_of(item->last), row);
    }
    rep.rows.push_back(std::move(row));
  }
  compute_speedups(rep);

  TextTable table({"program", "tier", "mode", "status", "median ms", "spread", "speedup"},
                  {false, false, false, false, true, true, true});
  for (const auto& row : rep.rows) {
    std::optional<double> cv_pct;
    if (row.time_cv) cv_pct = *row.time_cv * 100;
    table.add({row.program, row.tier, row.mode, row.status, fmt(row.time_median_ms, "%.3f"), fmt(cv_pct, "%.1f%%"),
               fmt(row.speedup, "%.2fx")});
  }
  out << table.render();

  bool peer_fail = false;
  if (opts.peers) {
    PeerOptions po;
    po.peers_dir = opts.peers_dir.empty() ? std::string(GENE_SOURCE_DIR) + "/bench/peers" : opts.peers_dir;
    po.repetitions = opts.peer_repetitions;
    po.timeout_seconds = opts.peer_timeout;
    rep.settings["peers_dir"] = po.peers_dir;
    rep.settings["peer_repetitions"] = po.repetitions;
    rep.settings["peer_timer"] = "subprocess wall time";
    std::vector<PeerProgram> peer_programs;
    for (const auto& item : items) {
      if (item->tier != "interp") continue;
      PeerProgram pp;
      pp.program = item->program;
      if (item->expected.state == ExpectedFile::kOk) {
        pp.expected_stdout = item->expected.observation.stdout_text;
      } else if (item->observed) {
        pp.expected_stdout = item->observed->stdout_text;  // no expected file: match our interpreter
      } else {
        pp.has_expected = false;
      }
      peer_programs.push_back(std::move(pp));
    }
    run_peers(peer_programs, po, rep, err);
    TextTable pt({"program", "peer", "status", "median ms", "vs interp", "vs best", "best tier"},
                 {false, false, false, true, true, true, false});
    for (const auto& p : rep.peers) {
      pt.add({p.program, p.peer, p.status, fmt(p.time_median_ms, "%.3f"), fmt(p.vs_interp, "%.2fx"),
              fmt(p.vs_best, "%.2fx"), p.best_tier.empty() ? "-" : p.best_tier});
      if (p.status == "fail" || p.status == "error") peer_fail = true;
    }
    if (!rep.peers.empty()) out << "\npeers (vs: peer time / our time; < 1 means the peer is faster)\n" << pt.render();
  }

  std::string error;
  if (!write_report_files(rep, opts.report_dir, opts.name, error)) {
    err << "gene-harness bench: " << error << "\n";
    return kBadInput;
  }
  out << "bench: " << programs.size() << " programs x " << tiers.size() << " tiers -> " << opts.report_dir << "/"
      << opts.name << ".{json,csv,md,svg}\n";
  for (const auto& row : rep.rows)
    if (row.status != "pass") err << "gene-harness bench: " << row.program << " on " << row.tier << ": " << row.status
                                  << (row.detail.empty() ? "" : " (" + row.detail + ")") << "\n";
  for (const auto& p : rep.peers)
    if (p.status != "pass")
      err << "gene-harness bench: peer " << p.peer << " of " << p.program << ": " << p.status
          << (p.detail.empty() ? "" : " (" + p.detail + ")") << "\n";
  if (any_fail || peer_fail) return kFailed;
  if (any_unchecked) return kBadInput;
  return kOk;
}

}  // namespace gene::harness
