#include "harness/bench.h"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <ostream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness/check.h"
#include "harness/engine_stats.h"
#include "harness/exit_codes.h"
#include "harness/expected.h"
#include "harness/peers.h"
#include "harness/process.h"
#include "harness/progress.h"
#include "harness/statistics.h"
#include "harness/report_output.h"
#include "harness/runner.h"
#include "harness/temp_dir.h"
#include "harness/text_table.h"
#include "harness/verdict.h"
#include "harness/warmup.h"
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

  std::string name() const { return program + "@" + tier + (eager ? "/eager" : ""); }

  // Filled while running.
  std::optional<Observation> observed;  // from the first child that finished (all must agree)
  std::string observed_mismatch;        // a later child observed something else
  std::vector<double> samples_ms;       // one per repetition (child): mean time of one run
  std::vector<IterationSeries> series;  // one per repetition (child): every run it made
  double iterations = 0;
  HeapStats heap;                       // the last timed run of the last child
  EngineStats engine;
  double peak_rss = 0;                  // maximum over the children
  std::string error;                    // the run did not produce a result (no row values)
  std::string ended;                    // "crash" / "timeout" once a child ended that way
  int signal = 0;
  InstructionCounts insns;              // --metric instructions
  bool counted = false;

  // Inside the child: the last timed run and the samples Google Benchmark reported, and every
  // run's own time and JIT compile figures, in order (warm-up and calibration runs included).
  RunOutcome last;
  std::vector<double> child_samples;
  IterationSeries child_series;
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

// Milliseconds rounded to the nanosecond: all the timer resolves, and short in JSON.
double round_ms(double ms) { return std::round(ms * 1e6) / 1e6; }

// The JIT's compile time (ms) and units compiled in one run, from its engine statistics (none
// for the interpreter).
void compile_figures(const RunOutcome& o, std::optional<double>& ms, std::optional<double>& units) {
  for (const auto& [name, v] : engine_stats_of(o)) {
    if (name == "compile_time_ms") ms = round_ms(v);
    else if (name == "compile_us") ms = round_ms(v * 1e-3);
    else if (name == "compile_ns") ms = round_ms(v * 1e-6);
    else if (name == "functions_compiled") units = v;
  }
}

// Collects per-repetition times by benchmark name and prints nothing: the harness has its own
// progress display and summary.
class CollectingReporter : public benchmark::BenchmarkReporter {
 public:
  explicit CollectingReporter(Item& item) : item_(item) {}
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      if (run.error_occurred) {
        item_.error = run.error_message;
        continue;
      }
      if (run.run_type != Run::RT_Iteration || run.iterations <= 0) continue;
      item_.child_samples.push_back(run.real_accumulated_time * 1000.0 / double(run.iterations));
      item_.iterations = double(run.iterations);
    }
  }

 private:
  Item& item_;
};

// A program's output is arbitrary bytes, and JSON strings must be UTF-8: the child passes the
// observation's strings to the parent hex-encoded, so they arrive byte for byte.
std::string hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string unhex(const std::string& text) {
  auto value = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i + 1 < text.size(); i += 2) out += char(value(text[i]) * 16 + value(text[i + 1]));
  return out;
}

nlohmann::json observation_to_json(const Observation& o) {
  return {{"exit", o.exit},
          {"result", hex(o.result)},
          {"error_kind", hex(o.error_kind)},
          {"error_line", o.error_line},
          {"error_message", hex(o.error_message)},
          {"stdout", hex(o.stdout_text)}};
}

Observation observation_from_json(const nlohmann::json& j) {
  Observation o;
  o.exit = j.at("exit").get<int>();
  o.result = unhex(j.at("result").get<std::string>());
  o.error_kind = unhex(j.at("error_kind").get<std::string>());
  o.error_line = j.at("error_line").get<int>();
  o.error_message = unhex(j.at("error_message").get<std::string>());
  o.stdout_text = unhex(j.at("stdout").get<std::string>());
  return o;
}

