#include "harness/verdict.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>
#include <filesystem>

#include "harness/diff.h"

namespace gene::harness {

ExpectedFile load_expected(const std::string& program) {
  ExpectedFile e;
  e.path = expected_path_for(program);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(e.path, ec)) {
    e.state = ExpectedFile::kMissing;
    return e;
  }
  std::ifstream in(e.path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in && !in.eof()) {
    e.state = ExpectedFile::kMalformed;
    e.error = "cannot read it";
    return e;
  }
  auto parsed = parse_expected(ss.str(), e.error);
  if (!parsed) {
    e.state = ExpectedFile::kMalformed;
    return e;
  }
  e.state = ExpectedFile::kOk;
  e.observation = std::move(*parsed);
  return e;
}

const char* status_name(RunStatus s) {
  switch (s) {
    case RunStatus::kPass: return "pass";
    case RunStatus::kFail: return "fail";
    case RunStatus::kError: return "error";
    case RunStatus::kUnchecked: return "unchecked";
  }
  return "?";
}

namespace {

// Variants whose observations are identical (every field), in run order.
struct Group {
  std::vector<size_t> members;
  std::string engine_text;  // format_for_engine_diff of the shared observation
  std::string labels(const std::vector<VariantRun>& runs) const {
    std::string s;
    for (size_t i : members) s += (s.empty() ? "" : ", ") + runs[i].variant.label();
    return s;
  }
};

}  // namespace

Verdict judge(const std::string& program, const ExpectedFile& expected, const std::vector<VariantRun>& runs) {
  Verdict v;
  v.statuses.assign(runs.size(), RunStatus::kPass);
  std::ostringstream out;
  DiffOptions diff_opts;
  diff_opts.indent = "    ";

  if (expected.state == ExpectedFile::kNotApplicable) {
    // nothing to say
  } else if (expected.state == ExpectedFile::kMissing) {
    v.bad_input = true;
    out << "  no expected file " << expected.path << " (format: corpus/FORMAT.md)\n";
  } else if (expected.state == ExpectedFile::kMalformed) {
    v.bad_input = true;
    out << "  malformed expected file " << expected.path << ": " << expected.error << "\n";
  }

  // Runs that produced no observation at all.
  bool any_error = false;
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i].result;
    if (r.observation) continue;
    any_error = true;
    v.statuses[i] = RunStatus::kError;
    out << "  " << runs[i].variant.label() << ": " << r.failure << "\n";
  }

  std::vector<Group> groups;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!runs[i].result.observation) continue;
    std::string text = format_for_engine_diff(*runs[i].result.observation);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.engine_text == text; });
    if (it == groups.end()) groups.push_back({{i}, text});
    else it->members.push_back(i);
  }

  bool any_diff = false;
  std::vector<bool> reported(groups.size(), false);
  if (expected.state == ExpectedFile::kOk) {
    std::string want = format_expected(expected.observation);
    for (size_t g = 0; g < groups.size(); ++g) {
      const Observation& got = *runs[groups[g].members[0]].result.observation;
      std::string have = format_expected(got);
      if (have == want) continue;
      any_diff = reported[g] = true;
      for (size_t i : groups[g].members) v.statuses[i] = RunStatus::kFail;
      out << "  " << groups[g].labels(runs) << ": differs from the expected file\n"
          << unified_diff(want, have, expected.path, program + " (" + groups[g].labels(runs) + ")", diff_opts);
    }
  } else {
    for (auto& s : v.statuses)
      if (s == RunStatus::kPass) s = RunStatus::kUnchecked;
  }

  // Engines must also agree with the reference on what the expected file does not record (the
  // error message), and must agree with each other even when there is no expected file.
  if (groups.size() > 1) {
    const Group& ref = groups[0];
    for (size_t g = 1; g < groups.size(); ++g) {
      if (reported[g]) continue;
      any_diff = true;
      for (size_t i : groups[g].members) v.statuses[i] = RunStatus::kFail;
      out << "  " << groups[g].labels(runs) << ": differs from " << ref.labels(runs) << "\n"
          << unified_diff(ref.engine_text, groups[g].engine_text, ref.labels(runs), groups[g].labels(runs), diff_opts);
    }
  }

  v.differs = any_error || any_diff;
  v.passed = !v.bad_input && !v.differs;
  if (!v.passed) v.details = out.str();
  return v;
}

}  // namespace gene::harness
