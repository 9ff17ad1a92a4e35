// docs/architecture.md "Adding an opcode" stays true: every file it names exists, and every
// source file that expands the opcode list into per-opcode code (one handler, entry or emitter
// per opcode) is named there, so a new per-opcode table cannot appear without the guide saying so.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string section(const std::string& doc, const std::string& title) {
  size_t a = doc.find("## " + title + "\n");
  if (a == std::string::npos) return "";
  size_t b = doc.find("\n## ", a + 1);
  return doc.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

std::set<std::string> named_files(const std::string& text) {
  std::set<std::string> out;
  std::regex path("`((?:interp|jit|docs|tests|harness)/[A-Za-z0-9_./]+\\.(?:h|cpp|md))`");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), path); it != std::sregex_iterator(); ++it)
    out.insert((*it)[1]);
  return out;
}

TEST(AddingAnOpcodeDoc, NamesOnlyFilesThatExist) {
  std::string s = section(read_text(fs::path(GENE_SOURCE_DIR) / "docs/architecture.md"), "Adding an opcode");
  ASSERT_FALSE(s.empty()) << "docs/architecture.md has no 'Adding an opcode' section";
  std::set<std::string> files = named_files(s);
  EXPECT_GE(files.size(), 5u);
  for (const std::string& f : files) EXPECT_TRUE(fs::exists(fs::path(GENE_SOURCE_DIR) / f)) << f;
}

TEST(AddingAnOpcodeDoc, NamesEverySourceFileWithPerOpcodeCode) {
  std::string s = section(read_text(fs::path(GENE_SOURCE_DIR) / "docs/architecture.md"), "Adding an opcode");
  std::set<std::string> files = named_files(s);
  // A .cpp that expands GENE_OPCODES with a macro pasting or qualifying the opcode name needs
  // one piece of code per opcode.
  std::regex per_opcode("#define GENE_\\w+\\(name(?:[^\\n]|\\\\\\n)*?(##\\s*name|sem::name)");
  for (const char* dir : {"interp", "jit"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(GENE_SOURCE_DIR) / dir)) {
      if (e.path().extension() != ".cpp") continue;
      std::string text = read_text(e.path());
      if (text.find("GENE_OPCODES(") == std::string::npos || !std::regex_search(text, per_opcode)) continue;
      std::string rel = fs::relative(e.path(), GENE_SOURCE_DIR).string();
      EXPECT_TRUE(files.count(rel)) << rel << " has per-opcode code but 'Adding an opcode' does not name it";
    }
  }
}

}  // namespace