// The body of one wall-time child: Google Benchmark times the program in this (forked) process,
// exactly as bench did in-process before, and the result goes to `result_path` as JSON. The
// output checked is that of the last timed run, so checking costs no extra run.
int time_in_child(Item& item, const BenchOptions& opts, const std::string& result_path) {
  const char* crash = std::getenv(kTestCrashEnv);
  if (crash && *crash && item.name().find(crash) != std::string::npos) {
    std::signal(SIGSEGV, SIG_DFL);
    std::raise(SIGSEGV);
  }
  benchmark::ClearRegisteredBenchmarks();
  // Google Benchmark times the loop; each run is also timed on its own (two clock reads, the
  // bookkeeping outside them) so the report keeps every in-process iteration, the warm-up and
  // calibration runs Google Benchmark discards included.
  IterationSeries& runs = item.child_series;
  runs.times_ms.reserve(1024);
  auto run_and_record = [&item, &runs] {
    auto start = std::chrono::steady_clock::now();
    item.last = run_once(item);
    auto end = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(item.last.exit_status);
    double ms = std::chrono::duration<double, std::milli>(end - start).count();
    runs.times_ms.push_back(round_ms(ms));
    std::optional<double> compile_ms, units;
    compile_figures(item.last, compile_ms, units);
    runs.compile_ms.push_back(compile_ms);
    runs.compiles.push_back(units);
    return ms;
  };
  auto* bm = benchmark::RegisterBenchmark(item.name().c_str(), [&run_and_record](benchmark::State& state) {
    for (auto _ : state) run_and_record();
  });
  bm->Repetitions(1)->UseRealTime()->Unit(benchmark::kMillisecond);
  if (opts.iterations > 0) {
    // Google Benchmark has no warm-up with a fixed iteration count: the same untimed runs here.
    bm->Iterations(opts.iterations);
    for (double spent = 0; spent < opts.warmup * 1000;) spent += run_and_record();
  } else {
    bm->MinTime(opts.min_time)->MinWarmUpTime(opts.warmup);
  }
  CollectingReporter reporter(item);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::ClearRegisteredBenchmarks();
  // The reported (timed) batch is Google Benchmark's last one: the last `iterations` runs.
  size_t timed = size_t(item.iterations);
  runs.timed_from = timed <= runs.times_ms.size() ? runs.times_ms.size() - timed : 0;

  auto nullable = [](const std::vector<std::optional<double>>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& x : v) a.push_back(x ? nlohmann::json(*x) : nlohmann::json(nullptr));
    return a;
  };
  nlohmann::json j = {{"samples_ms", item.child_samples},
                      {"iterations", item.iterations},
                      {"error", item.error},
                      {"iteration_ms", runs.times_ms},
                      {"iteration_compile_ms", nullable(runs.compile_ms)},
                      {"iteration_compiles", nullable(runs.compiles)},
                      {"timed_from", runs.timed_from}};
  if (!item.child_samples.empty()) {
    j["observation"] = observation_to_json(observation_of(item.last));
    j["peak_heap_bytes"] = item.last.heap.peak_bytes;
    j["gc_collections"] = item.last.heap.collections;
    nlohmann::json stats = nlohmann::json::object();
    for (const auto& [k, v] : engine_stats_of(item.last))
      if (std::isfinite(v)) stats[k] = v;
    j["engine_stats"] = stats;
  }
  std::ofstream(result_path, std::ios::binary | std::ios::trunc)
      << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}


// Records one observation of an item; every execution must print the same thing.
void observe(Item& item, const Observation& o) {
  if (!item.observed) item.observed = o;
  else if (!(*item.observed == o) && item.observed_mismatch.empty())
    item.observed_mismatch = "output differs between executions (nondeterministic?)";
}

