// The report's rows as CSV (RFC 4180), one line per row, columns as row_columns().
#pragma once
#include <string>

#include "harness/report.h"

namespace gene::harness {

std::string report_to_csv(const Report& r);

}  // namespace gene::harness
