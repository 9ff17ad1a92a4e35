#include "harness/fuzz.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <ostream>
#include <thread>

#include "harness/check.h"
#include "harness/exit_codes.h"
#include "harness/fuzz_gbc.h"
#include "harness/fuzz_coverage.h"
#include "harness/fuzz_gen.h"
#include "harness/fuzz_summary.h"
#include "harness/shrink.h"
#include "harness/temp_dir.h"
#include "harness/verdict.h"

namespace fs = std::filesystem;

namespace gene::harness {

namespace {

struct Outcome {
  Verdict verdict;
  bool run_error = false;   // some variant crashed, hung or wrote no outcome
  int reference_exit = -1;  // the interpreter's exit status, -1 if it failed
  std::string reference_kind;  // and its error kind
};

class Differential {
 public:
  Differential(const FuzzOptions& o, std::vector<Variant> v) : opts_(o), variants_(std::move(v)) {}

  // Writes `text` to `path` and runs it on every variant. Mutated bytecode carries
  // `--max-steps` (mutated_bytecode_case), so every verified case ends on every variant.
  Outcome run(const std::string& path, const std::string& text, const std::string& scratch, bool bytecode = false) const {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    std::vector<VariantRun> runs;
    for (const auto& v : variants_) runs.push_back({v, run_program(opts_.gene, path, v, opts_.timeout_seconds, scratch)});
    ExpectedFile none;
    none.state = ExpectedFile::kNotApplicable;
    Outcome o;
    o.verdict = judge(path, none, runs);
    for (const auto& r : runs) o.run_error |= !r.result.observation;
    // Mutated bytecode that allocates in a long loop can take seconds under --gc-stress (a
    // collection per allocation) and milliseconds without it: when every --gc-stress variant,
    // the interpreter's included, runs out of time, the others alone decide.
    if (bytecode && !o.verdict.passed) {
      std::vector<VariantRun> plain;
      bool any_gc = false, gc_all_hang = true;
      for (const auto& r : runs) {
        if (!r.variant.gc_stress) plain.push_back(r);
        else any_gc = true, gc_all_hang = gc_all_hang && r.result.timed_out;
      }
      if (any_gc && gc_all_hang) {
        Verdict v = judge(path, none, plain);
        if (v.passed) o.verdict = v, o.run_error = false;
      }
    }
    if (runs[0].result.observation) {
      o.reference_exit = runs[0].result.observation->exit;
      o.reference_kind = runs[0].result.observation->error_kind;
    }
    return o;
  }
  const std::vector<Variant>& variants() const { return variants_; }

