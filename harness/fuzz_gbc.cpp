#include "harness/fuzz_gbc.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "harness/fuzz_gen.h"
#include "harness/process.h"
#include "harness/runner.h"
#include "harness/temp_dir.h"
#include "harness/variants.h"
#include "interp/control_flow.h"
#include "interp/gbc_loader.h"
#include "interp/vm.h"

namespace gene::harness {

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream ss(text);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

bool mutable_line(const std::string& l) { return !l.empty() && l[0] != ';'; }

// Replaces the n-th run of digits in `line` (counting from 0, wrapping) by `value`.
std::string replace_number(const std::string& line, int n, long value) {
  std::vector<std::pair<size_t, size_t>> runs;
  for (size_t i = 0; i < line.size();) {
    if (isdigit(static_cast<unsigned char>(line[i]))) {
      size_t j = i;
      while (j < line.size() && isdigit(static_cast<unsigned char>(line[j]))) ++j;
      runs.push_back({i, j - i});
      i = j;
    } else {
      ++i;
    }
  }
  if (runs.empty()) return line;
  auto [pos, len] = runs[size_t(n) % runs.size()];
  return line.substr(0, pos) + std::to_string(value) + line.substr(pos + len);
}

// Adds up to `count` backward edges that keep the stack discipline, so that the result usually
// verifies: an instruction that pushes a value and is followed by a `pop` of it (a statement
// whose value is dropped) becomes `loop K`, and the `pop` a `jump` to the next instruction,
// where K is an earlier reachable instruction of the same unit with the same operand depth and
// the same innermost handler (control_flow.h). The result is a loop around straight-line code,
// nested in or around the program's own loops, with its calls and closures inside: every run
// of it ends at --max-steps or leaves through a break, return or throw. Lines are those of
// canonical `gene dis` text, which is what the fuzzer mutates.
void add_verifiable_loops(std::vector<std::string>& lines, const std::string& gbc, int count, Rng& rng) {
  VM vm;
  Program prog;
  SourceError err;
  GbcSourceMap map;
  if (!load_gbc(vm, gbc, prog, err, &map)) return;
  struct Site {
    size_t unit;
    int32_t pc;
    std::vector<int32_t> targets;
  };
  std::vector<Site> sites;
  for (size_t u = 0; u < prog.protos.size(); u++) {
    const Proto& p = *prog.protos[u];
    ControlFlow cf;
    VerifyError verr;
    if (!analyze_flow(p, cf, verr)) continue;
    for (int32_t pc = 0; pc + 1 < int32_t(p.code.size()); pc++) {
      const OpInfo& info = op_info(p.code[size_t(pc)].op);
      bool push_only = info.pops == 0 && info.pushes == 1 && !info.has_jump() && p.code[size_t(pc)].op != Op::CLOSURE;
      if (!push_only || p.code[size_t(pc) + 1].op != Op::POP || !cf.reachable(pc) || cf.is_target(pc + 1)) continue;
      Site s{u, pc, {}};
      for (int32_t k = 0; k <= pc; k++)
        if (cf.depth[size_t(k)] == cf.depth[size_t(pc)] && cf.handler[size_t(k)] == cf.handler[size_t(pc)]) s.targets.push_back(k);
      sites.push_back(std::move(s));
    }
  }
  for (; count > 0 && !sites.empty(); --count) {
    size_t n = size_t(rng.below(int(sites.size())));
    const Site& s = sites[n];
    int line = map.locate(int(s.unit), s.pc).line, next_line = map.locate(int(s.unit), s.pc + 1).line;
    if (line < 1 || next_line < 1 || size_t(next_line) > lines.size()) break;
    // Keep each line's "pc @line" prefix: only the instruction changes.
    auto replace_instr = [&](int l, const std::string& instr) {
      std::string& text = lines[size_t(l - 1)];
      size_t at = text.find('@');
      size_t end = at == std::string::npos ? std::string::npos : text.find(' ', at);
      text = (end == std::string::npos ? text : text.substr(0, end)) + "    " + instr;
    };
    replace_instr(line, "loop " + std::to_string(rng.pick(s.targets)));
    replace_instr(next_line, "jump " + std::to_string(s.pc + 2));
    sites.erase(sites.begin() + long(n));
  }
}

}  // namespace

