#include <gtest/gtest.h>

#include "harness/verdict.h"

namespace gene::harness {
namespace {

Observation ok(const std::string& out, const std::string& result = "nil") {
  Observation o;
  o.result = result;
  o.stdout_text = out;
  return o;
}

VariantRun run(const std::string& tier, bool eager, std::optional<Observation> o, const std::string& failure = "") {
  VariantRun r;
  r.variant = {tier, eager, false};
  r.result.observation = std::move(o);
  r.result.failure = failure;
  return r;
}

ExpectedFile expect(const Observation& o) {
  ExpectedFile e;
  e.state = ExpectedFile::kOk;
  e.observation = o;
  e.path = "p.expected";
  return e;
}

TEST(Verdict, AllAgreeWithExpected) {
  auto v = judge("p.gene", expect(ok("1\n")), {run("interp", false, ok("1\n")), run("baseline", false, ok("1\n")), run("baseline", true, ok("1\n"))});
  EXPECT_TRUE(v.passed);
  EXPECT_EQ(v.details, "");
}

TEST(Verdict, TierDiffersFromExpectedShowsDiff) {
  auto v = judge("p.gene", expect(ok("1\n")), {run("interp", false, ok("1\n")), run("baseline", true, ok("2\n"))});
  EXPECT_FALSE(v.passed);
  EXPECT_TRUE(v.differs);
  EXPECT_EQ(v.statuses[0], RunStatus::kPass);
  EXPECT_EQ(v.statuses[1], RunStatus::kFail);
  EXPECT_NE(v.details.find("baseline --jit-eager: differs from the expected file"), std::string::npos) << v.details;
  EXPECT_NE(v.details.find("-1\n"), std::string::npos);
  EXPECT_NE(v.details.find("+2\n"), std::string::npos);
}

TEST(Verdict, ErrorMessageMustAgreeBetweenEngines) {
  Observation a;
  a.exit = 1;
  a.error_kind = "type_error";
  a.error_line = 3;
  a.error_message = "cannot add";
  Observation b = a;
  b.error_message = "something else";
  auto v = judge("p.gene", expect(a), {run("interp", false, a), run("spec", false, b)});
  EXPECT_FALSE(v.passed);
  EXPECT_NE(v.details.find("spec: differs from interp"), std::string::npos) << v.details;
  EXPECT_NE(v.details.find("+message: something else"), std::string::npos) << v.details;
}

TEST(Verdict, CrashIsAFailure) {
  auto v = judge("p.gene", expect(ok("")), {run("interp", false, ok("")), run("baseline", false, std::nullopt, "killed by signal 11")});
  EXPECT_FALSE(v.passed);
  EXPECT_TRUE(v.differs);
  EXPECT_EQ(v.statuses[1], RunStatus::kError);
  EXPECT_NE(v.details.find("killed by signal 11"), std::string::npos);
}

TEST(Verdict, MissingExpectedIsBadInputButEnginesStillCompared) {
  ExpectedFile none;
  none.path = "p.expected";
  auto same = judge("p.gene", none, {run("interp", false, ok("1\n")), run("baseline", false, ok("1\n"))});
  EXPECT_FALSE(same.passed);
  EXPECT_TRUE(same.bad_input);
  EXPECT_FALSE(same.differs);
  EXPECT_EQ(same.statuses[0], RunStatus::kUnchecked);
  auto diff = judge("p.gene", none, {run("interp", false, ok("1\n")), run("baseline", false, ok("2\n"))});
  EXPECT_TRUE(diff.differs);
}

}  // namespace
}  // namespace gene::harness
