#include "harness/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

namespace gene::harness {

std::string svg_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string svg_num(double v, const char* fmt) {
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

double svg_nice_ceiling(double v) {
  double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= v) return m * p;
  return 10 * p;
}

const char* const kSvgPalette[kSvgPaletteSize] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#edc948"};

std::vector<std::string> short_program_names(const std::vector<std::string>& programs) {
  namespace fs = std::filesystem;
  std::vector<std::string> dirs;
  for (const auto& p : programs) dirs.push_back(fs::path(p).parent_path().string());
  // Longest common directory prefix (whole components only).
  std::string common = dirs.empty() ? "" : dirs[0];
  for (const auto& d : dirs) {
    while (!common.empty() && !(d == common || d.rfind(common + "/", 0) == 0)) {
      size_t slash = common.rfind('/');
      common = slash == std::string::npos ? "" : common.substr(0, slash);
    }
  }
  std::vector<std::string> out;
  for (const auto& p : programs) {
    fs::path rel = common.empty() ? fs::path(p) : fs::path(p).lexically_relative(common);
    out.push_back(rel.replace_extension().string());
  }
  return out;
}

std::string speedup_chart_svg(const Report& r) {
  // Series: each JIT tier (default thresholds: what users run) is a milestone. With no JIT tier
  // yet, the interpreter alone is drawn so the chart is never empty.
  std::vector<std::string> series;
  for (const auto& t : report_tiers(r))
    if (t != "interp") series.push_back(t);
  bool interp_only = series.empty();
  if (interp_only) series.push_back("interp");

  std::vector<std::string> programs = report_programs(r);
  std::vector<std::string> names = short_program_names(programs);
  std::map<std::pair<std::string, std::string>, const Row*> cell;  // (program, tier) -> row
  for (const auto& row : r.rows)
    if (row.mode == "default" && !row.gc_stress) cell[{row.program, row.tier}] = &row;

  double max_speedup = 1;
  for (const auto& [k, row] : cell)
    if (row->speedup) max_speedup = std::max(max_speedup, *row->speedup);
  const double axis_max = svg_nice_ceiling(max_speedup * 1.05);

  size_t longest = 8;
  for (const auto& n : names) longest = std::max(longest, n.size());
  const int bar_h = 14, group_gap = 10, label_w = int(longest) * 7 + 16, plot_w = 520, top = 70;
  const int group_h = int(series.size()) * bar_h + group_gap;
  const int plot_h = std::max(1, int(programs.size())) * group_h;
  const int width = std::max(720, label_w + plot_w + 70), height = top + plot_h + 40;
  auto x_of = [&](double v) { return label_w + v / axis_max * plot_w; };

  std::string s;
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
       std::to_string(height) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  std::string title = has_instructions(r) && !std::any_of(r.rows.begin(), r.rows.end(), [](const Row& x) { return x.time_median_ms.has_value(); })
                          ? "Instruction speedup over the interpreter (interp instructions / tier instructions; higher is better)"
                          : "Speedup over the interpreter (median wall time; higher is better)";
  s += "<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">" + svg_escape(title) + "</text>\n";
  std::string sub = r.name + " - " + r.environment.git_commit.substr(0, 12) + (r.environment.git_dirty ? " (dirty)" : "") +
                    " - " + r.environment.cpu_model + " - " + r.created;
  s += "<text x=\"10\" y=\"38\" fill=\"#555\">" + svg_escape(sub) + "</text>\n";
  for (size_t i = 0; i < series.size(); ++i) {
    int lx = 10 + int(i) * 130;
    s += "<rect x=\"" + std::to_string(lx) + "\" y=\"48\" width=\"12\" height=\"12\" fill=\"" + kSvgPalette[i % kSvgPaletteSize] + "\"/>";
    s += "<text x=\"" + std::to_string(lx + 16) + "\" y=\"58\">" + svg_escape(series[i]) + "</text>\n";
  }
  if (interp_only)
    s += "<text x=\"" + std::to_string(10 + 140) + "\" y=\"58\" fill=\"#555\">(no JIT tier available yet)</text>\n";

  // Grid: 5 ticks, plus the 1x line every bar is measured against.
  for (int t = 0; t <= 5; ++t) {
    double v = axis_max * t / 5;
    double x = x_of(v);
    s += "<line x1=\"" + svg_num(x) + "\" y1=\"" + std::to_string(top) + "\" x2=\"" + svg_num(x) + "\" y2=\"" +
         std::to_string(top + plot_h) + "\" stroke=\"#ddd\"/>";
    s += "<text x=\"" + svg_num(x) + "\" y=\"" + std::to_string(top + plot_h + 16) + "\" text-anchor=\"middle\">" +
         svg_num(v, v < 10 ? "%.1fx" : "%.0fx") + "</text>\n";
  }
  s += "<line x1=\"" + svg_num(x_of(1)) + "\" y1=\"" + std::to_string(top - 4) + "\" x2=\"" + svg_num(x_of(1)) + "\" y2=\"" +
       std::to_string(top + plot_h) + "\" stroke=\"#333\" stroke-dasharray=\"4 3\"/>\n";

  for (size_t p = 0; p < programs.size(); ++p) {
    int gy = top + int(p) * group_h;
    s += "<text x=\"" + std::to_string(label_w - 8) + "\" y=\"" + std::to_string(gy + group_h / 2) +
         "\" text-anchor=\"end\" dominant-baseline=\"middle\">" + svg_escape(names[p]) + "</text>\n";
    for (size_t i = 0; i < series.size(); ++i) {
      int y = gy + int(i) * bar_h;
      auto it = cell.find({programs[p], series[i]});
      const Row* row = it == cell.end() ? nullptr : it->second;
      std::string label;
      if (!row) label = "not run";
      else if (is_failure_status(row->status)) label = "FAILED";
      else if (!row->speedup) label = "no time";
      if (row && row->speedup) {
        double w = std::max(1.0, x_of(*row->speedup) - label_w);
        s += "<rect x=\"" + std::to_string(label_w) + "\" y=\"" + std::to_string(y + 1) + "\" width=\"" + svg_num(w) +
             "\" height=\"" + std::to_string(bar_h - 2) + "\" fill=\"" + kSvgPalette[i % kSvgPaletteSize] + "\"><title>" +
             svg_escape(names[p] + " on " + series[i] + ": " + svg_num(*row->speedup, "%.2fx")) + "</title></rect>";
        label = svg_num(*row->speedup, "%.2fx") + (label.empty() ? "" : " " + label);
        s += "<text x=\"" + svg_num(label_w + w + 4) + "\" y=\"" + std::to_string(y + bar_h - 3) + "\" font-size=\"10\"" +
             (is_failure_status(row->status) ? " fill=\"#c00\"" : "") + ">" + svg_escape(label) + "</text>\n";
      } else {
        s += "<text x=\"" + std::to_string(label_w + 4) + "\" y=\"" + std::to_string(y + bar_h - 3) +
             "\" font-size=\"10\" fill=\"#c00\">" + svg_escape(label) + "</text>\n";
      }
    }
  }
  if (programs.empty())
    s += "<text x=\"" + std::to_string(label_w) + "\" y=\"" + std::to_string(top + 20) + "\">no programs</text>\n";
  s += "</svg>\n";
  return s;
}

}  // namespace gene::harness
