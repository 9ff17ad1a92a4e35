#include "harness/warmup_chart.h"

#include <algorithm>
#include <cmath>

#include "harness/svg_chart.h"

namespace gene::harness {

namespace {

constexpr int kLeft = 70, kPlotW = 600, kRight = 330, kPlotH = 140, kStripRow = 7;
constexpr size_t kDotsUpTo = 60;      // longer series are drawn as lines only
constexpr size_t kMaxLinePoints = 600;  // longer series are drawn as means of consecutive blocks

// The interpreter in grey, the JIT tiers in the speedup chart's colours (same order).
std::string tier_colour(const Report& r, const std::string& tier) {
  if (tier == "interp") return "#888888";
  size_t i = 0;
  for (const auto& t : report_tiers(r)) {
    if (t == tier) break;
    if (t != "interp") i++;
  }
  return kSvgPalette[i % kSvgPaletteSize];
}

// Tick values of a log axis over [lo, hi]: 1, 2, 3, 5 x 10^k, thinned to 1 x 10^k when crowded;
// a narrow range gets two ticks at a quarter and three quarters of it, to 3 significant digits.
std::vector<double> log_ticks(double lo, double hi) {
  std::vector<double> all, decades;
  for (int k = int(std::floor(std::log10(lo))); k <= int(std::ceil(std::log10(hi))); k++)
    for (double m : {1.0, 2.0, 3.0, 5.0}) {
      double v = m * std::pow(10.0, k);
      if (v < lo || v > hi) continue;
      all.push_back(v);
      if (m == 1.0) decades.push_back(v);
    }
  if (all.size() > 6 && decades.size() >= 2) return decades;
  if (all.size() >= 2) return all;
  std::vector<double> two;
  for (double f : {0.25, 0.75}) {
    double v = std::exp(std::log(lo) + f * (std::log(hi) - std::log(lo)));
    double scale = std::pow(10.0, std::floor(std::log10(v)) - 2);
    two.push_back(std::round(v / scale) * scale);
  }
  return two;
}

std::string ms_label(double v) { return svg_num(v, v >= 100 ? "%.0f" : v >= 1 ? "%.3g" : "%.2g"); }

// Consecutive iterations [first, last] of one execution in which the JIT compiled something.
struct CompileRun {
  size_t first, last;
  double units = 0, ms = 0;
};

std::vector<CompileRun> compile_runs(const IterationSeries& s) {
  std::vector<CompileRun> runs;
  for (size_t i = 0; i < s.times_ms.size(); i++) {
    double units = i < s.compiles.size() ? s.compiles[i].value_or(0) : 0;
    if (units <= 0) continue;
    double ms = i < s.compile_ms.size() ? s.compile_ms[i].value_or(0) : 0;
    if (runs.empty() || runs.back().last + 1 != i) runs.push_back({i, i});
    runs.back().last = i;
    runs.back().units += units;
    runs.back().ms += ms;
  }
  return runs;
}

}  // namespace

bool has_iteration_series(const Report& r) {
  return std::any_of(r.rows.begin(), r.rows.end(), [](const Row& row) { return !row.iteration_series.empty(); });
}

std::string warmup_chart_svg(const Report& r) {
  std::vector<std::string> programs = report_programs(r), names = short_program_names(programs), tiers = report_tiers(r);
  // Rows drawn: default mode (what users run), no gc-stress, with at least one series.
  auto rows_of = [&](const std::string& program) {
    std::vector<const Row*> out;
    for (const auto& t : tiers)
      for (const auto& row : r.rows)
        if (row.program == program && row.tier == t && row.mode == "default" && !row.gc_stress &&
            !row.iteration_series.empty())
          out.push_back(&row);
    return out;
  };
  auto strips_of = [](const std::vector<const Row*>& rows) {
    int n = 0;
    for (const Row* row : rows)
      if (!compile_runs(row->iteration_series[0]).empty()) n++;
    return n;
  };

  const int top = 96, width = kLeft + kPlotW + kRight;
  int height = top;
  for (const auto& p : programs) {
    auto rows = rows_of(p);
    if (!rows.empty()) height += 24 + kPlotH + 3 + strips_of(rows) * kStripRow + 34;
  }
  height = std::max(height, top + 40);

  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
                  std::to_string(height) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">In-process iteration times (one line per tier and "
       "execution; log scale)</text>\n";
  std::string sub = r.name + " - " + r.environment.git_commit.substr(0, 12) + (r.environment.git_dirty ? " (dirty)" : "") +
                    " - " + r.environment.cpu_model + " - " + r.created;
  s += "<text x=\"10\" y=\"38\" fill=\"#555\">" + svg_escape(sub) + "</text>\n";
  s += "<text x=\"10\" y=\"56\" fill=\"#555\">Each iteration is a whole run in a fresh VM, so the JIT compiles anew in "
       "every one: the bars under a plot mark the iterations in which a tier compiled.</text>\n";
  s += "<text x=\"10\" y=\"74\" fill=\"#555\">Circle: where an execution's steady state starts (changepoint analysis, "
       "PELT); each tier's class is in the legend. Hover for values.</text>\n";

  int y0 = top;
  for (size_t p = 0; p < programs.size(); ++p) {
    std::vector<const Row*> rows = rows_of(programs[p]);
    if (rows.empty()) continue;
    double lo = 0, hi = 0;
    size_t longest = 1;
    for (const Row* row : rows)
      for (const auto& x : row->iteration_series) {
        longest = std::max(longest, x.times_ms.size());
        for (double t : x.times_ms)
          if (t > 0) lo = lo == 0 ? t : std::min(lo, t), hi = std::max(hi, t);
      }
    if (hi <= 0) lo = 1, hi = 10;
    lo *= 0.95;
    hi *= 1.05;
    const int plot_top = y0 + 24, plot_bottom = plot_top + kPlotH;
    auto x_of = [&](size_t i) { return kLeft + (longest <= 1 ? kPlotW / 2.0 : kPlotW * double(i) / double(longest - 1)); };
    auto y_of = [&](double v) {
      double f = (std::log(std::max(v, lo)) - std::log(lo)) / (std::log(hi) - std::log(lo));
      return plot_bottom - f * kPlotH;
    };

    s += "<text x=\"10\" y=\"" + std::to_string(y0 + 16) + "\" font-size=\"13\" font-weight=\"bold\">" +
         svg_escape(names[p]) + "</text>\n";
    s += "<rect x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(plot_top) + "\" width=\"" +
         std::to_string(kPlotW) + "\" height=\"" + std::to_string(kPlotH) + "\" fill=\"none\" stroke=\"#bbb\"/>\n";
    for (double v : log_ticks(lo, hi)) {
      double y = y_of(v);
      s += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + svg_num(y) + "\" x2=\"" + std::to_string(kLeft + kPlotW) +
           "\" y2=\"" + svg_num(y) + "\" stroke=\"#ddd\"/>";
      s += "<text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + svg_num(y + 4) + "\" text-anchor=\"end\">" +
           ms_label(v) + " ms</text>\n";
    }
    // Tier lines, steady-state markers and the per-tier legend with its class.
    int legend_y = plot_top + 10;
    std::vector<std::pair<const Row*, std::string>> strips;
    for (const Row* row : rows) {
      std::string colour = tier_colour(r, row->tier);
      for (size_t e = 0; e < row->iteration_series.size(); e++) {
        const IterationSeries& x = row->iteration_series[e];
        const size_t n = x.times_ms.size(), block = (n + kMaxLinePoints - 1) / kMaxLinePoints;
        std::string what = names[p] + " on " + row->tier + ", execution " + std::to_string(e + 1) + ": " +
                           x.analysis.cls + (block > 1 ? " (drawn as means of " + std::to_string(block) + " iterations)" : "");
        std::string points;
        for (size_t i = 0; i < n; i += block) {
          double sum = 0;
          size_t end = std::min(n, i + block);
          for (size_t k = i; k < end; k++) sum += x.times_ms[k];
          points += svg_num(x_of(i)) + "," + svg_num(y_of(sum / double(end - i))) + " ";
        }
        s += "<polyline data-tier=\"" + svg_escape(row->tier) + "\" fill=\"none\" stroke=\"" + colour +
             "\" stroke-width=\"1.5\" stroke-opacity=\"0.8\" points=\"" + points + "\"><title>" + svg_escape(what) +
             "</title></polyline>\n";
        if (x.times_ms.size() <= kDotsUpTo)
          for (size_t i = 0; i < x.times_ms.size(); i++)
            s += "<circle cx=\"" + svg_num(x_of(i)) + "\" cy=\"" + svg_num(y_of(x.times_ms[i])) + "\" r=\"1.8\" fill=\"" +
                 colour + "\"><title>" + svg_escape(row->tier + " #" + std::to_string(e + 1) + ", iteration " +
                                                   std::to_string(i) + ": " + svg_num(x.times_ms[i], "%.3f") + " ms") +
                 "</title></circle>";
        if (x.analysis.steady_iteration && *x.analysis.steady_iteration < x.times_ms.size()) {
          size_t i = *x.analysis.steady_iteration;
          s += "<circle cx=\"" + svg_num(x_of(i)) + "\" cy=\"" + svg_num(y_of(x.times_ms[i])) + "\" r=\"4\" fill=\"" +
               colour + "\" stroke=\"black\" stroke-width=\"1\"><title>" +
               svg_escape(what + ", steady from iteration " + std::to_string(i) + " at " +
                          svg_num(x.analysis.steady_ms.value_or(0), "%.3f") + " ms") +
               "</title></circle>";
        }
        s += "\n";
      }
      if (!compile_runs(row->iteration_series[0]).empty()) strips.push_back({row, colour});
      std::string label = row->tier + ": " + describe_warmup_class(row->warmup_class, row->iteration_series);
      s += "<rect x=\"" + std::to_string(kLeft + kPlotW + 14) + "\" y=\"" + std::to_string(legend_y - 9) +
           "\" width=\"10\" height=\"10\" fill=\"" + colour + "\"/><text x=\"" + std::to_string(kLeft + kPlotW + 30) +
           "\" y=\"" + std::to_string(legend_y) + "\">" + svg_escape(label) + "</text>\n";
      legend_y += 16;
    }
    // Compile strip: one row per tier that compiled, a bar over each run of compiling iterations
    // (of the first execution; the others are alike, each iteration being a fresh VM).
    int strip_y = plot_bottom + 3;
    if (!strips.empty())
      s += "<text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + std::to_string(strip_y + 6) +
           "\" text-anchor=\"end\" font-size=\"9\" fill=\"#555\">compiled</text>\n";
    for (const auto& [row, colour] : strips) {
      for (const CompileRun& c : compile_runs(row->iteration_series[0])) {
        double x1 = x_of(c.first) - 2, x2 = x_of(c.last) + 2;
        size_t n = c.last - c.first + 1;
        std::string tip = row->tier + ": the JIT compiled in " +
                          (n == 1 ? "iteration " + std::to_string(c.first)
                                  : "every iteration " + std::to_string(c.first) + "-" + std::to_string(c.last)) +
                          ", " + svg_num(c.units / double(n), "%.1f") + " units and " +
                          svg_num(c.ms / double(n), "%.3f") + " ms per iteration";
        s += "<rect x=\"" + svg_num(x1) + "\" y=\"" + std::to_string(strip_y) + "\" width=\"" + svg_num(x2 - x1) +
             "\" height=\"" + std::to_string(kStripRow - 2) + "\" fill=\"" + colour + "\"><title>" + svg_escape(tip) +
             "</title></rect>\n";
      }
      strip_y += kStripRow;
    }
    // Iteration axis.
    double step = std::max(1.0, svg_nice_ceiling(double(longest) / 8));
    for (double i = 0; i < double(longest); i += step) {
      double x = x_of(size_t(i));
      s += "<text x=\"" + svg_num(x) + "\" y=\"" + std::to_string(strip_y + 13) + "\" text-anchor=\"middle\">" +
           svg_num(i, "%.0f") + "</text>";
    }
    s += "<text x=\"" + std::to_string(kLeft + kPlotW) + "\" y=\"" + std::to_string(strip_y + 27) +
         "\" text-anchor=\"end\" fill=\"#555\">in-process iteration</text>\n";
    y0 = strip_y + 34;
  }
  if (y0 == top)
    s += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(top + 20) + "\">no iteration series</text>\n";
  s += "</svg>\n";
  return s;
}

}  // namespace gene::harness
