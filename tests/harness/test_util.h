// Helpers shared by the harness tests: scratch directories, files, and running gene-harness.
#pragma once
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/process.h"
#include "harness/temp_dir.h"

namespace gene::harness::test {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

inline std::string corpus(const std::string& rel) { return std::string(GENE_SOURCE_DIR) + "/corpus/" + rel; }

// Copies corpus/<group>/<name>.gene and .expected into dir.
inline void copy_program(const std::string& group_name, const std::string& dir) {
  for (const char* ext : {".gene", ".expected"}) {
    std::string from = corpus(group_name + ext);
    std::string to = dir + "/" + std::filesystem::path(from).filename().string();
    write_text(to, read_text(from));
  }
}

struct CliResult {
  int exit = -1;
  std::string out, err;
};

// Runs gene-harness with args (and --gene where the command takes one).
inline CliResult harness(const std::vector<std::string>& args, double timeout = 240) {
  TempDir tmp("harness-cli");
  std::vector<std::string> argv = {GENE_HARNESS_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult p = run_process(argv, tmp.file("out"), tmp.file("err"), timeout);
  return {p.started && !p.timed_out && !p.signal ? p.exit_code : -1, read_text(tmp.file("out")), read_text(tmp.file("err"))};
}

}  // namespace gene::harness::test
