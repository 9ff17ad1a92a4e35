// docs/bytecode.md must document exactly the opcode table of interp/opcodes.h: every mnemonic,
// in order, with its operand kinds, stack effect, taken-edge effect and may-throw flag.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "interp/opcodes.h"

#ifndef GENE_BYTECODE_DOC
#error "GENE_BYTECODE_DOC must name docs/bytecode.md (set in tests/interp/CMakeLists.txt)"
#endif

namespace gene {
namespace {

std::string read_doc() {
  std::ifstream in(GENE_BYTECODE_DOC);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

// The rows of the instruction table: `| # | `mnemonic` | x | y | pops → pushes | taken | throws |
// semantics | baseline |`. Escaped pipes (\|) inside cells are not separators.
std::vector<std::vector<std::string>> instruction_rows(const std::string& doc) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(doc);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("| ", 0) != 0) continue;
    std::vector<std::string> cells;
    std::string cur;
    for (size_t i = 1; i < line.size(); i++) {
      if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
        cur += '|';
        i++;
      } else if (line[i] == '|') {
        cells.push_back(trim(cur));
        cur.clear();
      } else {
        cur += line[i];
      }
    }
    if (cells.size() != 9) continue;
    if (cells[0].empty() || cells[0].find_first_not_of("0123456789") != std::string::npos) continue;
    rows.push_back(cells);
  }
  return rows;
}

const char* kind_name(Operand k) {
  switch (k) {
    case Operand::None: return "—";
    case Operand::Const: return "const";
    case Operand::Int: return "int";
    case Operand::Count: return "count";
    case Operand::Local: return "local";
    case Operand::Upval: return "upval";
    case Operand::Global: return "global";
    case Operand::Jump: return "jump";
    case Operand::Proto: return "proto";
  }
  return "?";
}

// Evaluates a pops expression of the doc ("2", "x", "x+1", "2x", "y+1") for given operands.
int eval_pops(const std::string& e, int x, int y) {
  if (e == "x") return x;
  if (e == "x+1") return x + 1;
  if (e == "2x") return 2 * x;
  if (e == "y") return y;
  if (e == "y+1") return y + 1;
  return std::stoi(e);
}

int parse_delta(std::string s) {
  const std::string minus = "\xe2\x88\x92";  // U+2212, as written in the doc
  if (s.rfind(minus, 0) == 0) s = "-" + s.substr(minus.size());
  return std::stoi(s);
}

TEST(OpcodeDoc, EveryMnemonicIsDocumented) {
  std::string doc = read_doc();
  ASSERT_FALSE(doc.empty()) << "cannot read " << GENE_BYTECODE_DOC;
  for (int i = 0; i < kOpCount; i++)
    EXPECT_NE(doc.find(std::string("`") + kOpInfo[i].name + "`"), std::string::npos)
        << "opcode '" << kOpInfo[i].name << "' is missing from docs/bytecode.md";
}

TEST(OpcodeDoc, TableMatchesTheOpcodeTableRowForRow) {
  auto rows = instruction_rows(read_doc());
  ASSERT_EQ(int(rows.size()), kOpCount) << "one table row per opcode";
  std::set<std::string> seen;
  for (size_t r = 0; r < rows.size(); r++) {
    const auto& c = rows[r];
    std::string name = c[1];
    ASSERT_GE(name.size(), 2u);
    ASSERT_EQ(name.front(), '`') << "row " << r;
    name = name.substr(1, name.size() - 2);
    EXPECT_TRUE(seen.insert(name).second) << "duplicate row for " << name;
    Op op;
    ASSERT_TRUE(op_from_name(name.c_str(), op)) << "documented opcode '" << name << "' does not exist";
    const OpInfo& info = op_info(op);
    EXPECT_EQ(std::stoi(c[0]), int(op)) << name << ": opcode number";
    EXPECT_EQ(c[2], kind_name(info.x)) << name << ": x operand kind";
    EXPECT_EQ(c[3], kind_name(info.y)) << name << ": y operand kind";

    const std::string arrow = " \xe2\x86\x92 ";  // " → "
    size_t at = c[4].find(arrow);
    ASSERT_NE(at, std::string::npos) << name << ": stack effect '" << c[4] << "'";
    std::string pops = c[4].substr(0, at), pushes = c[4].substr(at + arrow.size());
    EXPECT_EQ(std::stoi(pushes), info.pushes) << name << ": pushes";
    for (auto [x, y] : {std::pair{0, 0}, std::pair{3, 5}, std::pair{7, 2}}) {
      Instr in{op, 0, uint16_t(y), x};
      EXPECT_EQ(eval_pops(pops, x, y), stack_pops(in)) << name << ": pops '" << pops << "' with x=" << x << " y=" << y;
    }
    if (info.pops >= 0) {  // fixed count (negative: a kPops* rule)
      EXPECT_EQ(pops, std::to_string(info.pops)) << name;
    }

    if (info.x == Operand::Jump) {
      Instr in{op, 0, 0, 0};
      EXPECT_EQ(parse_delta(c[5]), jump_edge_delta(in)) << name << ": taken edge";
    } else {
      EXPECT_EQ(c[5], "—") << name << ": not a jump";
    }
    EXPECT_EQ(c[6], info.may_throw ? "yes" : "no") << name << ": may throw";
    EXPECT_FALSE(c[7].empty()) << name << ": semantics";
    EXPECT_FALSE(c[8].empty()) << name << ": baseline tier column";
  }
}

TEST(OpcodeDoc, StatesTheOpcodeCount) {
  EXPECT_NE(read_doc().find("Counts: " + std::to_string(kOpCount) + " opcodes."), std::string::npos);
}

TEST(OpcodeTable, NamesAreUniqueAndLookUp) {
  std::set<std::string> names;
  for (int i = 0; i < kOpCount; i++) {
    EXPECT_TRUE(names.insert(kOpInfo[i].name).second) << kOpInfo[i].name;
    Op op;
    ASSERT_TRUE(op_from_name(kOpInfo[i].name, op));
    EXPECT_EQ(int(op), i);
  }
  Op op;
  EXPECT_FALSE(op_from_name("frobnicate", op));
  EXPECT_FALSE(op_from_name("", op));
  EXPECT_FALSE(op_from_name("ADD", op));
}

TEST(OpcodeTable, JumpOperandsAreExactlyTheBranches) {
  const std::set<std::string> branches = {"jump_unless_lt", "jump_unless_le", "jump_unless_gt", "jump_unless_ge",
                                          "jump_unless_eq", "jump_unless_ne", "jump",           "loop",
                                          "jump_if_false",  "jump_if_true",   "and_jump",       "or_jump",
                                          "for_next"};
  for (int i = 0; i < kOpCount; i++)
    EXPECT_EQ(kOpInfo[i].x == Operand::Jump, branches.count(kOpInfo[i].name) > 0) << kOpInfo[i].name;
}

// make_cell and closure allocate and raise out_of_memory under --max-heap (interpreter.cpp
// L_MAKE_CELL / L_CLOSURE); the table every engine draws from must say they may throw, or a
// tier that trusts it skips the state publication an error needs.
TEST(OpcodeTable, AllocatingInstructionsMayThrow) {
  for (Op op : {Op::MAKE_CELL, Op::CLOSURE, Op::MAKE_ARRAY, Op::MAKE_MAP, Op::ADD, Op::CALL_METHOD, Op::SET_PATH})
    EXPECT_TRUE(op_info(op).may_throw) << op_info(op).name << " allocates and can raise out_of_memory";
}

}  // namespace
}  // namespace gene