// One repetition of one item in a forked child; fills the item from the child's result file, or
// marks it crashed / timed out / errored.
void run_time_child(Item& item, const BenchOptions& opts, const TempDir& scratch, int round) {
  std::string result = scratch.file("result.json"), child_err = scratch.file("stderr");
  std::error_code ec;
  std::filesystem::remove(result, ec);  // a stale result must never be mistaken for this one
  ProcessResult p =
      run_forked([&] { return time_in_child(item, opts, result); }, scratch.file("stdout"), child_err, opts.timeout);
  item.peak_rss = std::max(item.peak_rss, p.max_rss_bytes);
  std::string where = " (repetition " + std::to_string(round + 1) + ")";
  std::string tail = last_lines(read_file_or_empty(child_err), 5);
  if (!p.started || p.timed_out || p.signal) {
    item.ended = p.timed_out ? "timeout" : p.signal ? "crash" : "";
    item.signal = p.timed_out ? SIGKILL : p.signal;
    item.error = describe(p, opts.timeout) + where + (tail.empty() ? "" : "; stderr ends with: " + tail);
    return;
  }
  nlohmann::json j = nlohmann::json::parse(read_file_or_empty(result), nullptr, /*allow_exceptions=*/false);
  if (p.exit_code != 0 || j.is_discarded() || !j.is_object()) {
    item.error = "the timing child " + describe(p, opts.timeout) + " without a result" + where +
                 (tail.empty() ? "" : "; stderr ends with: " + tail);
    return;
  }
  if (j.value("error", std::string()) != "") {
    item.error = j["error"].get<std::string>() + where;
    return;
  }
  if (!j.contains("observation")) {
    item.error = "no timed run" + where;
    return;
  }
  observe(item, observation_from_json(j["observation"]));
  for (const auto& x : j["samples_ms"]) item.samples_ms.push_back(x.get<double>());
  IterationSeries series;
  auto optional_at = [](const nlohmann::json& a, size_t i) {
    return a.is_array() && i < a.size() && a[i].is_number() ? std::optional<double>(a[i].get<double>()) : std::nullopt;
  };
  const nlohmann::json times = j.value("iteration_ms", nlohmann::json::array());
  for (size_t i = 0; i < times.size(); i++) {
    series.times_ms.push_back(times[i].get<double>());
    series.compile_ms.push_back(optional_at(j["iteration_compile_ms"], i));
    series.compiles.push_back(optional_at(j["iteration_compiles"], i));
  }
  series.timed_from = j.value("timed_from", size_t(0));
  series.analysis = analyse_warmup(series.times_ms);
  item.series.push_back(std::move(series));
  item.iterations = j.value("iterations", 0.0);
  item.heap.peak_bytes = j.value("peak_heap_bytes", size_t(0));
  item.heap.collections = j.value("gc_collections", size_t(0));
  item.engine.clear();
  for (const auto& [k, v] : j["engine_stats"].items()) item.engine.emplace_back(k, v.get<double>());
}

