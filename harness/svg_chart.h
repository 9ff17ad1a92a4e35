// A self-contained SVG bar chart of speedup over the interpreter per program and tier (the
// milestones), so a browser shows a report's result without any tool.
#pragma once
#include <string>

#include "harness/report.h"

namespace gene::harness {

std::string speedup_chart_svg(const Report& r);

// Program names as shown in charts and tables: the paths without their common directory
// prefix and extension ("corpus/bench/fib.gene" among others in corpus/bench -> "fib").
std::vector<std::string> short_program_names(const std::vector<std::string>& programs);

// Shared by the report's charts (this one and warmup_chart.h), so they look alike.
std::string svg_escape(const std::string& s);
std::string svg_num(double v, const char* fmt = "%.1f");  // snprintf of one number
double svg_nice_ceiling(double v);                          // a round axis maximum (1, 2, 5 x 10^k) >= v
inline constexpr int kSvgPaletteSize = 7;
extern const char* const kSvgPalette[kSvgPaletteSize];      // series colours, JIT tiers in report order

}  // namespace gene::harness
