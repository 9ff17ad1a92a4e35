// `gene-harness merge`: joins the reports of `--shard i/n` runs into one. Shards split the corpus
// by program, so every program's tiers were timed together on one machine and its speedups stay
// valid after merging.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include "harness/report.h"

namespace gene::harness {

struct MergeOptions {
  bool allow_mixed_commits = false;  // merging shards of different commits is usually a mistake
};

// Joins `parts` (at least one). Fails on different kinds, different commits (unless allowed) or
// a row present in two parts (overlapping shards). `warnings` gets notes such as missing shards.
bool merge_reports(const std::vector<Report>& parts, const MergeOptions& opts, Report& out, std::string& error,
                   std::vector<std::string>& warnings);

int run_merge(const std::vector<std::string>& inputs, const std::string& out_dir, const std::string& name,
              const MergeOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace gene::harness
