#include "harness/report.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <type_traits>

#include "harness/statistics.h"

namespace gene::harness {

using nlohmann::json;

std::string Row::key() const { return program + "|" + tier + "|" + mode + (gc_stress ? "|gc-stress" : ""); }

namespace {

// Every nullable number of a row, by column name, so JSON reading and writing share one list.
struct NumberField {
  const char* name;
  std::optional<double> Row::*member;
};
const NumberField kNumberFields[] = {
    {"iterations", &Row::iterations},
    {"time_median_ms", &Row::time_median_ms},
    {"time_mean_ms", &Row::time_mean_ms},
    {"time_min_ms", &Row::time_min_ms},
    {"time_max_ms", &Row::time_max_ms},
    {"time_stddev_ms", &Row::time_stddev_ms},
    {"time_cv", &Row::time_cv},
    {"speedup", &Row::speedup},
    {"time_ci_low_ms", &Row::time_ci_low_ms},
    {"time_ci_high_ms", &Row::time_ci_high_ms},
    {"speedup_ci_low", &Row::speedup_ci_low},
    {"speedup_ci_high", &Row::speedup_ci_high},
    {"instructions", &Row::instructions},
    {"instructions_vs_interp", &Row::instructions_vs_interp},
    {"instructions_jit", &Row::instructions_jit},
    {"instructions_interp", &Row::instructions_interp},
    {"instructions_runtime", &Row::instructions_runtime},
    {"peak_heap_bytes", &Row::peak_heap_bytes},
    {"peak_rss_bytes", &Row::peak_rss_bytes},
    {"gc_collections", &Row::gc_collections},
    {"compile_time_ms", &Row::compile_time_ms},
    {"code_bytes", &Row::code_bytes},
    {"functions_compiled", &Row::functions_compiled},
    {"deopts", &Row::deopts},
};
// The warm-up summary's numbers (version 4), after the `warmup_class` column.
const NumberField kWarmupNumberFields[] = {
    {"first_iteration_ms", &Row::first_iteration_ms},
    {"steady_iteration", &Row::steady_iteration},
    {"time_to_steady_ms", &Row::time_to_steady_ms},
    {"steady_ms", &Row::steady_ms},
};

const char* const kStatuses[] = {"pass", "fail", "error", "unchecked", "crash", "timeout"};

json opt(const std::optional<double>& v) { return v && std::isfinite(*v) ? json(*v) : json(nullptr); }

// Per-iteration values that may be missing (a tier without JIT statistics): null when none is there.
json opt_array(const std::vector<std::optional<double>>& v) {
  if (std::none_of(v.begin(), v.end(), [](const auto& x) { return x.has_value(); })) return nullptr;
  json a = json::array();
  for (const auto& x : v) a.push_back(opt(x));
  return a;
}

json series_to_json(const IterationSeries& s) {
  const WarmupAnalysis& a = s.analysis;
  auto opt_size = [](const std::optional<size_t>& v) { return v ? json(*v) : json(nullptr); };
  return {{"times_ms", s.times_ms},
          {"compile_ms", opt_array(s.compile_ms)},
          {"compiles", opt_array(s.compiles)},
          {"timed_from", s.timed_from},
          {"class", a.cls},
          {"changepoints", a.changepoints},
          {"segment_means_ms", a.segment_means_ms},
          {"outliers", a.outliers},
          {"noise_ms", a.noise_ms},
          {"steady_iteration", opt_size(a.steady_iteration)},
          {"time_to_steady_ms", opt(a.time_to_steady_ms)},
          {"steady_ms", opt(a.steady_ms)}};
}

}  // namespace

const std::vector<std::string>& row_columns() {
  static const std::vector<std::string> cols = [] {
    std::vector<std::string> c = {"program", "tier",   "mode",        "gc_stress",
                                  "status",  "exit",   "signal",      "signal_name", "repetitions"};
    for (const auto& f : kNumberFields) c.push_back(f.name);
    c.push_back("warmup_class");
    for (const auto& f : kWarmupNumberFields) c.push_back(f.name);
    c.push_back("engine_stats");
    c.push_back("detail");
    return c;
  }();
  return cols;
}

json row_to_json(const Row& r) {
  json j = {{"program", r.program}, {"tier", r.tier}, {"mode", r.mode}, {"gc_stress", r.gc_stress},
            {"status", r.status}, {"exit", r.exit ? json(*r.exit) : json(nullptr)},
            {"signal", r.signal ? json(*r.signal) : json(nullptr)}, {"signal_name", r.signal_name},
            {"repetitions", r.repetitions ? json(*r.repetitions) : json(nullptr)}};
  for (const auto& f : kNumberFields) j[f.name] = opt(r.*f.member);
  j["warmup_class"] = r.warmup_class;
  for (const auto& f : kWarmupNumberFields) j[f.name] = opt(r.*f.member);
  j["engine_stats"] = json::object();
  for (const auto& [k, v] : r.engine_stats)
    if (std::isfinite(v)) j["engine_stats"][k] = v;
  j["detail"] = r.detail;
  j["time_samples_ms"] = r.time_samples_ms.empty() ? json(nullptr) : json(r.time_samples_ms);
  json series = json::array();
  for (const auto& x : r.iteration_series) series.push_back(series_to_json(x));
  j["iteration_series"] = r.iteration_series.empty() ? json(nullptr) : series;
  return j;
}

json peer_row_to_json(const PeerRow& p) {
  auto opt_int = [](const std::optional<int>& v) { return v ? json(*v) : json(nullptr); };
  return {{"program", p.program},
          {"peer", p.peer},
          {"command", p.command},
          {"status", p.status},
          {"exit", opt_int(p.exit)},
          {"repetitions", opt_int(p.repetitions)},
          {"time_median_ms", opt(p.time_median_ms)},
          {"time_min_ms", opt(p.time_min_ms)},
          {"interp_median_ms", opt(p.interp_median_ms)},
          {"best_tier", p.best_tier},
          {"best_median_ms", opt(p.best_median_ms)},
          {"vs_interp", opt(p.vs_interp)},
          {"vs_best", opt(p.vs_best)},
          {"detail", p.detail}};
}

json report_to_json(const Report& r) {
  const Environment& e = r.environment;
  json rows = json::array();
  for (const auto& row : r.rows) rows.push_back(row_to_json(row));
  json out = {{"schema", kReportSchemaName},
          {"schema_version", r.schema_version},
          {"kind", r.kind},
          {"name", r.name},
          {"created", r.created},
          {"environment",
           {{"hostname", e.hostname}, {"os", e.os}, {"cpu_model", e.cpu_model}, {"cpu_count", e.cpu_count},
            {"compiler", e.compiler}, {"build_type", e.build_type}, {"git_commit", e.git_commit},
            {"git_dirty", e.git_dirty}}},
          {"settings", r.settings},
          {"shards", r.shards},
          {"rows", rows}};
  if (!r.peers.empty()) {
    json peers = json::array();
    for (const auto& p : r.peers) peers.push_back(peer_row_to_json(p));
    out["peers"] = peers;
  }
  return out;
}

namespace {

// Small typed readers that record the first problem with its location.
struct Reader {
  std::string& error;
  bool fail(const std::string& where, const std::string& what) {
    if (error.empty()) error = where + ": " + what;
    return false;
  }
  bool str(const json& o, const char* k, std::string& out, const std::string& where) {
    if (!o.contains(k) || !o[k].is_string()) return fail(where, std::string("'") + k + "' must be a string");
    out = o[k].get<std::string>();
    return true;
  }
  bool boolean(const json& o, const char* k, bool& out, const std::string& where) {
    if (!o.contains(k) || !o[k].is_boolean()) return fail(where, std::string("'") + k + "' must be true or false");
    out = o[k].get<bool>();
    return true;
  }
  bool integer(const json& o, const char* k, int& out, const std::string& where) {
    if (!o.contains(k) || !o[k].is_number_integer()) return fail(where, std::string("'") + k + "' must be an integer");
    out = o[k].get<int>();
    return true;
  }
  bool nullable_int(const json& o, const char* k, std::optional<int>& out, const std::string& where) {
    if (!o.contains(k) || o[k].is_null()) return out.reset(), true;
    if (!o[k].is_number_integer()) return fail(where, std::string("'") + k + "' must be an integer or null");
    out = o[k].get<int>();
    return true;
  }
  bool nullable_number(const json& o, const char* k, std::optional<double>& out, const std::string& where) {
    if (!o.contains(k) || o[k].is_null()) return out.reset(), true;
    if (!o[k].is_number()) return fail(where, std::string("'") + k + "' must be a number or null");
    out = o[k].get<double>();
    return true;
  }
  // An optional array of numbers (absent or null: empty).
  template <class T>
  bool numbers(const json& o, const char* k, std::vector<T>& out, const std::string& where) {
    out.clear();
    if (!o.contains(k) || o[k].is_null()) return true;
    if (!o[k].is_array()) return fail(where, std::string("'") + k + "' must be an array");
    for (const auto& x : o[k]) {
      if (!x.is_number() || (std::is_unsigned_v<T> && !x.is_number_unsigned()))
        return fail(where, std::string("'") + k + "' must hold " + (std::is_unsigned_v<T> ? "counts" : "numbers"));
      out.push_back(x.get<T>());
    }
    return true;
  }
  bool nullable_numbers(const json& o, const char* k, std::vector<std::optional<double>>& out, const std::string& where) {
    out.clear();
    if (!o.contains(k) || o[k].is_null()) return true;
    if (!o[k].is_array()) return fail(where, std::string("'") + k + "' must be an array");
    for (const auto& x : o[k]) {
      if (!x.is_null() && !x.is_number()) return fail(where, std::string("'") + k + "' must hold numbers or nulls");
      out.push_back(x.is_null() ? std::nullopt : std::optional<double>(x.get<double>()));
    }
    return true;
  }
};

bool series_from_json(const json& j, IterationSeries& s, Reader& rd, const std::string& where) {
  if (!j.is_object()) return rd.fail(where, "must be an object");
  WarmupAnalysis& a = s.analysis;
  std::optional<double> steady_iteration, noise;
  if (!rd.numbers(j, "times_ms", s.times_ms, where) || !rd.nullable_numbers(j, "compile_ms", s.compile_ms, where) ||
      !rd.nullable_numbers(j, "compiles", s.compiles, where) || !rd.numbers(j, "changepoints", a.changepoints, where) ||
      !rd.numbers(j, "segment_means_ms", a.segment_means_ms, where) || !rd.numbers(j, "outliers", a.outliers, where) ||
      !rd.nullable_number(j, "noise_ms", noise, where) || !rd.nullable_number(j, "steady_iteration", steady_iteration, where) ||
      !rd.nullable_number(j, "time_to_steady_ms", a.time_to_steady_ms, where) ||
      !rd.nullable_number(j, "steady_ms", a.steady_ms, where))
    return false;
  if (j.contains("timed_from") && !j["timed_from"].is_null()) {
    if (!j["timed_from"].is_number_unsigned()) return rd.fail(where, "'timed_from' must be a count");
    s.timed_from = j["timed_from"].get<size_t>();
  }
  a.noise_ms = noise.value_or(0);
  if (steady_iteration) a.steady_iteration = size_t(*steady_iteration);
  if (j.contains("class") && j["class"].is_string()) a.cls = j["class"].get<std::string>();
  else a = analyse_warmup(s.times_ms);  // the times are the data; the verdict can be redone
  return true;
}

bool row_from_json(const json& j, Row& r, Reader& rd, const std::string& where) {
  if (!j.is_object()) return rd.fail(where, "must be an object");
  bool ok = rd.str(j, "program", r.program, where) && rd.str(j, "tier", r.tier, where) &&
            rd.str(j, "mode", r.mode, where) && rd.boolean(j, "gc_stress", r.gc_stress, where) &&
            rd.str(j, "status", r.status, where) && rd.nullable_int(j, "exit", r.exit, where) &&
            rd.nullable_int(j, "repetitions", r.repetitions, where) &&
            rd.nullable_int(j, "signal", r.signal, where);  // absent in version 1: null
  if (!ok) return false;
  if (j.contains("signal_name") && j["signal_name"].is_string()) r.signal_name = j["signal_name"].get<std::string>();
  if (std::find(std::begin(kStatuses), std::end(kStatuses), r.status) == std::end(kStatuses))
    return rd.fail(where, "unknown status '" + r.status + "'");
  if (r.mode != "default" && r.mode != "eager") return rd.fail(where, "mode must be \"default\" or \"eager\"");
  for (const auto& f : kNumberFields)
    if (!rd.nullable_number(j, f.name, r.*f.member, where)) return false;
  if (j.contains("engine_stats") && !j["engine_stats"].is_null()) {
    if (!j["engine_stats"].is_object()) return rd.fail(where, "'engine_stats' must be an object");
    for (const auto& [k, v] : j["engine_stats"].items()) {
      if (!v.is_number()) return rd.fail(where, "engine_stats '" + k + "' must be a number");
      r.engine_stats[k] = v.get<double>();
    }
  }
  if (j.contains("detail") && j["detail"].is_string()) r.detail = j["detail"].get<std::string>();
  if (j.contains("time_samples_ms") && !j["time_samples_ms"].is_null()) {  // version 3
    if (!j["time_samples_ms"].is_array()) return rd.fail(where, "'time_samples_ms' must be an array");
    for (const auto& x : j["time_samples_ms"]) {
      if (!x.is_number()) return rd.fail(where, "'time_samples_ms' must hold numbers");
      r.time_samples_ms.push_back(x.get<double>());
    }
  }
  // Version 4: the warm-up summary and every execution's iteration series.
  for (const auto& f : kWarmupNumberFields)
    if (!rd.nullable_number(j, f.name, r.*f.member, where)) return false;
  if (j.contains("warmup_class") && j["warmup_class"].is_string()) r.warmup_class = j["warmup_class"].get<std::string>();
  if (j.contains("iteration_series") && !j["iteration_series"].is_null()) {
    if (!j["iteration_series"].is_array()) return rd.fail(where, "'iteration_series' must be an array");
    for (size_t i = 0; i < j["iteration_series"].size(); ++i) {
      IterationSeries s;
      if (!series_from_json(j["iteration_series"][i], s, rd, where + ".iteration_series[" + std::to_string(i) + "]"))
        return false;
      r.iteration_series.push_back(std::move(s));
    }
  }
  return true;
}

bool peer_row_from_json(const json& j, PeerRow& p, Reader& rd, const std::string& where) {
  if (!j.is_object()) return rd.fail(where, "must be an object");
  bool ok = rd.str(j, "program", p.program, where) && rd.str(j, "peer", p.peer, where) &&
            rd.str(j, "status", p.status, where) && rd.nullable_int(j, "exit", p.exit, where) &&
            rd.nullable_int(j, "repetitions", p.repetitions, where) &&
            rd.nullable_number(j, "time_median_ms", p.time_median_ms, where) &&
            rd.nullable_number(j, "time_min_ms", p.time_min_ms, where) &&
            rd.nullable_number(j, "interp_median_ms", p.interp_median_ms, where) &&
            rd.nullable_number(j, "best_median_ms", p.best_median_ms, where) &&
            rd.nullable_number(j, "vs_interp", p.vs_interp, where) && rd.nullable_number(j, "vs_best", p.vs_best, where);
  if (!ok) return false;
  if (p.status != "pass" && p.status != "fail" && p.status != "error" && p.status != "unchecked")
    return rd.fail(where, "unknown status '" + p.status + "'");
  if (j.contains("command") && j["command"].is_string()) p.command = j["command"].get<std::string>();
  if (j.contains("best_tier") && j["best_tier"].is_string()) p.best_tier = j["best_tier"].get<std::string>();
  if (j.contains("detail") && j["detail"].is_string()) p.detail = j["detail"].get<std::string>();
  return true;
}

}  // namespace

bool report_from_json(const json& j, Report& out, std::string& error) {
  error.clear();
  Reader rd{error};
  if (!j.is_object()) return rd.fail("report", "not a JSON object");
  if (!j.contains("schema") || j["schema"] != kReportSchemaName)
    return rd.fail("report", std::string("not a gene-harness report (no \"schema\": \"") + kReportSchemaName + "\")");
  Report r;
  if (!rd.integer(j, "schema_version", r.schema_version, "report")) return false;
  // Version 1 is a subset of version 2 (no instruction, signal or RSS fields, no crash/timeout
  // statuses): it reads with those fields null; versions 2 and 3 read without the fields later
  // versions added. Anything else is refused rather than guessed at.
  if (r.schema_version < kOldestReadableSchemaVersion || r.schema_version > kReportSchemaVersion)
    return rd.fail("report", "schema version " + std::to_string(r.schema_version) + " is " +
                                 (r.schema_version > kReportSchemaVersion ? "newer" : "older") +
                                 " than the versions this gene-harness reads (" +
                                 std::to_string(kOldestReadableSchemaVersion) + " to " +
                                 std::to_string(kReportSchemaVersion) + "); regenerate the report");
  if (!rd.str(j, "kind", r.kind, "report") || !rd.str(j, "name", r.name, "report") ||
      !rd.str(j, "created", r.created, "report"))
    return false;
  if (r.kind != "bench" && r.kind != "check") return rd.fail("report", "kind must be \"bench\" or \"check\"");

  if (!j.contains("environment") || !j["environment"].is_object()) return rd.fail("report", "'environment' must be an object");
  const json& e = j["environment"];
  Environment& env = r.environment;
  if (!rd.str(e, "hostname", env.hostname, "environment") || !rd.str(e, "os", env.os, "environment") ||
      !rd.str(e, "cpu_model", env.cpu_model, "environment") || !rd.integer(e, "cpu_count", env.cpu_count, "environment") ||
      !rd.str(e, "compiler", env.compiler, "environment") || !rd.str(e, "build_type", env.build_type, "environment") ||
      !rd.str(e, "git_commit", env.git_commit, "environment") || !rd.boolean(e, "git_dirty", env.git_dirty, "environment"))
    return false;

  if (j.contains("settings")) {
    if (!j["settings"].is_object()) return rd.fail("report", "'settings' must be an object");
    r.settings = j["settings"];
  }
  if (j.contains("shards")) {
    if (!j["shards"].is_array()) return rd.fail("report", "'shards' must be an array");
    for (const auto& s : j["shards"]) {
      if (!s.is_string()) return rd.fail("report", "'shards' must hold strings");
      r.shards.push_back(s.get<std::string>());
    }
  }
  if (!j.contains("rows") || !j["rows"].is_array()) return rd.fail("report", "'rows' must be an array");
  for (size_t i = 0; i < j["rows"].size(); ++i) {
    Row row;
    if (!row_from_json(j["rows"][i], row, rd, "rows[" + std::to_string(i) + "]")) return false;
    r.rows.push_back(std::move(row));
  }
  if (j.contains("peers") && !j["peers"].is_null()) {  // optional: absent in reports without peers
    if (!j["peers"].is_array()) return rd.fail("report", "'peers' must be an array");
    for (size_t i = 0; i < j["peers"].size(); ++i) {
      PeerRow p;
      if (!peer_row_from_json(j["peers"][i], p, rd, "peers[" + std::to_string(i) + "]")) return false;
      r.peers.push_back(std::move(p));
    }
  }
  out = std::move(r);
  return true;
}

bool load_report(const std::string& path, Report& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open";
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    error = path + ": not valid JSON (corrupt or truncated report)";
    return false;
  }
  if (!report_from_json(j, out, error)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}

bool save_text(const std::string& path, const std::string& text, std::string& error) {
  // Write beside the target and rename, so a crash never leaves a half-written report behind.
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
      error = path + ": cannot write";
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = path + ": cannot write";
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

void compute_speedups(Report& r) {
  std::map<std::string, const Row*> interp;  // program|gc -> interp row
  auto base_key = [](const Row& row) { return row.program + (row.gc_stress ? "|gc" : ""); };
  for (const auto& row : r.rows)
    if (row.tier == "interp" && row.time_median_ms && *row.time_median_ms > 0) interp[base_key(row)] = &row;
  for (auto& row : r.rows) {
    auto it = interp.find(base_key(row));
    row.speedup_ci_low.reset();
    row.speedup_ci_high.reset();
    if (it != interp.end() && row.time_median_ms && *row.time_median_ms > 0) {
      row.speedup = *it->second->time_median_ms / *row.time_median_ms;
      const auto& num = it->second->time_samples_ms;
      if (&row != it->second && num.size() >= 2 && row.time_samples_ms.size() >= 2) {
        auto [lo, hi] = bootstrap_ratio_ci(num, row.time_samples_ms);
        row.speedup_ci_low = lo;
        row.speedup_ci_high = hi;
      }
    } else {
      row.speedup.reset();
    }
  }
}

void compute_instruction_ratios(Report& r) {
  std::map<std::string, double> interp;  // program|gc -> interp instructions
  auto base_key = [](const Row& row) { return row.program + (row.gc_stress ? "|gc" : ""); };
  for (const auto& row : r.rows)
    if (row.tier == "interp" && row.instructions && *row.instructions > 0) interp[base_key(row)] = *row.instructions;
  for (auto& row : r.rows) {
    auto it = interp.find(base_key(row));
    if (it != interp.end() && row.instructions && *row.instructions > 0)
      row.instructions_vs_interp = *row.instructions / it->second;
    else
      row.instructions_vs_interp.reset();
  }
}

bool is_failure_status(const std::string& status) {
  return status == "fail" || status == "error" || status == "crash" || status == "timeout";
}

bool has_instructions(const Report& r) {
  return std::any_of(r.rows.begin(), r.rows.end(), [](const Row& row) { return row.instructions.has_value(); });
}

std::optional<double> geomean_speedup(const Report& r, const std::string& tier, const std::string& mode) {
  double log_sum = 0;
  int n = 0;
  for (const auto& row : r.rows) {
    if (row.tier != tier || row.gc_stress || !row.speedup || *row.speedup <= 0) continue;
    if (tier != "interp" && row.mode != mode) continue;
    log_sum += std::log(*row.speedup);
    ++n;
  }
  if (n == 0) return std::nullopt;
  return std::exp(log_sum / n);
}

std::optional<std::pair<double, double>> geomean_speedup_ci(const Report& r, const std::string& tier,
                                                            const std::string& mode) {
  if (tier == "interp") return std::nullopt;
  std::map<std::string, const Row*> interp;
  for (const auto& row : r.rows)
    if (row.tier == "interp" && !row.gc_stress) interp[row.program] = &row;
  std::vector<std::vector<double>> num, den;
  for (const auto& row : r.rows) {
    if (row.tier != tier || row.gc_stress || row.mode != mode || !row.speedup || *row.speedup <= 0) continue;
    auto it = interp.find(row.program);
    if (it == interp.end() || it->second->time_samples_ms.size() < 2 || row.time_samples_ms.size() < 2) return std::nullopt;
    num.push_back(it->second->time_samples_ms);
    den.push_back(row.time_samples_ms);
  }
  if (num.empty()) return std::nullopt;
  return bootstrap_geomean_ratio_ci(num, den);
}

std::vector<std::string> report_tiers(const Report& r) {
  std::vector<std::string> out;
  for (const auto& row : r.rows)
    if (std::find(out.begin(), out.end(), row.tier) == out.end()) out.push_back(row.tier);
  auto it = std::find(out.begin(), out.end(), "interp");
  if (it != out.end()) std::rotate(out.begin(), it, it + 1);
  return out;
}

std::vector<std::string> report_programs(const Report& r) {
  std::vector<std::string> out;
  for (const auto& row : r.rows)
    if (std::find(out.begin(), out.end(), row.program) == out.end()) out.push_back(row.program);
  return out;
}

}  // namespace gene::harness
