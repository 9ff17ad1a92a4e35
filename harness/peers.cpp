#include "harness/peers.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

#include "harness/process.h"
#include "harness/statistics.h"
#include "harness/temp_dir.h"
#include "interp/run.h"

namespace gene::harness {

namespace fs = std::filesystem;

const std::vector<PeerRuntime>& default_peer_runtimes() {
  static const std::vector<PeerRuntime> r = {
      {"lua5.4", "lua", ".lua", {"lua5.4"}, false},
      {"luajit", "lua", ".lua", {"luajit"}, false},
      {"luajit -joff", "lua", ".lua", {"luajit", "-joff"}, false},
      {"node", "js", ".js", {"node"}, false},
      {"python3", "python", ".py", {"python3"}, false},
      {"gcc -O2", "c", ".c", {"gcc", "-O2"}, true},
  };
  return r;
}

std::string find_in_path(const std::string& cmd) {
  if (cmd.empty()) return "";
  if (cmd.find('/') != std::string::npos) return access(cmd.c_str(), X_OK) == 0 ? cmd : "";
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  for (;;) {
    size_t end = p.find(':', start);
    std::string dir = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (dir.empty()) dir = ".";
    std::string full = dir + "/" + cmd;
    std::error_code ec;
    if (access(full.c_str(), X_OK) == 0 && !fs::is_directory(full, ec)) return full;
    if (end == std::string::npos) return "";
    start = end + 1;
  }
}

namespace {

std::string first_line(const std::string& s, size_t max = 200) {
  std::string l = s.substr(0, s.find('\n'));
  return l.size() > max ? l.substr(0, max) + "..." : l;
}

// Where two outputs first differ, for the row's detail.
std::string stdout_difference(const std::string& want, const std::string& got) {
  size_t line = 1, i = 0;
  size_t line_start = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) {
    if (want[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
    ++i;
  }
  return "stdout differs from the expected stdout at line " + std::to_string(line) + ": expected `" +
         first_line(want.substr(std::min(line_start, want.size()))) + "`, got `" +
         first_line(got.substr(std::min(line_start, got.size()))) + "`";
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

}  // namespace

void run_peers(const std::vector<PeerProgram>& programs, const PeerOptions& opts, Report& rep, std::ostream& err) {
  TempDir tmp("gene-peers");
  int reps = std::max(1, opts.repetitions);
  std::vector<std::string> skipped;
  for (const auto& rt : opts.runtimes) {
    std::string exe = rt.command.empty() ? "" : find_in_path(rt.command[0]);
    if (exe.empty()) {
      err << "gene-harness bench: peers: " << (rt.command.empty() ? rt.name : rt.command[0])
          << " not found in PATH; skipping the " << rt.name << " peers\n";
      skipped.push_back(rt.name);
      continue;
    }
    for (const auto& prog : programs) {
      std::string stem = fs::path(prog.program).stem().string();
      std::string src = opts.peers_dir + "/" + rt.folder + "/" + stem + rt.ext;
      std::error_code ec;
      if (!fs::is_regular_file(src, ec)) continue;  // no peer of this program in this language
      PeerRow row;
      row.program = prog.program;
      row.peer = rt.name;
      std::vector<std::string> argv = rt.command;
      argv[0] = exe;
      std::string out = tmp.file("out"), errf = tmp.file("err");
      if (rt.compile) {
        // Compiled once per run; the compile is not timed.
        std::string bin = tmp.file(stem + "-" + rt.folder);
        std::vector<std::string> cc = argv;
        cc.insert(cc.end(), {src, "-o", bin, "-lm"});
        row.command = join(rt.command) + " " + src + " -o <tmp> -lm && <tmp>";
        ProcessResult c = run_process(cc, out, errf, opts.timeout_seconds);
        if (!c.started || c.timed_out || c.signal || c.exit_code != 0) {
          row.status = "error";
          row.detail = "compile failed: " + describe(c, opts.timeout_seconds) + ": " + first_line(read_file_or_empty(errf));
          rep.peers.push_back(std::move(row));
          continue;
        }
        argv = {bin};
      } else {
        argv.push_back(src);
        row.command = join(rt.command) + " " + src;
      }
      std::vector<double> samples;
      row.status = prog.has_expected ? "pass" : "unchecked";
      for (int i = 0; i < reps; ++i) {
        ProcessResult p = run_process(argv, out, errf, opts.timeout_seconds);
        if (!p.started || p.timed_out || p.signal || p.exit_code != 0) {
          row.status = "error";
          if (p.started && !p.timed_out && !p.signal) row.exit = p.exit_code;
          std::string e = first_line(read_file_or_empty(errf));
          row.detail = describe(p, opts.timeout_seconds) + (e.empty() ? "" : ": " + e);
          samples.clear();
          break;
        }
        row.exit = p.exit_code;
        samples.push_back(p.seconds * 1000.0);
        std::string got = read_file_or_empty(out);
        if (prog.has_expected && got != prog.expected_stdout && row.status != "fail") {
          row.status = "fail";
          row.detail = stdout_difference(prog.expected_stdout, got);
        }
      }
      if (!samples.empty()) {
        row.repetitions = int(samples.size());
        row.time_median_ms = sample_median(samples);
        row.time_min_ms = *std::min_element(samples.begin(), samples.end());
      }
      rep.peers.push_back(std::move(row));
    }
  }
  rep.settings["peers_skipped"] = skipped;
  // Group by program (in the programs' order), runtimes in column order within each.
  std::map<std::string, size_t> order;
  for (size_t i = 0; i < programs.size(); ++i) order.emplace(programs[i].program, i);
  std::stable_sort(rep.peers.begin(), rep.peers.end(),
                   [&](const PeerRow& a, const PeerRow& b) { return order[a.program] < order[b.program]; });
  compute_peer_ratios(rep);
}

void compute_peer_ratios(Report& rep) {
  for (auto& p : rep.peers) {
    p.interp_median_ms.reset();
    p.best_median_ms.reset();
    p.best_tier.clear();
    p.vs_interp.reset();
    p.vs_best.reset();
    for (const auto& row : rep.rows) {
      if (row.program != p.program || row.gc_stress || !row.time_median_ms || *row.time_median_ms <= 0) continue;
      if (row.tier == "interp" && row.mode == "default") p.interp_median_ms = *row.time_median_ms;
      if (row.status != "pass" && row.status != "unchecked") continue;
      if (!p.best_median_ms || *row.time_median_ms < *p.best_median_ms) {
        p.best_median_ms = *row.time_median_ms;
        p.best_tier = row.tier + (row.mode == "eager" ? " (eager)" : "");
      }
    }
    if (p.time_median_ms && p.interp_median_ms) p.vs_interp = *p.time_median_ms / *p.interp_median_ms;
    if (p.time_median_ms && p.best_median_ms) p.vs_best = *p.time_median_ms / *p.best_median_ms;
  }
}

std::vector<std::string> report_peer_names(const Report& rep) {
  std::vector<std::string> names;
  for (const auto& rt : default_peer_runtimes()) names.push_back(rt.name);
  for (const auto& p : rep.peers)
    if (std::find(names.begin(), names.end(), p.peer) == names.end()) names.push_back(p.peer);
  return names;
}

}  // namespace gene::harness
