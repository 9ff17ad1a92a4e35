#include "harness/fuzz_gbc.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "harness/fuzz_gen.h"
#include "harness/process.h"
#include "harness/runner.h"
#include "harness/temp_dir.h"
#include "harness/variants.h"

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

  for (int m = rng.range(1, 3); m > 0; --m) {
    std::vector<size_t> candidates;
    for (size_t i = 0; i < lines.size(); ++i)
      if (mutable_line(lines[i])) candidates.push_back(i);
    if (candidates.empty()) break;
    size_t i = candidates[size_t(rng.below(int(candidates.size())))];
    switch (rng.below(6)) {
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
      default: lines[i] = replace_number(lines[i], 0, rng.range(0, 3)); break;
    }
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
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
  Variant interp{"interp"};
  RunResult a = run_program(gene, src, interp, 30, tmp.path());
  RunResult b = run_program(gene, gbc, interp, 30, tmp.path());
  if (!a.observation || !b.observation || !same_expected_fields(*a.observation, *b.observation)) {
    why = "`gene run FILE.gbc` does not run disassembled programs yet (no .gbc loader)";
    return false;
  }
  return true;
}

}  // namespace gene::harness
