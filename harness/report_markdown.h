// The human summary of a report: context, per-tier geometric means, per-row table and a link to
// the SVG chart.
#pragma once
#include <string>

#include "harness/report.h"

namespace gene::harness {

// `svg_file`: the chart's file name relative to the .md (empty: no chart); `warmup_svg_file`: the
// warm-up chart's (empty: none). The warm-up table is written whenever rows have iteration series.
std::string report_to_markdown(const Report& r, const std::string& svg_file, const std::string& warmup_svg_file = "");

}  // namespace gene::harness