 private:
  const FuzzOptions& opts_;
  std::vector<Variant> variants_;
};

struct Found {
  uint64_t seed;
  bool bytecode;
  bool crash;
};

// Shrinks (source cases only), saves the program and its expected output, prints the diff.
// Returns the saved program's path ("" if nothing could be saved).
std::string save_failure(const Differential& diff, const FuzzOptions& opts, const Found& f, std::ostream& out, std::ostream& err) {
  TempDir tmp("gene-fuzz-shrink");
  std::string ext = f.bytecode ? ".gbc" : ".gene";
  std::string work = tmp.file("case" + ext);
  std::string text;
  if (f.bytecode) {
    std::string src = tmp.file("src.gene");
    std::ofstream(src) << generate_program_text(f.seed);
    if (!disassemble(opts.gene, src, tmp.file("src.gbc"))) return "";
    std::ifstream in(tmp.file("src.gbc"));
    std::string gbc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text = mutated_bytecode_case(gbc, f.seed);
  } else {
    Outcome first = diff.run(work, generate_program_text(f.seed), tmp.path());
    std::vector<Node> forms = generate_program(f.seed);
    size_t before = node_count(forms);
    // Keep the kind of failure: a crash must not shrink into a mere output difference.
    auto still_fails = [&](const std::vector<Node>& c) {
      Outcome o = diff.run(work, print_program(c), tmp.path());
      return o.verdict.differs && o.run_error == first.run_error;
    };
    // When the interpreter itself fails (the generator made a program that never ends), there
    // is no divergence to isolate and every candidate would wait out the timeout: save it whole.
    ShrinkResult s = first.reference_exit < 0 ? ShrinkResult{forms, 0} : shrink(forms, still_fails, opts.shrink_steps);
    out << "  shrunk from " << before << " to " << node_count(s.forms) << " nodes (" << s.attempts << " candidates tried)\n";
    text = "# Found by: gene-harness fuzz --seed " + std::to_string(f.seed) + " --count 1 (then shrunk)\n" +
           print_program(s.forms);
  }

  std::error_code ec;
  fs::create_directories(opts.save_dir, ec);
  std::string base = (fs::path(opts.save_dir) / ("fuzz_" + std::to_string(f.seed) + (f.bytecode ? "_gbc" : ""))).string();
  std::string program = base + ext;
  // Run the saved file itself, so the expected output matches it to the byte and line.
  Outcome final_run = diff.run(program, text, tmp.path(), f.bytecode);
  out << final_run.verdict.details;
  std::vector<VariantRun> ref = {{diff.variants()[0], run_program(opts.gene, program, diff.variants()[0], opts.timeout_seconds, tmp.path())}};
  if (ref[0].result.observation) {
    std::ofstream(base + ".expected", std::ios::binary | std::ios::trunc) << format_expected(*ref[0].result.observation);
    out << "  saved " << program << " and " << base << ".expected (the interpreter's output)\n";
  } else {
    err << "gene-harness fuzz: the interpreter itself fails on " << program << " (" << ref[0].result.failure
        << "); saved without an expected file\n";
  }
  return program;
}

// The variants a run compares: every tier (and --gc-stress when asked); a campaign adds the
// speculating tiers under --deopt-random, whose seed is the campaign's first seed.
std::vector<Variant> fuzz_variants(const FuzzOptions& opts, const std::vector<std::string>& tiers, bool gc_stress) {
  std::vector<Variant> v = build_variants(tiers, false);
  if (opts.minutes > 0)
    for (const auto& t : tiers)
      if (t == "spec" || t == "inline")
        v.push_back({t, false, false, {"--jit-threshold", "2", "--deopt-random", std::to_string(opts.seed | 1)}});
  if (gc_stress) {
    size_t plain = v.size();
    for (size_t i = 0; i < plain; i++) {
      Variant g = v[i];
      g.gc_stress = true;
      v.push_back(g);
    }
  }
  return v;
}

}  // namespace

int run_fuzz(const FuzzOptions& opts, std::ostream& out, std::ostream& err) {
  if (opts.print_seed) {
    out << generate_program_text(*opts.print_seed);
    return kOk;
  }
  std::vector<std::string> tiers;
  std::string error;
  bool gene_broken = false;
  if (!resolve_tiers(opts.gene, opts.tiers, tiers, error, gene_broken)) {
    err << "gene-harness fuzz: " << error << "\n";
    return gene_broken ? kBadInput : kUsage;
  }
  bool campaign = opts.minutes > 0;
  Differential diff(opts, fuzz_variants(opts, tiers, opts.gc_stress || campaign));
  if (diff.variants().size() == 1)
    err << "gene-harness fuzz: note: only the interpreter is available; checking it for crashes and hangs only "
           "(add --gc-stress to compare it with itself under GC stress)\n";

  bool bytecode = false;
  if (opts.bytecode || campaign) {
    std::string why;
    bytecode = bytecode_fuzzing_available(opts.gene, why);
    if (!bytecode) err << "gene-harness fuzz: skipping bytecode fuzzing: " << why << "\n";
  }

  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + std::chrono::milliseconds(int64_t(opts.minutes * 60000.0));
  Clock::time_point last_progress = start;
  FuzzSummary summary;
  summary.first_seed = opts.seed;
  summary.jobs = opts.jobs;
  for (const auto& v : diff.variants()) summary.variants.push_back(v.label());
  std::vector<Found> found;
  std::mutex mutex, coverage_mutex;
  std::atomic<int64_t> next{0};
  std::atomic<uint64_t> done{0};
  auto worker = [&] {
    TempDir scratch("gene-fuzz");
    for (int64_t k;;) {
      if (campaign && Clock::now() >= deadline) break;
      if ((k = next.fetch_add(1)) >= opts.count && !campaign) break;
      uint64_t seed = opts.seed + uint64_t(k);
      std::vector<Node> forms = generate_program(seed);
      std::string source = generate_program_text(seed);
      Outcome o = diff.run(scratch.file("p.gene"), source, scratch.path());
      std::optional<Outcome> b;
      std::string mutant;
      if (bytecode && disassemble(opts.gene, scratch.file("p.gene"), scratch.file("p.gbc"))) {
        std::ifstream in(scratch.file("p.gbc"));
        std::string gbc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        mutant = mutated_bytecode_case(gbc, seed);
        b = diff.run(scratch.file("m.gbc"), mutant, scratch.path(), /*bytecode=*/true);
      }
      bool looping = false;
      {
        std::lock_guard lock(coverage_mutex);
        summary.coverage.add_forms(forms);
        summary.coverage.add_executed_opcodes("p.gene", source);
        if (b && b->reference_exit != 2) looping = summary.coverage.add_executed_opcodes("m.gbc", mutant);
      }
      std::lock_guard lock(mutex);
      summary.last_seed = std::max(summary.last_seed, seed);
      done++;
      if (o.reference_exit >= 0 && o.reference_exit <= 2) ++summary.exits[o.reference_exit];
      if (o.verdict.differs) found.push_back({seed, false, o.run_error});
      if (campaign && o.verdict.differs) out << "fuzz: seed " << seed << " fails (source)\n" << std::flush;
      if (campaign && b && b->verdict.differs) out << "fuzz: seed " << seed << " fails (mutated bytecode)\n" << std::flush;
      if (b) {
        summary.bytecode_cases++;
        if (b->reference_exit >= 0 && b->reference_exit <= 2) ++summary.bytecode_exits[b->reference_exit];
        summary.bytecode_looping += looping;
        summary.bytecode_step_limited += b->reference_kind == "step_limit";
        if (b->verdict.differs) found.push_back({seed, true, b->run_error});
      }
      if (campaign && Clock::now() - last_progress >= std::chrono::seconds(60)) {
        last_progress = Clock::now();
        summary.programs = done;
        summary.seconds = std::chrono::duration<double>(last_progress - start).count();
        out << summary_line(summary) << " (" << found.size() << " failing so far)\n" << std::flush;
      }
    }
  };
  int jobs = std::max(1, campaign ? opts.jobs : std::min(opts.jobs, opts.count));
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  summary.programs = done;
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (done == 0) summary.last_seed = opts.seed;

  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.seed < b.seed || (a.seed == b.seed && a.bytecode < b.bytecode); });
  for (size_t i = 0; i < found.size(); ++i) {
    FuzzFailure f{found[i].seed, found[i].bytecode, found[i].crash, ""};
    if (int(i) < opts.max_failures) {
      out << "FAIL seed " << f.seed << (f.bytecode ? " (mutated bytecode)" : "") << "\n";
      f.saved = save_failure(diff, opts, found[i], out, err);
    }
    summary.failures.push_back(f);
  }
  if (int(found.size()) > opts.max_failures)
    out << "(" << found.size() - size_t(opts.max_failures) << " more failing seeds not shrunk; raise --max-failures)\n";

  out << "fuzz: seeds " << summary.first_seed << ".." << summary.last_seed << " x " << diff.variants().size()
      << " variants" << (bytecode ? " (+ mutated bytecode)" : "") << ": " << found.size() << " failing; interpreter exits: "
      << summary.exits[0] << " ok, " << summary.exits[1] << " runtime error, " << summary.exits[2] << " compile error";
  if (bytecode)
    out << "; mutated bytecode: " << summary.bytecode_exits[0] << " ok, " << summary.bytecode_exits[1]
        << " runtime error (" << summary.bytecode_step_limited << " at the step limit), " << summary.bytecode_exits[2]
        << " rejected, " << summary.bytecode_looping << " with loops";
  out << "\n" << summary_line(summary) << "\n";
  std::string summary_dir = opts.summary_dir.empty() && campaign ? "reports" : opts.summary_dir;
  if (!summary_dir.empty()) {
    std::string error;
    if (!write_fuzz_summary(summary, summary_dir, opts.summary_name, error)) {
      err << "gene-harness fuzz: " << error << "\n";
      return kBadInput;
    }
    out << "fuzz: summary written to " << summary_dir << "/" << opts.summary_name << ".{json,md}\n";
  }
  return found.empty() ? kOk : kFailed;
}

}  // namespace gene::harness
