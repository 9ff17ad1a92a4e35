// Warm-up analysis of in-process iteration times, after Barrett et al., "Virtual Machine Warmup
// Blows Hot and Cold" (OOPSLA 2017): each process execution's series of iteration times is cut
// into segments of equal mean by changepoint detection (PELT), and the segments classify the
// series as flat, warm-up, slowdown or no steady state. The method and its constants are
// documented in docs/report-schema.md ("Warm-up"); everything here works on plain numbers, so
// the classifier is tested on synthetic series (tests/harness/warmup_test.cpp).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace gene::harness {

// Class names, as written to the report.
inline constexpr const char* kWarmupFlat = "flat";
inline constexpr const char* kWarmupWarmup = "warm-up";
inline constexpr const char* kWarmupSlowdown = "slowdown";
inline constexpr const char* kWarmupNoSteadyState = "no steady state";
inline constexpr const char* kWarmupShort = "short";                // too few iterations to classify
inline constexpr const char* kWarmupInconsistent = "inconsistent";  // row summary: executions disagree

// Fewer iterations than this are not classified (class "short"): a changepoint needs points on
// both sides and the steady state needs room to be seen.
inline constexpr size_t kWarmupMinIterations = 10;
// PELT's cost per changepoint is kWarmupPenaltyFactor * ln(n): deliberately large, as in Barrett
// et al.'s analysis, so that timing noise does not read as changepoints.
inline constexpr double kWarmupPenaltyFactor = 15;
// A point is a transient spike (left out of the changepoint search) when it is this many noise
// sigmas away, in the same direction, from the medians of the kWarmupOutlierWindow iterations
// before it and of those after it (the last iteration: before it only; the first: never, since a
// slow first iteration is what warm-up looks like).
inline constexpr double kWarmupOutlierSigmas = 5;
inline constexpr size_t kWarmupOutlierWindow = 5;
// Two segments are equivalent when their means differ by at most the larger of this fraction of
// the last segment's mean and one noise sigma.
inline constexpr double kWarmupRelativeTolerance = 0.02;
// A steady state that starts in this final fraction of the series is no steady state.
inline constexpr double kWarmupFinalFraction = 0.25;

// The verdict on one execution's series.
struct WarmupAnalysis {
  std::string cls;                          // one of the class names above (never "inconsistent")
  std::vector<size_t> changepoints;         // first iteration of each segment after the first, ascending
  std::vector<double> segment_means_ms;     // per segment, over its non-outlier iterations
  std::vector<size_t> outliers;             // iterations left out of the changepoint search
  double noise_ms = 0;                      // the noise sigma used (see iteration_noise)
  std::optional<size_t> steady_iteration;   // first iteration of the steady state (0: flat)
  std::optional<double> time_to_steady_ms;  // wall time of the iterations before it
  std::optional<double> steady_ms;          // mean time of an iteration from it to the end
};

// Every in-process iteration of one process execution (one bench repetition), in order: Google
// Benchmark's warm-up and calibration runs first, then its timed batch (from `timed_from`).
struct IterationSeries {
  std::vector<double> times_ms;                       // wall time of each whole run
  std::vector<std::optional<double>> compile_ms;      // JIT compile time of each run (null: none reported)
  std::vector<std::optional<double>> compiles;        // units the JIT compiled in each run
  size_t timed_from = 0;                              // first iteration of the timed batch
  WarmupAnalysis analysis;
};

// The row's summary over its executions: the common class of those long enough to classify
// ("short" if none is, "inconsistent" if they differ), the median first iteration, and medians
// over the executions that reached a steady state.
struct WarmupSummary {
  std::string cls;  // empty when there is no series
  std::optional<double> first_iteration_ms, steady_iteration, time_to_steady_ms, steady_ms;
};

// Noise sigma of a series that may contain level shifts: 1.4826 * median |x[i] - x[i-1]| / sqrt 2
// (a shift moves one difference, not the median), at least 0.1% of the series' median.
double iteration_noise(const std::vector<double>& x);

// The transient spikes of `x` (see kWarmupOutlierSigmas), ascending.
std::vector<size_t> spike_outliers(const std::vector<double>& x, double sigma);

// Changepoints of the optimal segmentation of `x` under the normal change-in-mean cost with known
// `sigma` (sum of squared deviations from each segment's mean / sigma^2) plus `penalty` per
// changepoint, by PELT (Killick, Fearnhead and Eckley 2012): exact, with pruning. Returns the
// first index of every segment but the first, ascending.
std::vector<size_t> pelt_mean_changepoints(const std::vector<double>& x, double sigma, double penalty);

// Classifies one execution's iteration times.
WarmupAnalysis analyse_warmup(const std::vector<double>& times_ms);

std::string combine_warmup_classes(const std::vector<std::string>& classes);
WarmupSummary summarise_warmup(const std::vector<IterationSeries>& series);
// A row's class for people: "-" when empty, and how the executions split when inconsistent
// ("inconsistent (2 flat, 1 warm-up)").
std::string describe_warmup_class(const std::string& row_class, const std::vector<IterationSeries>& series);

}  // namespace gene::harness
