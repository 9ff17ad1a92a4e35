#include "harness/merge.h"

#include <algorithm>
#include <ostream>
#include <set>

#include "harness/corpus.h"
#include "harness/exit_codes.h"
#include "harness/peers.h"
#include "harness/report_output.h"

namespace gene::harness {

bool merge_reports(const std::vector<Report>& parts, const MergeOptions& opts, Report& out, std::string& error,
                   std::vector<std::string>& warnings) {
  if (parts.empty()) {
    error = "nothing to merge";
    return false;
  }
  Report m = parts[0];
  m.rows.clear();
  m.peers.clear();
  m.shards.clear();
  m.created = utc_timestamp();
  nlohmann::json sources = nlohmann::json::array();
  std::set<std::string> keys;
  for (const auto& p : parts) {
    if (p.kind != m.kind) {
      error = "cannot merge a " + p.kind + " report into a " + m.kind + " report";
      return false;
    }
    if (p.environment.git_commit != m.environment.git_commit && !opts.allow_mixed_commits) {
      error = "reports come from different commits (" + m.environment.git_commit + " and " + p.environment.git_commit +
              "); pass --allow-mixed-commits to merge anyway";
      return false;
    }
    for (const auto& row : p.rows) {
      if (!keys.insert(row.key()).second) {
        error = "row " + row.program + " on " + row.tier + " (" + row.mode + ") appears in two reports: overlapping shards?";
        return false;
      }
      m.rows.push_back(row);
    }
    m.peers.insert(m.peers.end(), p.peers.begin(), p.peers.end());
    for (const auto& s : p.shards) m.shards.push_back(s);
    sources.push_back({{"name", p.name}, {"created", p.created}, {"hostname", p.environment.hostname},
                       {"cpu_model", p.environment.cpu_model}, {"shards", p.shards}});
  }
  // Stable sort by program keeps each program's tier order as measured.
  std::stable_sort(m.rows.begin(), m.rows.end(), [](const Row& a, const Row& b) { return a.program < b.program; });
  std::sort(m.shards.begin(), m.shards.end());
  m.settings["merged_from"] = sources;
  compute_peer_ratios(m);  // each shard's peers against our rows for the same program

  // Note shards that are missing from an i/n family.
  std::set<std::pair<int, int>> seen;
  int count = 0;
  for (const auto& s : m.shards) {
    Shard sh;
    std::string e;
    if (parse_shard(s, sh, e)) {
      seen.insert({sh.index, sh.count});
      count = std::max(count, sh.count);
    }
  }
  for (int i = 1; i <= count; ++i)
    if (!seen.count({i, count})) warnings.push_back("shard " + std::to_string(i) + "/" + std::to_string(count) + " is missing");
  out = std::move(m);
  return true;
}

int run_merge(const std::vector<std::string>& inputs, const std::string& out_dir, const std::string& name,
              const MergeOptions& opts, std::ostream& out, std::ostream& err) {
  std::vector<Report> parts;
  std::string error;
  for (const auto& path : inputs) {
    Report r;
    if (!load_report(path, r, error)) {
      err << "gene-harness merge: " << error << "\n";
      return kBadInput;
    }
    parts.push_back(std::move(r));
  }
  Report merged;
  std::vector<std::string> warnings;
  if (!merge_reports(parts, opts, merged, error, warnings)) {
    err << "gene-harness merge: " << error << "\n";
    return kBadInput;
  }
  merged.name = name;
  for (const auto& w : warnings) err << "gene-harness merge: warning: " << w << "\n";
  if (!write_report_files(merged, out_dir, name, error)) {
    err << "gene-harness merge: " << error << "\n";
    return kBadInput;
  }
  out << "merge: " << parts.size() << " reports, " << merged.rows.size() << " rows -> " << out_dir << "/" << name
      << ".{json,csv,md" << (merged.kind == "bench" ? ",svg" : "") << "}\n";
  return kOk;
}

}  // namespace gene::harness
