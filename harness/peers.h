// `gene-harness bench --peers`: runs the peer implementations in bench/peers/ (Lua 5.4, LuaJIT
// with and without its JIT, Node, CPython, gcc -O2) of each benchmark program as subprocesses,
// checks their stdout against the program's expected stdout and records their wall times in the
// report's `peers` array, relative to our interpreter and our best tier timed in the same run.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include "harness/report.h"

namespace gene::harness {

struct PeerRuntime {
  std::string name;                  // report column: "lua5.4", "luajit -joff", "gcc -O2", ...
  std::string folder;                // <peers_dir>/<folder>/<program stem><ext>
  std::string ext;                   // ".lua"
  std::vector<std::string> command;  // command[0] is looked up in $PATH; the source file is appended
  bool compile = false;              // command compiles the file: `command file -o <bin> -lm`, then <bin> runs
};

// lua5.4, luajit, luajit -joff, node, python3, gcc -O2 (in the report's column order).
const std::vector<PeerRuntime>& default_peer_runtimes();

// The executable `cmd` resolves to: searched in $PATH unless it contains '/'; "" when there is none.
std::string find_in_path(const std::string& cmd);

struct PeerOptions {
  std::string peers_dir;  // holds lua/, js/, python/, c/
  int repetitions = 1;    // timed runs per peer (median and min are reported)
  double timeout_seconds = 600;
  std::vector<PeerRuntime> runtimes = default_peer_runtimes();
};

// A benchmark program and the stdout its peers must print.
struct PeerProgram {
  std::string program;  // corpus/bench/fib.gene (its stem names the peer files)
  std::string expected_stdout;
  bool has_expected = true;  // false: the peers are run and timed but marked "unchecked"
};

// Runs every peer that exists for each program and whose runtime is installed, appending one
// PeerRow per (program, runtime) to rep.peers. Missing runtimes are noted on `err` and listed in
// rep.settings["peers_skipped"]; they are not errors. Then fills the ratios (compute_peer_ratios).
void run_peers(const std::vector<PeerProgram>& programs, const PeerOptions& opts, Report& rep, std::ostream& err);

// Fills interp_median_ms, best_tier, best_median_ms, vs_interp and vs_best of every peer row from
// the rows of the same report (the same run): interp is the program's interp row, best is its
// fastest passing row on any tier and mode (gc-stress rows excluded).
void compute_peer_ratios(Report& rep);

// Peer column names of a report: the default runtimes' order first, then any others.
std::vector<std::string> report_peer_names(const Report& rep);

}  // namespace gene::harness
