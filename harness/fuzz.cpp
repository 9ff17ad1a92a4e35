#include "harness/fuzz.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <ostream>
#include <thread>

#include "harness/check.h"
#include "harness/exit_codes.h"
#include "harness/fuzz_gbc.h"
#include "harness/fuzz_gen.h"
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
};

constexpr double kBytecodeTimeout = 2.0;

class Differential {
 public:
  Differential(const FuzzOptions& o, std::vector<Variant> v) : opts_(o), variants_(std::move(v)) {}

  // Writes `text` to `path` and runs it on every variant.
  //
  // Mutated bytecode may legitimately loop forever (a jump target moved backwards passes any
  // verifier), so it gets a short limit, and hanging on every variant counts as agreement.
  Outcome run(const std::string& path, const std::string& text, const std::string& scratch, bool bytecode = false) const {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    double limit = bytecode ? std::min(opts_.timeout_seconds, kBytecodeTimeout) : opts_.timeout_seconds;
    std::vector<VariantRun> runs;
    for (const auto& v : variants_) runs.push_back({v, run_program(opts_.gene, path, v, limit, scratch)});
    ExpectedFile none;
    none.state = ExpectedFile::kNotApplicable;
    Outcome o;
    o.verdict = judge(path, none, runs);
    for (const auto& r : runs) o.run_error |= !r.result.observation;
    bool all_hang = std::all_of(runs.begin(), runs.end(), [](const VariantRun& r) { return r.result.timed_out; });
    if (bytecode && all_hang) {
      o.verdict.passed = true;
      o.verdict.differs = false;
      o.verdict.details.clear();
    }
    // Mutated bytecode that allocates in a long loop can take seconds under --gc-stress (a
    // collection per allocation) and milliseconds without it: when every --gc-stress variant,
    // the interpreter's included, runs out of time, the others alone decide.
    if (bytecode && !all_hang && !o.verdict.passed) {
      std::vector<VariantRun> plain;
      bool any_gc = false, gc_all_hang = true;
      for (const auto& r : runs) {
        if (!r.variant.gc_stress) plain.push_back(r);
        else any_gc = true, gc_all_hang = gc_all_hang && r.result.timed_out;
      }
      if (any_gc && gc_all_hang) {
        Verdict v = judge(path, none, plain);
        if (v.passed) o.verdict = v;
      }
    }
    if (runs[0].result.observation) o.reference_exit = runs[0].result.observation->exit;
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
};

// Shrinks (source cases only), saves the program and its expected output, prints the diff.
void save_failure(const Differential& diff, const FuzzOptions& opts, const Found& f, std::ostream& out, std::ostream& err) {
  TempDir tmp("gene-fuzz-shrink");
  std::string ext = f.bytecode ? ".gbc" : ".gene";
  std::string work = tmp.file("case" + ext);
  std::string text;
  if (f.bytecode) {
    std::string src = tmp.file("src.gene");
    std::ofstream(src) << generate_program_text(f.seed);
    if (!disassemble(opts.gene, src, tmp.file("src.gbc"))) return;
    std::ifstream in(tmp.file("src.gbc"));
    std::string gbc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text = mutate_gbc(gbc, f.seed);
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
  Differential diff(opts, build_variants(tiers, opts.gc_stress));
  if (diff.variants().size() == 1)
    err << "gene-harness fuzz: note: only the interpreter is available; checking it for crashes and hangs only "
           "(add --gc-stress to compare it with itself under GC stress)\n";

  bool bytecode = false;
  if (opts.bytecode) {
    std::string why;
    bytecode = bytecode_fuzzing_available(opts.gene, why);
    if (!bytecode) err << "gene-harness fuzz: skipping bytecode fuzzing: " << why << "\n";
  }

  std::vector<Found> found;
  std::mutex mutex;
  std::atomic<int> next{0};
  int exits[3] = {0, 0, 0}, gbc_exits[3] = {0, 0, 0};  // by the interpreter's exit status
  auto worker = [&] {
    TempDir scratch("gene-fuzz");
    for (int k; (k = next.fetch_add(1)) < opts.count;) {
      uint64_t seed = opts.seed + uint64_t(k);
      Outcome o = diff.run(scratch.file("p.gene"), generate_program_text(seed), scratch.path());
      std::optional<Outcome> b;
      if (bytecode && disassemble(opts.gene, scratch.file("p.gene"), scratch.file("p.gbc"))) {
        std::ifstream in(scratch.file("p.gbc"));
        std::string gbc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        b = diff.run(scratch.file("m.gbc"), mutate_gbc(gbc, seed), scratch.path(), /*bytecode=*/true);
      }
      std::lock_guard lock(mutex);
      if (o.reference_exit >= 0 && o.reference_exit <= 2) ++exits[o.reference_exit];
      if (o.verdict.differs) found.push_back({seed, false});
      if (b && b->reference_exit >= 0 && b->reference_exit <= 2) ++gbc_exits[b->reference_exit];
      if (b && b->verdict.differs) found.push_back({seed, true});
    }
  };
  int jobs = std::max(1, std::min(opts.jobs, opts.count));
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();

  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.seed < b.seed || (a.seed == b.seed && a.bytecode < b.bytecode); });
  for (size_t i = 0; i < found.size() && int(i) < opts.max_failures; ++i) {
    out << "FAIL seed " << found[i].seed << (found[i].bytecode ? " (mutated bytecode)" : "") << "\n";
    save_failure(diff, opts, found[i], out, err);
  }
  if (int(found.size()) > opts.max_failures)
    out << "(" << found.size() - size_t(opts.max_failures) << " more failing seeds not shrunk; raise --max-failures)\n";

  out << "fuzz: seeds " << opts.seed << ".." << opts.seed + uint64_t(opts.count) - 1 << " x " << diff.variants().size()
      << " variants" << (bytecode ? " (+ mutated bytecode)" : "") << ": " << found.size() << " failing; interpreter exits: "
      << exits[0] << " ok, " << exits[1] << " runtime error, " << exits[2] << " compile error";
  if (bytecode)
    out << "; mutated bytecode: " << gbc_exits[0] << " ok, " << gbc_exits[1] << " runtime error, " << gbc_exits[2]
        << " rejected";
  out << "\n";
  return found.empty() ? kOk : kFailed;
}

}  // namespace gene::harness
