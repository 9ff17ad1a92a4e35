#include "harness/report_output.h"

#include <filesystem>

#include "harness/report_csv.h"
#include "harness/report_markdown.h"
#include "harness/svg_chart.h"
#include "harness/warmup_chart.h"

namespace gene::harness {

bool write_report_files(const Report& r, const std::string& dir, const std::string& name, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    error = dir + ": cannot create directory (" + ec.message() + ")";
    return false;
  }
  std::string base = (std::filesystem::path(dir) / name).string();
  // A check report has no timings, so no chart.
  bool chart = r.kind == "bench";
  // An instruction-count report has no times: its chart plots interp instructions / tier
  // instructions, the speedup the counts predict (a copy, so the JSON keeps speedup null).
  Report charted = r;
  for (auto& row : charted.rows)
    if (!row.speedup && row.instructions_vs_interp && *row.instructions_vs_interp > 0)
      row.speedup = 1 / *row.instructions_vs_interp;
  // Rows with in-process iteration series (schema 4 wall-time bench) also get the warm-up chart.
  bool warmup = chart && has_iteration_series(r);
  return save_text(base + ".json", report_to_json(r).dump(2) + "\n", error) &&
         save_text(base + ".csv", report_to_csv(r), error) &&
         (!chart || save_text(base + ".svg", speedup_chart_svg(charted), error)) &&
         (!warmup || save_text(base + "-warmup.svg", warmup_chart_svg(r), error)) &&
         save_text(base + ".md", report_to_markdown(r, chart ? name + ".svg" : "", warmup ? name + "-warmup.svg" : ""),
                   error);
}

}  // namespace gene::harness