// Status of a row: crash / timeout when a child ended that way, error when no run completed,
// else against the expected file when there is one, else against the interpreter run of the same
// program (engines must agree even without an expected file).
std::string status_of(const Item& item, const Observation* interp, std::string& detail) {
  if (!item.ended.empty()) {
    detail = item.error;
    return item.ended;
  }
  if (!item.error.empty() || !item.observed) {
    detail = item.error.empty() ? "did not run" : item.error;
    return "error";
  }
  if (!item.observed_mismatch.empty()) {
    detail = item.observed_mismatch;
    return "fail";
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

// Runs every item once under cachegrind, `opts.jobs` at a time. Instruction counts do not depend
// on load, so running in parallel changes only how long it takes.
void count_instructions(std::vector<std::unique_ptr<Item>>& items, const BenchOptions& opts, const std::string& gene,
                        const std::string& valgrind, Progress& progress) {
  std::atomic<size_t> next{0};
  std::mutex progress_mutex;
  auto worker = [&] {
    TempDir scratch("gene-harness-cg");
    for (size_t i; (i = next.fetch_add(1)) < items.size();) {
      Item& item = *items[i];
      {
        std::lock_guard lock(progress_mutex);
        progress.start(i, item.name());
      }
      std::string cg_out = scratch.file("cachegrind.out");
      std::error_code ec;
      std::filesystem::remove(cg_out, ec);
      // --smc-check=all: valgrind re-translates any code written after it was first run, wherever
      // it lives, so machine code the JIT writes (and rewrites) is counted as executed. Valgrind's
      // own messages go to a log file so gene's stderr stays its own.
      std::vector<std::string> wrapper = {valgrind, "--tool=cachegrind", "--cache-sim=no", "--smc-check=all",
                                          "--cachegrind-out-file=" + cg_out, "--log-file=" + scratch.file("valgrind.log")};
      Variant v;
      v.tier = item.tier;
      v.eager = item.eager;
      RunResult rr = run_program(gene, item.program, v, opts.timeout, scratch.path(), wrapper);
      if (rr.timed_out || rr.signal) {
        item.ended = rr.timed_out ? "timeout" : "crash";
        item.signal = rr.timed_out ? SIGKILL : rr.signal;
        item.error = rr.failure;
        continue;
      }
      if (!rr.observation) {
        std::string log = last_lines(read_file_or_empty(scratch.file("valgrind.log")), 5);
        item.error = rr.failure + (log.empty() ? "" : "; valgrind log ends with: " + log);
        continue;
      }
      observe(item, *rr.observation);
      std::string error;
      if (!parse_cachegrind(read_file_or_empty(cg_out), item.insns, error)) {
        item.error = error;
        continue;
      }
      item.counted = true;
      // (Times under valgrind mean nothing: the counts stay, compile times go.)
      for (auto& [name, value] : rr.engine_stats)
        if (name.rfind("compile_", 0) != 0 || name == "compile_failures") item.engine.emplace_back(name, value);
    }
  };
  int jobs = std::max(1, std::min<int>(opts.jobs, int(items.size())));
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
}

std::string first_line_of_output(const std::vector<std::string>& argv) {
  TempDir tmp;
  ProcessResult p = run_process(argv, tmp.file("out"), tmp.file("err"), 30);
  if (!p.started || p.exit_code != 0) return "";
  std::string text = read_file_or_empty(tmp.file("out"));
  return text.substr(0, text.find('\n'));
}

}  // namespace

bool parse_cachegrind(const std::string& text, InstructionCounts& out, std::string& error) {
  out = {};
  bool have_summary = false, ir_first = false;
  std::string fn;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("events:", 0) == 0) {
      std::istringstream ev(line.substr(7));
      std::string first;
      ev >> first;
      ir_first = first == "Ir";
    } else if (line.rfind("summary:", 0) == 0) {
      std::istringstream sm(line.substr(8));
      sm >> out.total;
      have_summary = bool(sm);
    } else if (line.rfind("fn=", 0) == 0) {
      fn = line.substr(3);
    } else if (!line.empty() && line[0] >= '0' && line[0] <= '9') {
      // "<line number> <Ir> ...": the first event column is Ir.
      std::istringstream cost(line);
      double lineno = 0, ir = 0;
      if (!(cost >> lineno >> ir)) continue;
      if (fn == "???") out.jit += ir;  // no symbol: code generated at run time
      else if (fn.find("run_loop<") != std::string::npos && fn.find("gene::") != std::string::npos) out.interp += ir;
      else out.runtime += ir;
    }
  }
  if (!ir_first || !have_summary) {
    error = "cachegrind wrote no instruction count (no 'events: Ir' and 'summary:' lines)";
    return false;
  }
  return true;
}

