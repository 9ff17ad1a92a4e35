#include "harness/statistics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace gene::harness {

namespace {

constexpr int kResamples = 2000;

// A small deterministic generator (splitmix64): the same report gives the same intervals.
struct Rng {
  uint64_t s = 0x9e3779b97f4a7c15ull;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return size_t(next() % n); }
};

double resampled_median(const std::vector<double>& v, Rng& rng, std::vector<double>& scratch) {
  scratch.resize(v.size());
  for (double& x : scratch) x = v[rng.below(v.size())];
  return sample_median(scratch);
}

std::pair<double, double> percentile_interval(std::vector<double>& stats) {
  std::sort(stats.begin(), stats.end());
  auto at = [&](double q) { return stats[std::min(stats.size() - 1, size_t(q * double(stats.size())))]; };
  return {at(0.025), at(0.975)};
}

}  // namespace

double sample_median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::pair<double, double> bootstrap_median_ci(const std::vector<double>& v) {
  if (v.size() < 2) return {v.empty() ? 0 : v[0], v.empty() ? 0 : v[0]};
  Rng rng;
  std::vector<double> stats, scratch;
  for (int i = 0; i < kResamples; i++) stats.push_back(resampled_median(v, rng, scratch));
  return percentile_interval(stats);
}

std::pair<double, double> bootstrap_ratio_ci(const std::vector<double>& num, const std::vector<double>& den) {
  Rng rng;
  std::vector<double> stats, scratch;
  for (int i = 0; i < kResamples; i++) {
    double n = resampled_median(num, rng, scratch), d = resampled_median(den, rng, scratch);
    if (d > 0) stats.push_back(n / d);
  }
  if (stats.empty()) return {0, 0};
  return percentile_interval(stats);
}

std::pair<double, double> bootstrap_geomean_ratio_ci(const std::vector<std::vector<double>>& num,
                                                     const std::vector<std::vector<double>>& den) {
  Rng rng;
  std::vector<double> stats, scratch;
  size_t k = std::min(num.size(), den.size());
  for (int i = 0; i < kResamples && k > 0; i++) {
    double log_sum = 0;
    bool ok = true;
    for (size_t p = 0; p < k && ok; p++) {
      double n = resampled_median(num[p], rng, scratch), d = resampled_median(den[p], rng, scratch);
      ok = n > 0 && d > 0;
      if (ok) log_sum += std::log(n / d);
    }
    if (ok) stats.push_back(std::exp(log_sum / double(k)));
  }
  if (stats.empty()) return {0, 0};
  return percentile_interval(stats);
}

double mann_whitney_p(const std::vector<double>& a, const std::vector<double>& b) {
  size_t n = a.size(), m = b.size();
  if (n == 0 || m == 0) return 1;
  // U of a: pairs (x in a, y in b) with x > y, ties counting a half.
  double u = 0;
  bool ties = false;
  for (double x : a)
    for (double y : b) {
      if (x > y) u += 1;
      else if (x == y) u += 0.5, ties = true;
    }
  double mean = double(n * m) / 2;
  if (!ties && n <= 20 && m <= 20) {
    // Exact: ways[i][j][k] = orderings of i a's and j b's with U = k, built up one value at a time.
    size_t umax = n * m;
    std::vector<std::vector<double>> prev(m + 1, std::vector<double>(umax + 1, 0)), cur = prev;
    for (size_t j = 0; j <= m; j++) prev[j][0] = 1;  // no a's: U = 0
    for (size_t i = 1; i <= n; i++) {
      for (size_t j = 0; j <= m; j++) {
        std::fill(cur[j].begin(), cur[j].end(), 0);
        for (size_t k = 0; k <= umax; k++) {
          // The largest value is an a (it beats all j b's) or a b.
          double w = (k >= j ? prev[j][k - j] : 0) + (j > 0 ? cur[j - 1][k] : 0);
          cur[j][k] = w;
        }
      }
      std::swap(prev, cur);
    }
    const std::vector<double>& dist = prev[m];
    double total = 0, tail = 0;
    double lo = std::min(u, double(umax) - u);
    for (size_t k = 0; k <= umax; k++) {
      total += dist[k];
      if (double(k) <= lo + 1e-9) tail += dist[k];
    }
    return std::min(1.0, 2 * tail / total);
  }
  // Normal approximation with the tie correction of the variance.
  std::vector<double> all(a);
  all.insert(all.end(), b.begin(), b.end());
  std::sort(all.begin(), all.end());
  double tie_term = 0;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j] == all[i]) j++;
    double t = double(j - i);
    tie_term += t * t * t - t;
    i = j;
  }
  double N = double(n + m);
  double var = double(n * m) / 12 * ((N + 1) - tie_term / (N * (N - 1)));
  if (var <= 0) return 1;
  double z = (std::fabs(u - mean) - 0.5) / std::sqrt(var);
  return std::min(1.0, std::erfc(std::max(0.0, z) / std::sqrt(2.0)));
}

}  // namespace gene::harness
