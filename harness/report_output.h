// Writing a report as its set of files: <dir>/<name>.json, .csv, .md and .svg, and for wall-time
// bench reports with iteration series <name>-warmup.svg.
#pragma once
#include <string>

#include "harness/report.h"

namespace gene::harness {

// Creates `dir` if needed. Returns false with a message naming the file that failed.
bool write_report_files(const Report& r, const std::string& dir, const std::string& name, std::string& error);

}  // namespace gene::harness
