#include "harness/report_csv.h"

namespace gene::harness {

namespace {

std::string quote(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// One cell from the row's JSON value, so CSV and JSON can never disagree on a row.
std::string cell(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return quote(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_object()) {  // engine_stats: name=value;name=value
    std::string s;
    for (const auto& [k, x] : v.items()) s += (s.empty() ? "" : ";") + k + "=" + x.dump();
    return quote(s);
  }
  return v.dump();
}

}  // namespace

std::string report_to_csv(const Report& r) {
  const auto& cols = row_columns();
  std::string out;
  for (size_t i = 0; i < cols.size(); ++i) out += (i ? "," : "") + cols[i];
  out += "\n";
  for (const auto& row : r.rows) {
    nlohmann::json j = row_to_json(row);
    for (size_t i = 0; i < cols.size(); ++i) out += (i ? "," : "") + cell(j[cols[i]]);
    out += "\n";
  }
  return out;
}

}  // namespace gene::harness
