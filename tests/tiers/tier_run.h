// Running a program in-process on a tier and comparing outcomes: what the tier tests share.
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "interp/run.h"
#include "jit/tiers.h"

namespace gene::tier_test {

inline RunOutcome run(const std::string& src, const std::string& tier, JitOptions jit = {}) {
  RunOptions opts;
  TierSessionPtr session = configure_tier(tier, jit, opts);
  return run_source("t.gene", src, opts, nullptr);
}

// Everything a user can observe: exit status, output, result, error kind and line.
inline void expect_same(const RunOutcome& a, const RunOutcome& b) {
  EXPECT_EQ(a.exit_status, b.exit_status);
  EXPECT_EQ(a.stdout_text, b.stdout_text);
  EXPECT_EQ(a.result, b.result);
  EXPECT_EQ(a.error_kind, b.error_kind);
  EXPECT_EQ(a.error_line, b.error_line);
}

// One of the engine's --jit-stats figures, -1 if absent.
inline double stat(const RunOutcome& o, const std::string& name) {
  for (auto& [k, v] : o.engine_stats)
    if (k == name) return v;
  return -1;
}

}  // namespace gene::tier_test