std::string mutate_gbc(const std::string& gbc, uint64_t seed) {
  Rng rng(seed ^ 0x6762635f6d757461ull);  // a stream distinct from the program generator's
  std::vector<std::string> lines = lines_of(gbc);

  // Opcode names present in the file: swapping among them keeps the text parseable.
  std::vector<std::string> words;
  for (const auto& l : lines) {
    if (!mutable_line(l)) continue;
    std::istringstream ws(l);
    for (std::string w; ws >> w;)
      if (isalpha(static_cast<unsigned char>(w[0])) && w.find('=') == std::string::npos) words.push_back(w);
  }

  // Half the cases only add one or two verifiable loops (the rest of the program intact), so
  // that most of them run and the tiers' loop, OSR and deopt paths meet rewired control flow;
  // the other half mix every kind of mutation, mostly to exercise the loader and verifier.
  if (rng.chance(50)) {
    std::vector<std::string> before = lines;
    add_verifiable_loops(lines, gbc, rng.range(1, 2), rng);
    if (lines != before) {
      std::string out;
      for (const auto& l : lines) out += l + "\n";
      return out;
    }
  }
  for (int m = rng.range(1, 3); m > 0; --m) {
    std::vector<size_t> candidates;
    for (size_t i = 0; i < lines.size(); ++i)
      if (mutable_line(lines[i])) candidates.push_back(i);
    if (candidates.empty()) break;
    size_t i = candidates[size_t(rng.below(int(candidates.size())))];
    switch (rng.below(7)) {
      case 0: {  // nudge an operand, or make it wild
        static const std::vector<long> wild = {0, 1, 255, 65535, 2147483647, 999999};
        long v = rng.chance(50) ? rng.range(0, 8) : rng.pick(wild);
        lines[i] = replace_number(lines[i], rng.below(4), v);
        break;
      }
      case 1: {  // swap one word for another word of the file (usually an opcode)
        if (words.empty()) break;
        std::istringstream ws(lines[i]);
        std::string w, out;
        bool swapped = false;
        while (ws >> w) {
          if (!swapped && isalpha(static_cast<unsigned char>(w[0])) && rng.chance(50)) {
            w = rng.pick(words);
            swapped = true;
          }
          out += (out.empty() ? "  " : " ") + w;
        }
        lines[i] = out;
        break;
      }
      case 2: lines.erase(lines.begin() + long(i)); break;
      case 3: lines.insert(lines.begin() + long(i), lines[i]); break;
      case 4: std::swap(lines[i], lines[candidates[size_t(rng.below(int(candidates.size())))]]); break;
      case 6: {  // a new backward edge: `loop K` to any earlier instruction
        // The verifier lets only LOOP jump backward, so this is how mutated bytecode gains the
        // cycles, loop headers and OSR entries the tiers compile differently; --max-steps
        // (kBytecodeMaxSteps) bounds every run of them.
        std::istringstream ws(lines[i]);
        std::string pc, at;
        if (!(ws >> pc >> at) || !isdigit(static_cast<unsigned char>(pc[0])) || pc.size() > 6 || at.empty() || at[0] != '@') break;
        lines[i] = "  " + pc + "  " + at + "    loop " + std::to_string(rng.range(0, std::stoi(pc)));
        break;
      }
      default: lines[i] = replace_number(lines[i], 0, rng.range(0, 3)); break;
    }
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::string mutated_bytecode_case(const std::string& gbc, uint64_t seed) {
  std::string text = mutate_gbc(gbc, seed);
  size_t eol = text.find('\n');
  size_t at = eol == std::string::npos ? text.size() : eol + 1;
  return text.substr(0, at) + "; gene-args: --max-steps " + std::to_string(kBytecodeMaxSteps) + "\n" + text.substr(at);
}

bool disassemble(const std::string& gene, const std::string& program, const std::string& out_path) {
  ProcessResult r = run_process({gene, "dis", program}, out_path, out_path + ".err", 30);
  return r.started && !r.timed_out && r.exit_code == 0;
}

bool bytecode_fuzzing_available(const std::string& gene, std::string& why) {
  TempDir tmp;
  std::string src = tmp.file("probe.gene"), gbc = tmp.file("probe.gbc");
  std::ofstream(src) << generate_program_text(1);
  if (!disassemble(gene, src, gbc)) {
    why = "`gene dis` failed";
    return false;
  }
  Variant interp;
  interp.tier = "interp";
  RunResult a = run_program(gene, src, interp, 30, tmp.path());
  RunResult b = run_program(gene, gbc, interp, 30, tmp.path());
  if (!a.observation || !b.observation || !same_expected_fields(*a.observation, *b.observation)) {
    why = "`gene run FILE.gbc` does not run disassembled programs yet (no .gbc loader)";
    return false;
  }
  return true;
}

}  // namespace gene::harness
