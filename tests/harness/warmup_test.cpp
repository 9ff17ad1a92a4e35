// The warm-up classifier (harness/warmup.h) on synthetic series whose shape is known: flat,
// warm-up (a step down, a cold first iteration), slowdown (a step up), no steady state (levels
// that keep changing to the end), spikes that must not count as changepoints, too-short series.
#include <gtest/gtest.h>

#include <random>

#include "harness/warmup.h"

namespace gene::harness {
namespace {

// `n` iterations around `level` ms with normal noise of `noise` ms (fixed seed: reproducible).
std::vector<double> noisy(size_t n, double level, double noise, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> d(0, noise);
  std::vector<double> v;
  for (size_t i = 0; i < n; i++) v.push_back(level + d(rng));
  return v;
}

std::vector<double> concat(std::vector<double> a, const std::vector<double>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(Warmup, PeltFindsTheExactChangepointsOfCleanSteps) {
  std::vector<double> x = concat(concat(noisy(20, 10, 0.05), noisy(15, 20, 0.05, 2)), noisy(25, 5, 0.05, 3));
  EXPECT_EQ(pelt_mean_changepoints(x, 0.05, 15 * std::log(60.0)), (std::vector<size_t>{20, 35}));
  // Without a change there is nothing to find, whatever the noise.
  EXPECT_TRUE(pelt_mean_changepoints(noisy(200, 10, 1), 1, 15 * std::log(200.0)).empty());
}

TEST(Warmup, NoiseIgnoresLevelShifts) {
  std::vector<double> x = concat(noisy(50, 100, 1), noisy(50, 200, 1, 2));
  double sigma = iteration_noise(x);
  EXPECT_GT(sigma, 0.7);
  EXPECT_LT(sigma, 1.5);  // the step of 100 moves one difference, not the median
}

TEST(Warmup, FlatSeries) {
  WarmupAnalysis a = analyse_warmup(noisy(60, 100, 1));
  EXPECT_EQ(a.cls, kWarmupFlat);
  EXPECT_EQ(a.steady_iteration, 0u);
  EXPECT_EQ(a.time_to_steady_ms, 0.0);
  ASSERT_TRUE(a.steady_ms);
  EXPECT_NEAR(*a.steady_ms, 100, 1);
}

TEST(Warmup, StepDownIsWarmup) {
  WarmupAnalysis a = analyse_warmup(concat(noisy(5, 150, 1), noisy(55, 100, 1, 2)));
  EXPECT_EQ(a.cls, kWarmupWarmup);
  EXPECT_EQ(a.changepoints, (std::vector<size_t>{5}));
  EXPECT_EQ(a.steady_iteration, 5u);
  ASSERT_TRUE(a.time_to_steady_ms && a.steady_ms);
  EXPECT_NEAR(*a.time_to_steady_ms, 750, 10);
  EXPECT_NEAR(*a.steady_ms, 100, 1);
}

TEST(Warmup, ColdFirstIterationIsWarmupNotAnOutlier) {
  std::vector<double> x = noisy(30, 100, 1);
  x[0] = 180;
  WarmupAnalysis a = analyse_warmup(x);
  EXPECT_EQ(a.cls, kWarmupWarmup);
  EXPECT_EQ(a.steady_iteration, 1u);
  EXPECT_TRUE(a.outliers.empty());
}

TEST(Warmup, GradualWarmupReachesItsSteadyState) {
  // 160, 140, 120, 110 ms, then steady at 100.
  std::vector<double> x = concat({160, 140, 120, 110}, noisy(40, 100, 0.5));
  WarmupAnalysis a = analyse_warmup(x);
  EXPECT_EQ(a.cls, kWarmupWarmup);
  ASSERT_TRUE(a.steady_iteration);
  EXPECT_GE(*a.steady_iteration, 3u);
  EXPECT_LE(*a.steady_iteration, 4u);
}

TEST(Warmup, StepUpIsSlowdown) {
  WarmupAnalysis a = analyse_warmup(concat(noisy(30, 100, 1), noisy(30, 120, 1, 2)));
  EXPECT_EQ(a.cls, kWarmupSlowdown);
  EXPECT_EQ(a.steady_iteration, 30u);
  ASSERT_TRUE(a.steady_ms);
  EXPECT_NEAR(*a.steady_ms, 120, 1);
}

TEST(Warmup, LevelsThatKeepChangingHaveNoSteadyState) {
  // Blocks of 10 iterations alternating between 100 and 130 ms up to the end.
  std::vector<double> x;
  for (int b = 0; b < 8; b++) x = concat(x, noisy(10, b % 2 ? 130 : 100, 1, unsigned(b + 1)));
  WarmupAnalysis a = analyse_warmup(x);
  EXPECT_EQ(a.cls, kWarmupNoSteadyState);
  EXPECT_EQ(a.changepoints.size(), 7u);
  EXPECT_FALSE(a.steady_iteration);
  EXPECT_FALSE(a.steady_ms);
}

TEST(Warmup, LateChangeMeansNoSteadyState) {
  // Flat, then a step up in the final fifth of the series.
  WarmupAnalysis a = analyse_warmup(concat(noisy(50, 100, 1), noisy(8, 140, 1, 2)));
  EXPECT_EQ(a.cls, kWarmupNoSteadyState);
}

TEST(Warmup, SpikesAreOutliersNotChangepoints) {
  std::vector<double> x = noisy(60, 100, 1);
  x[20] = 400;  // one slow iteration (a collection, a preemption)
  x[40] = 300;
  x[41] = 310;  // two in a row
  x[59] = 250;  // the last one
  WarmupAnalysis a = analyse_warmup(x);
  EXPECT_EQ(a.cls, kWarmupFlat);
  EXPECT_TRUE(a.changepoints.empty());
  EXPECT_EQ(a.outliers, (std::vector<size_t>{20, 40, 41, 59}));
  // The steady time is what an iteration costs on average, spikes included.
  ASSERT_TRUE(a.steady_ms);
  EXPECT_GT(*a.steady_ms, 110);
}

TEST(Warmup, ChangesWithinTheToleranceAreFlat) {
  // A 1% step is real (the noise is 0.01%) but within the 2% equivalence tolerance.
  WarmupAnalysis a = analyse_warmup(concat(noisy(30, 100, 0.01), noisy(30, 101, 0.01, 2)));
  EXPECT_EQ(a.changepoints, (std::vector<size_t>{30}));
  EXPECT_EQ(a.cls, kWarmupFlat);
  EXPECT_EQ(a.steady_iteration, 0u);
}

TEST(Warmup, FastThenSlowThenFastIsWarmupFromTheLastChange) {
  // An earlier segment as fast as the last does not make it a slowdown.
  WarmupAnalysis a = analyse_warmup(concat(concat(noisy(20, 100, 1), noisy(20, 150, 1, 2)), noisy(30, 100, 1, 3)));
  EXPECT_EQ(a.cls, kWarmupWarmup);
  EXPECT_EQ(a.steady_iteration, 40u);
}

TEST(Warmup, ShortSeriesAreNotClassified) {
  WarmupAnalysis a = analyse_warmup({200, 100, 100, 100});
  EXPECT_EQ(a.cls, kWarmupShort);
  EXPECT_FALSE(a.steady_iteration);
  EXPECT_EQ(analyse_warmup({}).cls, kWarmupShort);
}

TEST(Warmup, LongSeriesAreAnalysedInBlocks) {
  std::vector<double> x = concat(noisy(500, 3, 0.05), noisy(4500, 2, 0.05, 2));
  WarmupAnalysis a = analyse_warmup(x);
  EXPECT_EQ(a.cls, kWarmupWarmup);
  EXPECT_EQ(a.steady_iteration, 500u);
}

TEST(Warmup, SummaryOverExecutions) {
  auto series = [](const std::vector<double>& t) {
    IterationSeries s;
    s.times_ms = t;
    s.analysis = analyse_warmup(t);
    return s;
  };
  std::vector<IterationSeries> runs = {series(concat({150}, noisy(29, 100, 1))),
                                       series(concat({170}, noisy(29, 100, 1, 2))),
                                       series(concat({160}, noisy(29, 100, 1, 3)))};
  WarmupSummary s = summarise_warmup(runs);
  EXPECT_EQ(s.cls, kWarmupWarmup);
  EXPECT_EQ(s.first_iteration_ms, 160.0);
  EXPECT_EQ(s.steady_iteration, 1.0);
  runs.push_back(series(noisy(30, 100, 1, 4)));
  s = summarise_warmup(runs);
  EXPECT_EQ(s.cls, kWarmupInconsistent);
  EXPECT_EQ(s.steady_iteration, 1.0);  // median of 1, 1, 1, 0
  EXPECT_EQ(describe_warmup_class(s.cls, runs), "inconsistent (3 warm-up, 1 flat)");
  EXPECT_EQ(describe_warmup_class(kWarmupFlat, runs), kWarmupFlat);
  EXPECT_EQ(describe_warmup_class("", {}), "-");
  EXPECT_EQ(combine_warmup_classes({kWarmupFlat, kWarmupFlat}), kWarmupFlat);
  // Short executions do not vote: they cannot tell.
  EXPECT_EQ(combine_warmup_classes({kWarmupShort, kWarmupFlat, kWarmupFlat}), kWarmupFlat);
  EXPECT_EQ(combine_warmup_classes({kWarmupShort, kWarmupShort}), kWarmupShort);
  EXPECT_EQ(summarise_warmup({}).cls, "");
}

}  // namespace
}  // namespace gene::harness
