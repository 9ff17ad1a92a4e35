// Helpers shared by the VM hardening tests: files, corpus listing, .expected parsing, and running
// the real `gene` binary as a child process (exit status, stdout, stderr, peak RSS).
#pragma once
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace vmtest {

namespace fs = std::filesystem;

inline std::string source_dir() { return GENE_SOURCE_DIR; }
inline std::string gene_binary() { return GENE_BINARY; }

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A scratch directory for one test, removed when the object dies.
struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "gene-vm-XXXXXX").string();
    char* p = mkdtemp(tmpl.data());
    path = p ? p : "/tmp";
  }
  ~TempDir() {
    std::error_code ec;
    if (path != "/tmp") fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return path + "/" + name; }
};

// Files of the corpus directory `group` (relative to corpus/) with the extension `ext`, sorted.
inline std::vector<std::string> corpus_files(const std::string& group, const std::string& ext) {
  std::vector<std::string> out;
  fs::path dir = fs::path(source_dir()) / "corpus" / group;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Every `.gene` program of every corpus group (corpus/<group>/<name>.gene).
inline std::vector<std::string> all_gene_programs() {
  std::vector<std::string> out;
  fs::path dir = fs::path(source_dir()) / "corpus";
  for (auto& g : fs::directory_iterator(dir)) {
    if (!g.is_directory()) continue;
    auto files = corpus_files(g.path().filename().string(), ".gene");
    out.insert(out.end(), files.begin(), files.end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "corpus/lang/foo.gene" -> "lang_foo": a gtest-safe parameter name.
inline std::string test_name(const std::string& path) {
  fs::path p(path);
  std::string s = p.parent_path().filename().string() + "_" + p.stem().string();
  for (char& c : s)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

struct Expected {
  int exit = -1;
  std::string result;
  std::string error_kind;
  int error_line = 0;
  std::string stdout_text;
  bool ok = false;
};

// Parses corpus/FORMAT.md's expected-output file.
inline Expected parse_expected(const std::string& text) {
  Expected e;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.rfind("exit: ", 0) == 0) {
      e.exit = std::atoi(line.c_str() + 6);
    } else if (line.rfind("result: ", 0) == 0) {
      e.result = line.substr(8);
    } else if (line.rfind("error: ", 0) == 0) {
      std::string rest = line.substr(7);
      size_t sp = rest.find(' ');
      e.error_kind = rest.substr(0, sp);
      e.error_line = sp == std::string::npos ? 0 : std::atoi(rest.c_str() + sp + 1);
    } else if (line == "stdout:") {
      e.stdout_text = pos <= text.size() ? text.substr(std::min(pos, text.size())) : "";
      e.ok = e.exit >= 0;
      return e;
    }
  }
  return e;
}

struct ProcResult {
  int exit_code = -1;  // -1: killed by a signal
  int signal = 0;
  std::string out, err;
  long maxrss_kb = 0;
};

// Runs `argv` (argv[0] is the program path) with stdout/stderr captured.
inline ProcResult run_process(const std::vector<std::string>& argv) {
  ProcResult r;
  TempDir tmp;
  std::string out_path = tmp.file("out"), err_path = tmp.file("err");
  pid_t pid = fork();
  if (pid == 0) {
    int o = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = open("/dev/null", O_RDONLY);
    dup2(o, 1);
    dup2(e, 2);
    dup2(in, 0);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  r.maxrss_kb = ru.ru_maxrss;
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.signal = WTERMSIG(status);
  }
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

// `gene run [flags...] file`
inline ProcResult run_gene(const std::string& file, std::vector<std::string> flags = {}) {
  std::vector<std::string> argv = {gene_binary(), "run"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back(file);
  return run_process(argv);
}

}  // namespace vmtest
