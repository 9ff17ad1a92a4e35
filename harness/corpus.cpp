#include "harness/corpus.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace fs = std::filesystem;

namespace gene::harness {

bool parse_shard(const std::string& text, Shard& out, std::string& error) {
  size_t slash = text.find('/');
  auto parse = [](std::string_view s, int& v) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && ec == std::errc() && p == s.data() + s.size();
  };
  Shard s;
  if (slash == std::string::npos || !parse(std::string_view(text).substr(0, slash), s.index) ||
      !parse(std::string_view(text).substr(slash + 1), s.count) || s.count < 1 || s.index < 1 ||
      s.index > s.count) {
    error = "invalid shard '" + text + "': expected i/n with 1 <= i <= n (e.g. 2/4)";
    return false;
  }
  out = s;
  return true;
}

namespace {

bool is_program(const fs::path& p) { return p.extension() == ".gene" || p.extension() == ".gbc"; }

}  // namespace

std::vector<std::string> collect_programs(const std::vector<std::string>& paths, std::vector<std::string>& missing) {
  std::vector<std::string> out;
  for (const auto& given : paths) {
    std::error_code ec;
    fs::path p(given);
    if (fs::is_directory(p, ec)) {
      for (fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
           !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && is_program(it->path())) out.push_back(it->path().lexically_normal().string());
      }
      if (ec) missing.push_back(given + " (" + ec.message() + ")");
    } else if (fs::is_regular_file(p, ec)) {
      out.push_back(p.lexically_normal().string());
    } else {
      missing.push_back(given);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> select_shard(const std::vector<std::string>& programs, const Shard& shard) {
  std::vector<std::string> out;
  for (size_t i = size_t(shard.index - 1); i < programs.size(); i += size_t(shard.count)) out.push_back(programs[i]);
  return out;
}

std::vector<std::string> program_run_args(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> args;
  for (std::string line; std::getline(in, line);) {
    size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos) continue;
    if (line[start] != '#' && line[start] != ';') break;  // the leading comments end here
    size_t tag = line.find("gene-args:", start);
    if (tag == std::string::npos) continue;
    std::istringstream words(line.substr(tag + 10));
    for (std::string w; words >> w;) args.push_back(w);
  }
  return args;
}

}  // namespace gene::harness
