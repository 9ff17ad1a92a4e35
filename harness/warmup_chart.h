// A self-contained SVG of every in-process iteration's time: one small plot per program, one line
// per tier and execution, the steady state found by the warm-up analysis and the iterations in
// which the JIT compiled marked. Written beside a bench report as <name>-warmup.svg.
#pragma once
#include <string>

#include "harness/report.h"

namespace gene::harness {

// Whether any row has iteration series (reports from before schema 4, instruction counts and
// check reports have none, and get no warm-up chart).
bool has_iteration_series(const Report& r);

std::string warmup_chart_svg(const Report& r);

}  // namespace gene::harness
