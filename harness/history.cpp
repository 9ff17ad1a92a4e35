#include "harness/history.h"

#include "harness/exit_codes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>

namespace gene::harness {

namespace {

std::optional<double> opt_number(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return j[key].get<double>();
}

nlohmann::json opt_json(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

std::string fmt(double v, const char* f) {
  char buf[48];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

HistoryEntry summarize_report(const Report& r) {
  HistoryEntry e;
  e.name = r.name;
  e.created = r.created;
  e.commit = r.environment.git_commit;
  e.machine = r.environment.cpu_model + ", " + r.environment.os;
  e.metric = has_instructions(r) ? "instructions" : "time";
  for (const std::string& tier : report_tiers(r)) {
    HistoryTier t;
    t.tier = tier;
    double log_sum = 0, total = 0;
    int n = 0;
    for (const Row& row : r.rows) {
      if (row.tier != tier || row.gc_stress || (tier != "interp" && row.mode != "default")) continue;
      t.rows++;
      if (is_failure_status(row.status)) t.failed++;
      if (row.instructions) total += *row.instructions;
      if (row.instructions_vs_interp && *row.instructions_vs_interp > 0) {
        log_sum += std::log(*row.instructions_vs_interp);
        n++;
      }
    }
    if (e.metric == "instructions") {
      t.instructions_total = total;
      if (n) t.geomean_instructions = std::exp(-log_sum / n);
    } else {
      t.geomean_speedup = geomean_speedup(r, tier);
      if (auto ci = t.geomean_speedup ? geomean_speedup_ci(r, tier) : std::nullopt)
        t.geomean_ci_low = ci->first, t.geomean_ci_high = ci->second;
    }
    e.tiers.push_back(t);
  }
  return e;
}

nlohmann::json history_entry_to_json(const HistoryEntry& e) {
  nlohmann::json tiers = nlohmann::json::array();
  for (const HistoryTier& t : e.tiers)
    tiers.push_back({{"tier", t.tier}, {"rows", t.rows}, {"failed", t.failed},
                     {"geomean_speedup", opt_json(t.geomean_speedup)},
                     {"geomean_speedup_ci", t.geomean_ci_low ? nlohmann::json::array({*t.geomean_ci_low, *t.geomean_ci_high})
                                                             : nlohmann::json(nullptr)},
                     {"geomean_instructions", opt_json(t.geomean_instructions)},
                     {"instructions_total", opt_json(t.instructions_total)}});
  return {{"schema", kHistorySchemaName}, {"schema_version", kHistorySchemaVersion}, {"name", e.name},
          {"created", e.created}, {"git_commit", e.commit}, {"machine", e.machine}, {"metric", e.metric},
          {"tiers", tiers}};
}

bool history_entry_from_json(const nlohmann::json& j, HistoryEntry& out, std::string& error) {
  try {
    if (!j.is_object() || j.value("schema", "") != kHistorySchemaName) {
      error = std::string("not a ") + kHistorySchemaName + " line";
      return false;
    }
    int v = j.at("schema_version").get<int>();
    if (v != kHistorySchemaVersion) {
      error = "history schema version " + std::to_string(v) + " (this harness reads " +
              std::to_string(kHistorySchemaVersion) + ")";
      return false;
    }
    out = HistoryEntry{};
    out.name = j.at("name").get<std::string>();
    out.created = j.at("created").get<std::string>();
    out.commit = j.at("git_commit").get<std::string>();
    out.machine = j.at("machine").get<std::string>();
    out.metric = j.at("metric").get<std::string>();
    if (out.metric != "time" && out.metric != "instructions") {
      error = "metric '" + out.metric + "' is neither time nor instructions";
      return false;
    }
    for (const auto& t : j.at("tiers")) {
      HistoryTier h;
      h.tier = t.at("tier").get<std::string>();
      h.rows = t.at("rows").get<int>();
      h.failed = t.at("failed").get<int>();
      h.geomean_speedup = opt_number(t, "geomean_speedup");
      if (t.contains("geomean_speedup_ci") && t["geomean_speedup_ci"].is_array() && t["geomean_speedup_ci"].size() == 2 &&
          t["geomean_speedup_ci"][0].is_number() && t["geomean_speedup_ci"][1].is_number())
        h.geomean_ci_low = t["geomean_speedup_ci"][0].get<double>(), h.geomean_ci_high = t["geomean_speedup_ci"][1].get<double>();
      h.geomean_instructions = opt_number(t, "geomean_instructions");
      h.instructions_total = opt_number(t, "instructions_total");
      out.tiers.push_back(h);
    }
  } catch (const nlohmann::json::exception& ex) {
    error = ex.what();
    return false;
  }
  return true;
}

bool load_history(const std::string& path, std::vector<HistoryEntry>& out, std::string& error) {
  out.clear();
  if (!std::filesystem::exists(path)) return true;
  std::ifstream in(path);
  if (!in) {
    error = path + ": cannot be read";
    return false;
  }
  std::string line;
  for (int n = 1; std::getline(in, line); n++) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    HistoryEntry e;
    std::string why;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) why = "not JSON";
    else history_entry_from_json(j, e, why);
    if (!why.empty()) {
      error = path + ":" + std::to_string(n) + ": " + why;
      return false;
    }
    out.push_back(std::move(e));
  }
  return true;
}

bool append_history(const std::string& path, const HistoryEntry& e, std::string& error) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream o(path, std::ios::app);
  o << history_entry_to_json(e).dump() << "\n";
  if (!o) {
    error = path + ": cannot be written";
    return false;
  }
  return true;
}

std::string history_svg(const std::vector<HistoryEntry>& all) {
  bool any_time = std::any_of(all.begin(), all.end(), [](const HistoryEntry& e) { return e.metric == "time"; });
  std::string metric = any_time ? "time" : "instructions";
  std::vector<const HistoryEntry*> es;
  for (const HistoryEntry& e : all)
    if (e.metric == metric) es.push_back(&e);
  auto value = [&](const HistoryTier& t) { return metric == "time" ? t.geomean_speedup : t.geomean_instructions; };
  std::vector<std::string> tiers;
  double top = 1;
  for (const HistoryEntry* e : es)
    for (const HistoryTier& t : e->tiers) {
      if (std::find(tiers.begin(), tiers.end(), t.tier) == tiers.end()) tiers.push_back(t.tier);
      if (auto v = value(t)) top = std::max(top, *v);
    }
  top = std::ceil(top);
  const double W = 760, H = 360, left = 60, right = 130, up = 40, down = 60;
  const double pw = W - left - right, ph = H - up - down;
  auto x_at = [&](size_t i) { return left + (es.size() <= 1 ? pw / 2 : pw * double(i) / double(es.size() - 1)); };
  auto y_at = [&](double v) { return up + ph * (1 - v / top); };
  static const char* kColors[] = {"#888888", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e", "#17becf"};
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fmt(W, "%.0f") + "\" height=\"" +
                  fmt(H, "%.0f") + "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  s += "<text x=\"" + fmt(left, "%.0f") + "\" y=\"20\" font-size=\"14\">Geomean " +
       std::string(metric == "time" ? "speedup (time)" : "instruction ratio") +
       " over the interpreter, per tier, by report</text>\n";
  for (int k = 0; k <= 4; k++) {
    double v = top * k / 4, y = y_at(v);
    s += "<line x1=\"" + fmt(left, "%.0f") + "\" x2=\"" + fmt(left + pw, "%.0f") + "\" y1=\"" + fmt(y, "%.1f") +
         "\" y2=\"" + fmt(y, "%.1f") + "\" stroke=\"#ddd\"/>\n";
    s += "<text x=\"" + fmt(left - 6, "%.0f") + "\" y=\"" + fmt(y + 4, "%.1f") + "\" text-anchor=\"end\">" +
         fmt(v, "%.1f") + "x</text>\n";
  }
  for (size_t i = 0; i < es.size(); i++) {
    std::string label = es[i]->commit.substr(0, 7);
    s += "<text x=\"" + fmt(x_at(i), "%.1f") + "\" y=\"" + fmt(up + ph + 16, "%.0f") +
         "\" text-anchor=\"middle\">" + label + "</text>\n";
  }
  for (size_t k = 0; k < tiers.size(); k++) {
    std::string color = kColors[k % (sizeof kColors / sizeof *kColors)], points;
    for (size_t i = 0; i < es.size(); i++)
      for (const HistoryTier& t : es[i]->tiers)
        if (t.tier == tiers[k] && value(t)) {
          std::string pt = fmt(x_at(i), "%.1f") + "," + fmt(y_at(*value(t)), "%.1f");
          points += pt + " ";
          s += "<circle cx=\"" + fmt(x_at(i), "%.1f") + "\" cy=\"" + fmt(y_at(*value(t)), "%.1f") +
               "\" r=\"3\" fill=\"" + color + "\"/>\n";
        }
    s += "<polyline data-tier=\"" + tiers[k] + "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\" points=\"" +
         points + "\"/>\n";
    double ly = up + 14 + 16 * double(k);
    s += "<rect x=\"" + fmt(left + pw + 14, "%.0f") + "\" y=\"" + fmt(ly - 9, "%.0f") +
         "\" width=\"10\" height=\"10\" fill=\"" + color + "\"/><text x=\"" + fmt(left + pw + 30, "%.0f") + "\" y=\"" +
         fmt(ly, "%.0f") + "\">" + tiers[k] + "</text>\n";
  }
  s += "</svg>\n";
  return s;
}

int run_history(const std::vector<std::string>& reports, const std::string& file, const std::string& svg,
                std::ostream& out, std::ostream& err) {
  std::string error;
  std::vector<HistoryEntry> entries;
  if (!load_history(file, entries, error)) {
    err << "gene-harness history: " << error << "\n";
    return kBadInput;
  }
  std::vector<HistoryEntry> added;
  for (const std::string& path : reports) {  // all read before any is appended
    Report r;
    if (!load_report(path, r, error)) {
      err << "gene-harness history: " << error << "\n";
      return kBadInput;
    }
    if (r.kind != "bench") {
      err << "gene-harness history: " << path << ": a " << r.kind << " report (history keeps bench reports)\n";
      return kBadInput;
    }
    added.push_back(summarize_report(r));
  }
  for (const HistoryEntry& e : added) {
    if (!append_history(file, e, error)) {
      err << "gene-harness history: " << error << "\n";
      return kBadInput;
    }
    entries.push_back(e);
  }
  if (!svg.empty() && !save_text(svg, history_svg(entries), error)) {
    err << "gene-harness history: " << error << "\n";
    return kBadInput;
  }
  out << "history: " << entries.size() << " entries in " << file << (svg.empty() ? "" : ", trend in " + svg) << "\n";
  if (!entries.empty()) {
    const HistoryEntry& last = entries.back();
    out << "latest: " << last.name << " at " << last.commit.substr(0, 12) << " (" << last.metric << ")\n";
    for (const HistoryTier& t : last.tiers) {
      std::optional<double> v = last.metric == "time" ? t.geomean_speedup : t.geomean_instructions;
      out << "  " << t.tier << ": " << (v ? fmt(*v, "%.2fx") : std::string("-"));
      if (t.instructions_total) out << ", " << fmt(*t.instructions_total / 1e6, "%.1f") << "M instructions";
      if (t.failed) out << ", " << t.failed << " failed";
      out << "\n";
    }
  }
  return kOk;
}

}  // namespace gene::harness
