// Running a child process with its output in files and a wall-clock limit. A program that hangs
// must fail the check, not stall CI, so the child gets its own process group and the whole group
// is killed on timeout; and it is killed as well if gene-harness itself dies, so no orphan keeps
// running after CI has given up.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace gene::harness {

struct ProcessResult {
  bool started = false;
  std::string spawn_error;  // why it did not start
  bool timed_out = false;
  int exit_code = -1;       // when it exited normally
  int signal = 0;           // when a signal ended it (other than our timeout kill)
  double seconds = 0;       // wall time
  double max_rss_bytes = 0; // peak resident set size of the child (wait4's ru_maxrss), 0 if unknown
};

// Runs argv[0] (a path, not searched in PATH) with stdout/stderr redirected to the given files
// (truncated). timeout_seconds <= 0 means no limit.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdout_path,
                          const std::string& stderr_path, double timeout_seconds);

// Runs `body` in a forked copy of this process, with the same isolation as run_process (own
// process group, killed with gene-harness, stdout/stderr to the given files, stdin from
// /dev/null, no core dumps) and the same limit; body's return value is the exit status. A crash
// or hang inside body therefore ends only the child. Call it only while this process has a
// single thread: the child continues running arbitrary code, not just exec. The child's peak
// RSS includes what it shared with the parent at fork time (a few MiB of gene-harness).
ProcessResult run_forked(const std::function<int()>& body, const std::string& stdout_path,
                         const std::string& stderr_path, double timeout_seconds);

// "SIGSEGV" for 11 (the abbreviation glibc knows; "SIG<n>" otherwise).
std::string signal_abbrev(int signal);

// "killed by signal 11 (SIGSEGV, Segmentation fault)" / "exited with status 3" / "timed out after 5 s".
std::string describe(const ProcessResult& r, double timeout_seconds);

}  // namespace gene::harness
