// The human summary of a report: context, per-tier geometric means, per-row table and a link to
// the SVG chart.
#pragma once
#include <string>

#include "harness/report.h"

namespace gene::harness {

// `svg_file`: the chart's file name relative to the .md (empty: no chart).
std::string report_to_markdown(const Report& r, const std::string& svg_file);

}  // namespace gene::harness
