#include "harness/warmup.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "harness/statistics.h"

namespace gene::harness {

namespace {

// Longer series are analysed as means of consecutive blocks of iterations: PELT's pruning does
// little on a series without changepoints, so its cost grows with the square of the length.
constexpr size_t kMaxAnalysedPoints = 1000;

double median_of(const std::vector<double>& x, size_t begin, size_t end) {
  return sample_median(std::vector<double>(x.begin() + long(begin), x.begin() + long(end)));
}

std::optional<double> median_or_null(const std::vector<double>& v) {
  if (v.empty()) return std::nullopt;
  return sample_median(v);
}

}  // namespace

double iteration_noise(const std::vector<double>& x) {
  if (x.empty()) return 0;
  double floor = 1e-3 * std::fabs(sample_median(x));
  if (x.size() < 2) return floor;
  std::vector<double> diffs;
  for (size_t i = 1; i < x.size(); i++) diffs.push_back(std::fabs(x[i] - x[i - 1]));
  return std::max(floor, 1.4826 * sample_median(diffs) / std::sqrt(2.0));
}

std::vector<size_t> spike_outliers(const std::vector<double>& x, double sigma) {
  std::vector<size_t> out;
  const double limit = kWarmupOutlierSigmas * sigma;
  for (size_t i = 1; i < x.size(); i++) {
    size_t lo = i >= kWarmupOutlierWindow ? i - kWarmupOutlierWindow : 0;
    size_t hi = std::min(x.size(), i + 1 + kWarmupOutlierWindow);
    double left = x[i] - median_of(x, lo, i);
    bool spike = std::fabs(left) > limit;
    if (spike && i + 1 < hi) {
      double right = x[i] - median_of(x, i + 1, hi);
      spike = std::fabs(right) > limit && (left > 0) == (right > 0);
    }
    if (spike) out.push_back(i);
  }
  return out;
}

std::vector<size_t> pelt_mean_changepoints(const std::vector<double>& x, double sigma, double penalty) {
  const size_t n = x.size();
  if (n < 2 || !(sigma > 0)) return {};
  // Prefix sums of the centred values (centring keeps the sums of squares accurate).
  const double centre = sample_median(x);
  std::vector<double> s1(n + 1, 0), s2(n + 1, 0);
  for (size_t i = 0; i < n; i++) {
    double v = (x[i] - centre) / sigma;
    s1[i + 1] = s1[i] + v;
    s2[i + 1] = s2[i] + v * v;
  }
  // Cost of the segment x[s, t): its sum of squared deviations from its mean, in sigmas.
  auto cost = [&](size_t s, size_t t) {
    double m = double(t - s), a = s1[t] - s1[s];
    return std::max(0.0, (s2[t] - s2[s]) - a * a / m);
  };
  // best[t]: least penalised cost of x[0, t); last[t]: where its last segment starts.
  std::vector<double> best(n + 1, 0);
  std::vector<size_t> last(n + 1, 0);
  best[0] = -penalty;
  std::vector<size_t> candidates = {0}, kept;
  for (size_t t = 1; t <= n; t++) {
    double b = std::numeric_limits<double>::infinity();
    size_t arg = 0;
    for (size_t s : candidates) {
      double c = best[s] + cost(s, t) + penalty;
      if (c < b) b = c, arg = s;
    }
    best[t] = b;
    last[t] = arg;
    // PELT's pruning: a start that is already worse than the optimum without paying the
    // penalty can never become the optimum later (the cost is additive and splitting never
    // increases it).
    kept.clear();
    for (size_t s : candidates)
      if (best[s] + cost(s, t) <= b) kept.push_back(s);
    kept.push_back(t);
    candidates.swap(kept);
  }
  std::vector<size_t> cps;
  for (size_t t = n; last[t] > 0; t = last[t]) cps.push_back(last[t]);
  std::reverse(cps.begin(), cps.end());
  return cps;
}

WarmupAnalysis analyse_warmup(const std::vector<double>& times_ms) {
  WarmupAnalysis a;
  const size_t n = times_ms.size();
  if (n < kWarmupMinIterations) {
    a.cls = kWarmupShort;
    return a;
  }
  // The analysed points: the iterations themselves, or block means of long series.
  const size_t block = (n + kMaxAnalysedPoints - 1) / kMaxAnalysedPoints;
  std::vector<double> x;
  for (size_t i = 0; i < n; i += block) {
    size_t e = std::min(n, i + block);
    double sum = 0;
    for (size_t k = i; k < e; k++) sum += times_ms[k];
    x.push_back(sum / double(e - i));
  }
  const double sigma = iteration_noise(x);
  a.noise_ms = sigma;
  std::vector<size_t> spikes = spike_outliers(x, sigma);
  std::vector<size_t> index;  // analysed point of each kept value
  std::vector<double> kept;
  for (size_t j = 0, k = 0; j < x.size(); j++) {
    if (k < spikes.size() && spikes[k] == j) {
      a.outliers.push_back(j * block);
      k++;
      continue;
    }
    index.push_back(j);
    kept.push_back(x[j]);
  }
  double penalty = kWarmupPenaltyFactor * std::log(double(kept.size()));
  std::vector<size_t> starts = {0};  // segment starts, in kept values
  for (size_t cp : pelt_mean_changepoints(kept, sigma, penalty)) starts.push_back(cp);
  for (size_t s = 0; s < starts.size(); s++) {
    size_t e = s + 1 < starts.size() ? starts[s + 1] : kept.size();
    double sum = 0;
    for (size_t k = starts[s]; k < e; k++) sum += kept[k];
    a.segment_means_ms.push_back(sum / double(e - starts[s]));
    if (s > 0) a.changepoints.push_back(index[starts[s]] * block);
  }

  // The steady state: the last segment and every segment before it, back to the first one that
  // is not equivalent to it.
  const double last_mean = a.segment_means_ms.back();
  const double tolerance = std::max({kWarmupRelativeTolerance * std::fabs(last_mean), sigma, 1e-9});
  auto equivalent = [&](double m) { return std::fabs(m - last_mean) <= tolerance; };
  size_t steady_segment = a.segment_means_ms.size() - 1;
  while (steady_segment > 0 && equivalent(a.segment_means_ms[steady_segment - 1])) steady_segment--;
  const size_t steady = steady_segment == 0 ? 0 : a.changepoints[steady_segment - 1];

  if (double(steady) >= double(n) * (1 - kWarmupFinalFraction)) {
    a.cls = kWarmupNoSteadyState;
    return a;
  }
  bool faster_before = false;
  for (size_t s = 0; s < steady_segment; s++)
    if (a.segment_means_ms[s] < last_mean - tolerance) faster_before = true;
  a.cls = steady_segment == 0 ? kWarmupFlat : faster_before ? kWarmupSlowdown : kWarmupWarmup;
  a.steady_iteration = steady;
  double before = 0, after = 0;
  for (size_t i = 0; i < n; i++) (i < steady ? before : after) += times_ms[i];
  a.time_to_steady_ms = before;
  a.steady_ms = after / double(n - steady);
  return a;
}

std::string combine_warmup_classes(const std::vector<std::string>& classes) {
  if (classes.empty()) return "";
  // A short execution says nothing about the class, so it does not make the others inconsistent.
  std::vector<std::string> known;
  for (const auto& c : classes)
    if (c != kWarmupShort) known.push_back(c);
  if (known.empty()) return kWarmupShort;
  for (const auto& c : known)
    if (c != known[0]) return kWarmupInconsistent;
  return known[0];
}

std::string describe_warmup_class(const std::string& row_class, const std::vector<IterationSeries>& series) {
  if (row_class.empty()) return "-";
  if (row_class != kWarmupInconsistent) return row_class;
  std::vector<std::string> classes, seen;
  for (const auto& x : series) classes.push_back(x.analysis.cls);
  std::string counts;
  for (const auto& c : classes) {
    if (std::find(seen.begin(), seen.end(), c) != seen.end()) continue;
    seen.push_back(c);
    counts += (counts.empty() ? "" : ", ") + std::to_string(std::count(classes.begin(), classes.end(), c)) + " " + c;
  }
  return row_class + " (" + counts + ")";
}

WarmupSummary summarise_warmup(const std::vector<IterationSeries>& series) {
  WarmupSummary s;
  std::vector<std::string> classes;
  std::vector<double> first, steady_it, to_steady, steady;
  for (const auto& x : series) {
    if (x.times_ms.empty()) continue;
    classes.push_back(x.analysis.cls);
    first.push_back(x.times_ms[0]);
    if (x.analysis.steady_iteration) {
      steady_it.push_back(double(*x.analysis.steady_iteration));
      to_steady.push_back(x.analysis.time_to_steady_ms.value_or(0));
      steady.push_back(x.analysis.steady_ms.value_or(0));
    }
  }
  s.cls = combine_warmup_classes(classes);
  s.first_iteration_ms = median_or_null(first);
  s.steady_iteration = median_or_null(steady_it);
  s.time_to_steady_ms = median_or_null(to_steady);
  s.steady_ms = median_or_null(steady);
  return s;
}

}  // namespace gene::harness
