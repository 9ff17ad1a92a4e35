// The statistics bench and compare use on per-execution samples (one per child process, as
// Kalibera and Jones recommend resampling): medians, 95% bootstrap confidence intervals of a
// median and of a ratio of medians, and the Mann-Whitney U test that compare uses to tell a
// real change from noise (as Google Benchmark's compare.py does). Deterministic: the bootstrap
// uses a fixed seed, so one report always renders the same intervals.
#pragma once
#include <utility>
#include <vector>

namespace gene::harness {

double sample_median(std::vector<double> v);  // v non-empty

// 95% percentile-bootstrap interval of the median of `v` (2000 resamples); {m, m} for one sample.
std::pair<double, double> bootstrap_median_ci(const std::vector<double>& v);
// 95% interval of median(num) / median(den), resampling both sets independently.
std::pair<double, double> bootstrap_ratio_ci(const std::vector<double>& num, const std::vector<double>& den);

// 95% interval of the geometric mean over k pairs of median(num[i]) / median(den[i]) (a tier's
// geomean speedup: num = the interpreter's executions, den = the tier's, per program), each
// resample drawing every program's executions anew. Pairs need samples on both sides.
std::pair<double, double> bootstrap_geomean_ratio_ci(const std::vector<std::vector<double>>& num,
                                                     const std::vector<std::vector<double>>& den);

// Two-sided p-value of the Mann-Whitney U test of `a` against `b`: exact for small samples
// without ties, the normal approximation (with tie correction) otherwise. 1 if either is empty.
double mann_whitney_p(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace gene::harness
