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

}  // namespace gene::harness
