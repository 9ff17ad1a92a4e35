// A unit far beyond any tier's budget: 50,000 locals and 200,000 instructions in one function.
// Each tier either compiles it or leaves it to the tier below (docs/architecture.md, "Compile
// budgets"), and every one gives the interpreter's answer. Compile cost is linear in the unit's
// size (the closing note of the issue gives the times; ctest's timeout catches a quadratic
// relapse, which took 24 s here).
#include <gtest/gtest.h>

#include <string>

#include "tests/tiers/tier_run.h"

namespace {

using gene::tier_test::expect_same;
using gene::tier_test::run;
using gene::tier_test::stat;

std::string huge_unit(int locals) {
  std::string s = "(fn big [k]\n";
  for (int i = 0; i < locals; i++) s += "  (var v" + std::to_string(i) + " (k + " + std::to_string(i) + "))\n";
  s += "  (v" + std::to_string(locals - 1) + " + v0))\n(println (big 1))\n";
  return s;
}

TEST(HugeUnit, FiftyThousandLocalsRunTheSameOnEveryTier) {
  std::string src = huge_unit(50000);
  auto ref = run(src, "interp");
  EXPECT_EQ(ref.stdout_text, "50001\n");
  gene::JitOptions eager;
  eager.eager = true;
  for (const char* tier : {"baseline", "spec", "auto"}) {
    SCOPED_TRACE(tier);
    auto o = run(src, tier, eager);
    expect_same(ref, o);
    EXPECT_GE(stat(o, "baseline_compiles"), 1);  // beyond spec's budget: baseline runs it
    EXPECT_EQ(stat(o, "spec_compiles"), 0);
  }
}

}  // namespace
