// Deciding whether one program passed: every variant's observation must equal the expected file
// (on the recorded fields) and the interpreter's (on every field, the error message included).
// Kept apart from the process plumbing so the rules can be tested on hand-made observations.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "harness/expected.h"
#include "harness/runner.h"
#include "harness/variants.h"

namespace gene::harness {

struct ExpectedFile {
  // kNotApplicable: there is no expected output by design (fuzzing): engines are only compared
  // with each other, and its absence is not bad input.
  enum State { kOk, kMissing, kMalformed, kNotApplicable } state = kMissing;
  Observation observation;
  std::string path;
  std::string error;  // for kMalformed
};

// Reads the .expected file beside `program`.
ExpectedFile load_expected(const std::string& program);

struct VariantRun {
  Variant variant;
  RunResult result;
};

// Per-variant status, as recorded in report rows.
enum class RunStatus { kPass, kFail, kError, kUnchecked };
const char* status_name(RunStatus s);

struct Verdict {
  bool passed = false;
  bool differs = false;               // a run failed or observations differ: an engine problem
  bool bad_input = false;             // no usable expected file
  std::vector<RunStatus> statuses;    // parallel to the runs
  std::string details;                // readable explanation with diffs; empty when passed
};

// `runs` must start with the reference (the interpreter).
Verdict judge(const std::string& program, const ExpectedFile& expected, const std::vector<VariantRun>& runs);

}  // namespace gene::harness