int run_bench(const std::vector<std::string>& paths, const BenchOptions& opts, std::ostream& out, std::ostream& err) {
  if (opts.repetitions < 1 || opts.min_time <= 0 || opts.warmup < 0 || opts.iterations < 0 || opts.peer_repetitions < 1 ||
      opts.peer_timeout <= 0 || opts.timeout <= 0 || opts.jobs < 1) {
    err << "gene-harness bench: --repetitions, --peer-repetitions and --jobs must be >= 1, --min-time, --timeout and "
           "--peer-timeout > 0 and --warmup and --iterations >= 0\n";
    return kUsage;
  }
  if (opts.metric != "time" && opts.metric != "instructions") {
    err << "gene-harness bench: --metric must be 'time' or 'instructions'\n";
    return kUsage;
  }
  const bool instructions = opts.metric == "instructions";
  if (instructions && opts.peers) {
    err << "gene-harness bench: --peers needs --metric time (peers are timed, not counted)\n";
    return kUsage;
  }
  std::vector<std::string> tiers;
  std::string gene = opts.gene.empty() ? default_gene_path() : opts.gene, valgrind;
  if (instructions) {
    // The counted runs are of the gene binary, so its tier list is the one that matters.
    std::string error;
    bool gene_broken = false;
    if (!resolve_tiers(gene, opts.tiers, tiers, error, gene_broken)) {
      err << "gene-harness bench: " << error << "\n";
      return gene_broken ? kBadInput : kUsage;
    }
    valgrind = find_in_path(opts.valgrind);
    if (valgrind.empty()) {
      err << "gene-harness bench: cannot find valgrind ('" << opts.valgrind
          << "'); install it (apt-get install valgrind) or pass --valgrind PATH\n";
      return kBadInput;
    }
  } else {
    // Tiers come from the engine linked into this binary (the same list `gene tiers` prints).
    const auto& available = available_tiers();
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
  }

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

  Report rep;
  rep.kind = "bench";
  rep.name = opts.name;
  rep.created = utc_timestamp();
  rep.environment = current_environment();
  rep.shards = {opts.shard.to_string()};

  if (instructions) {
    Progress progress(items.size(), opts.progress);
    count_instructions(items, opts, gene, valgrind, progress);
    progress.finish();
    rep.settings = {{"metric", "instructions"},
                    {"tiers", tiers},
                    {"eager", opts.eager},
                    {"gene", gene},
                    {"counter", "valgrind --tool=cachegrind --cache-sim=no --smc-check=all"},
                    {"valgrind_version", first_line_of_output({valgrind, "--version"})},
                    {"jobs", opts.jobs},
                    {"timeout_s", opts.timeout}};
  } else {
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
    // Repetitions run in rounds: round r times every program on every tier once, so the runs a
    // speedup ratio compares are minutes apart at most, not a whole benchmark apart, and slow
    // drifts of a shared machine hit both sides alike. Each repetition is a fresh child process
    // (warm-up included), so a crash or hang costs only its row; an item that crashed or timed
    // out is not run again.
    Progress progress(items.size() * size_t(opts.repetitions), opts.progress);
    TempDir scratch("gene-harness-bench");
    size_t step = 0;
    for (int round = 0; round < opts.repetitions; round++) {
      for (auto& owned : items) {
        Item& item = *owned;
        progress.start(step++, item.name() + " #" + std::to_string(round + 1));
        if (!item.ended.empty() || !item.error.empty()) continue;
        run_time_child(item, opts, scratch, round);
      }
    }
    progress.finish();
    rep.settings = {{"metric", "time"},
                    {"tiers", tiers},
                    {"eager", opts.eager},
                    {"repetitions", opts.repetitions},
                    {"min_time_s", opts.min_time},
                    {"warmup_s", opts.warmup},
                    {"timer", "google-benchmark real time"},
                    {"isolation", "each repetition in its own forked child process, warm-up included"},
                    {"timeout_s", opts.timeout},
                    {"order", "rounds: every program and tier once per repetition"}};
    if (opts.iterations > 0) rep.settings["iterations"] = opts.iterations;
  }

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
    any_fail |= is_failure_status(row.status);
    any_unchecked |= row.status == "unchecked";
    if (item->observed) row.exit = item->observed->exit;
    if (item->signal) {
      row.signal = item->signal;
      row.signal_name = signal_abbrev(item->signal);
    }
    if (item->peak_rss > 0) row.peak_rss_bytes = item->peak_rss;
    if (item->counted) {
      row.instructions = item->insns.total;
      row.instructions_jit = item->insns.jit;
      row.instructions_interp = item->insns.interp;
      row.instructions_runtime = item->insns.runtime;
      apply_engine_stats(item->engine, row);  // (one run's: compile failures, deopts, ...)
    }
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
      row.time_median_ms = sample_median(s);
      row.time_samples_ms = s;
      if (s.size() >= 2) {
        auto [lo, hi] = bootstrap_median_ci(s);
        row.time_ci_low_ms = lo;
        row.time_ci_high_ms = hi;
      }
      row.time_mean_ms = mean;
      row.time_min_ms = *std::min_element(s.begin(), s.end());
      row.time_max_ms = *std::max_element(s.begin(), s.end());
      row.time_stddev_ms = stddev;
      if (mean > 0) row.time_cv = stddev / mean;
      row.iteration_series = item->series;
      WarmupSummary warm = summarise_warmup(item->series);
      row.warmup_class = warm.cls;
      row.first_iteration_ms = warm.first_iteration_ms;
      row.steady_iteration = warm.steady_iteration;
      row.time_to_steady_ms = warm.time_to_steady_ms;
      row.steady_ms = warm.steady_ms;
      row.peak_heap_bytes = double(item->heap.peak_bytes);
      row.gc_collections = double(item->heap.collections);
      apply_engine_stats(item->engine, row);
    }
    rep.rows.push_back(std::move(row));
  }
  compute_speedups(rep);
  compute_instruction_ratios(rep);

  if (instructions) {
    TextTable table({"program", "tier", "mode", "status", "instructions", "vs interp", "jit", "interp", "runtime"},
                    {false, false, false, false, true, true, true, true, true});
    auto share = [](const std::optional<double>& part, const std::optional<double>& total) {
      std::optional<double> pct;
      if (part && total && *total > 0) pct = *part / *total * 100;
      return pct;
    };
    for (const auto& row : rep.rows)
      table.add({row.program, row.tier, row.mode, row.status, fmt(row.instructions, "%.0f"),
                 fmt(row.instructions_vs_interp, "%.3f"), fmt(share(row.instructions_jit, row.instructions), "%.1f%%"),
                 fmt(share(row.instructions_interp, row.instructions), "%.1f%%"),
                 fmt(share(row.instructions_runtime, row.instructions), "%.1f%%")});
    out << table.render();
  } else {
    TextTable table({"program", "tier", "mode", "status", "median ms", "spread", "speedup", "peak RSS MiB"},
                    {false, false, false, false, true, true, true, true});
    for (const auto& row : rep.rows) {
      std::optional<double> cv_pct, rss_mib;
      if (row.time_cv) cv_pct = *row.time_cv * 100;
      if (row.peak_rss_bytes) rss_mib = *row.peak_rss_bytes / (1024.0 * 1024.0);
      table.add({row.program, row.tier, row.mode, row.status, fmt(row.time_median_ms, "%.3f"), fmt(cv_pct, "%.1f%%"),
                 fmt(row.speedup, "%.2fx"), fmt(rss_mib, "%.1f")});
    }
    out << table.render();
  }

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
  out << "bench: " << programs.size() << " programs x " << tiers.size() << " tiers (" << opts.metric << ") -> "
      << opts.report_dir << "/" << opts.name << ".{json,csv,md,svg}" << (instructions ? "" : " and " + opts.name + "-warmup.svg")
      << "\n";
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
