#include "harness/environment.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <thread>

#include "harness/process.h"
#include "harness/temp_dir.h"

#ifndef GENE_SOURCE_DIR
#define GENE_SOURCE_DIR "."
#endif
#ifndef GENE_BUILD_TYPE
#define GENE_BUILD_TYPE "unknown"
#endif

namespace gene::harness {

namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    size_t colon = line.find(':');
    if (colon == std::string::npos) break;
    size_t start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "unknown" : line.substr(start);
  }
  return "unknown";
}

std::string compiler_name() {
#if defined(__clang__)
  return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("gcc ") + __VERSION__;
#else
  return "unknown";
#endif
}

// Runs git in the source tree; empty on any failure (no git, not a checkout).
std::string git(const std::vector<std::string>& args) {
  std::string git_path;
  for (const char* dir : {"/usr/bin/git", "/usr/local/bin/git", "/bin/git"})
    if (access(dir, X_OK) == 0) {
      git_path = dir;
      break;
    }
  if (git_path.empty()) return "";
  TempDir tmp;
  std::vector<std::string> argv = {git_path, "-C", GENE_SOURCE_DIR};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r = run_process(argv, tmp.file("out"), tmp.file("err"), 10);
  if (!r.started || r.exit_code != 0) return "";
  std::ifstream in(tmp.file("out"));
  std::string all, line;
  while (std::getline(in, line)) all += line + "\n";
  return all;
}

}  // namespace

Environment current_environment() {
  Environment e;
  char host[256] = {0};
  e.hostname = gethostname(host, sizeof host - 1) == 0 ? host : "unknown";
  utsname u{};
  e.os = uname(&u) == 0 ? std::string(u.sysname) + " " + u.release + " " + u.machine : "unknown";
  e.cpu_model = cpu_model();
  e.cpu_count = int(std::thread::hardware_concurrency());
  e.compiler = compiler_name();
  e.build_type = GENE_BUILD_TYPE;
  std::string head = git({"rev-parse", "HEAD"});
  while (!head.empty() && (head.back() == '\n' || head.back() == ' ')) head.pop_back();
  e.git_commit = head.empty() ? "unknown" : head;
  // Untracked files do not change what was built; modified tracked files do.
  e.git_dirty = !head.empty() && !git({"status", "--porcelain", "--untracked-files=no"}).empty();
  return e;
}

std::string utc_timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace gene::harness
