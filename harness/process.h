// Running a child process with its output in files and a wall-clock limit. A program that hangs
// must fail the check, not stall CI, so the child gets its own process group and the whole group
// is killed on timeout; and it is killed as well if gene-harness itself dies, so no orphan keeps
// running after CI has given up.
#pragma once
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
};

// Runs argv[0] (a path, not searched in PATH) with stdout/stderr redirected to the given files
// (truncated). timeout_seconds <= 0 means no limit.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdout_path,
                          const std::string& stderr_path, double timeout_seconds);

// "killed by signal 11 (Segmentation fault)" / "exited with status 3" / "timed out after 5 s".
std::string describe(const ProcessResult& r, double timeout_seconds);

}  // namespace gene::harness
