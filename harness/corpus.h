// Finding the programs to run and splitting them into shards for CI machines.
#pragma once
#include <string>
#include <vector>

namespace gene::harness {

// `--shard i/n`: this machine runs the i-th of n slices (1-based).
struct Shard {
  int index = 1;
  int count = 1;
  std::string to_string() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// Parses "i/n" with 1 <= i <= n. On failure returns false and sets `error`.
bool parse_shard(const std::string& text, Shard& out, std::string& error);

// Files given directly are taken as they are (any extension is run); directories are searched
// recursively for .gene and .gbc files. The result is sorted and free of duplicates, so every
// machine sees the same order and shards are stable. Missing paths are listed in `missing`.
std::vector<std::string> collect_programs(const std::vector<std::string>& paths, std::vector<std::string>& missing);

// Run arguments a program carries for itself (corpus/FORMAT.md): a comment line among the
// leading comment lines of the file, `# gene-args: ...` in source or `; gene-args: ...` in
// bytecode, whose words are added to every `gene run` of it, after the variant's own flags.
// Mutated bytecode from the fuzzer uses it for `--max-steps`, so a saved case that loops until
// the step limit still ends when `check` runs it. Empty when the file has none or cannot be read.
std::vector<std::string> program_run_args(const std::string& path);

// The programs that belong to `shard`: every n-th one, starting at i-1. Round robin rather than
// contiguous blocks keeps shards balanced when a directory holds its slow programs together.
std::vector<std::string> select_shard(const std::vector<std::string>& programs, const Shard& shard);

}  // namespace gene::harness
