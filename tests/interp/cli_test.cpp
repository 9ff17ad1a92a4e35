// The `gene` binary (cli/gene_main.cpp): exit statuses and stderr formats of SPEC §3 "Errors",
// CLI usage errors, --print-result, and the `gene dis` textual bytecode.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "interp/opcodes.h"

#ifndef GENE_BINARY
#error "GENE_BINARY must name the gene executable (set in tests/interp/CMakeLists.txt)"
#endif

namespace gene {
namespace {

namespace fs = std::filesystem;

struct Result {
  int exit = -1;
  std::string out;
  std::string err;
};

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "gene_cli_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir = tmpl;
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string write(const std::string& name, const std::string& text) {
    fs::path p = dir / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // Runs `gene ARGS` with stdout and stderr captured separately.
  Result gene(const std::string& args) {
    fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
    std::string cmd = std::string("'") + GENE_BINARY + "' " + args + " >'" + out.string() + "' 2>'" + err.string() +
                      "' </dev/null";
    int status = std::system(cmd.c_str());
    Result r;
    r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  fs::path dir;
};

TEST_F(Cli, RunsAProgram) {
  std::string p = write("ok.gene", "(println \"hello\" 42)\n(print \"x\")\n");
  Result r = gene("run '" + p + "'");
  EXPECT_EQ(r.exit, 0);
  EXPECT_EQ(r.out, "hello 42\nx");
  EXPECT_EQ(r.err, "");
}

TEST_F(Cli, PrintResultOnItsOwnLine) {
  std::string a = write("a.gene", "(print \"partial\")\n[1 \"b\" nil]\n");
  Result r = gene("run --print-result '" + a + "'");
  EXPECT_EQ(r.exit, 0);
  EXPECT_EQ(r.out, "partial\n[1 \"b\" nil]\n");
  std::string b = write("b.gene", "(println \"line\")\n\"s\"\n");
  r = gene("run --print-result '" + b + "'");
  EXPECT_EQ(r.out, "line\n\"s\"\n");
  std::string c = write("c.gene", "(var x 1)\n");
  r = gene("run --print-result '" + c + "'");
  EXPECT_EQ(r.out, "1\n");
  std::string d = write("d.gene", "(println 1)\n");
  r = gene("run --print-result '" + d + "'");
  EXPECT_EQ(r.out, "1\nnil\n");
}

TEST_F(Cli, RuntimeErrorExitsOneAndKeepsOutput) {
  std::string p = write("rt.gene", "(println \"before\")\n(var x nil)\n(x + 1)\n(println \"after\")\n");
  Result r = gene("run --print-result '" + p + "'");
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.out, "before\n");
  EXPECT_TRUE(std::regex_match(r.err, std::regex("error\\[type_error\\]: [^\n]+\n  at " + p + ":3\n"))) << r.err;
}

TEST_F(Cli, CompileErrorExitsTwoAndRunsNothing) {
  std::string p = write("ce.gene", "(println \"never\")\n(a + b + c)\n");
  Result r = gene("run '" + p + "'");
  EXPECT_EQ(r.exit, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, p + ":2:4: error: chained infix '+': use parentheses or prefix form\n");
}

TEST_F(Cli, BadInputKinds) {
  struct Case {
    const char* src;
    const char* where;
    const char* needle;
  };
  const Case cases[] = {
      {"(println (+ 1 2)", ":1:1: error: ", "unclosed '('"},
      {"(println 1))", ":1:12: error: ", "unexpected ')'"},
      {"(println \"tab\\z\")", ":1:14: error: ", "invalid escape"},
      {"(println 12abc)", ":1:10: error: ", "invalid number"},
      {"(println 140737488355328)", ":1:10: error: ", "out of range"},
      {"(elif 1)", ":1:2: error: ", "unexpected 'elif'"},
      {"(println (1 < 2 < 3))", ":1:13: error: ", "chained infix"},
      {"(undeclared = 5)", ":1:2: error: ", "undeclared variable 'undeclared'"},
  };
  int n = 0;
  for (const Case& c : cases) {
    std::string p = write("bad" + std::to_string(n++) + ".gene", c.src);
    Result r = gene("run '" + p + "'");
    EXPECT_EQ(r.exit, 2) << c.src;
    EXPECT_EQ(r.out, "") << c.src;
    EXPECT_EQ(r.err.rfind(p + c.where, 0), 0u) << c.src << " -> " << r.err;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << c.src << " -> " << r.err;
  }
}

TEST_F(Cli, MissingFileExitsTwo) {
  std::string p = (dir / "does_not_exist.gene").string();
  Result r = gene("run '" + p + "'");
  EXPECT_EQ(r.exit, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(p), std::string::npos) << r.err;
  r = gene("dis '" + p + "'");
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find(p), std::string::npos) << r.err;
}

TEST_F(Cli, UsageErrorsExitTwo) {
  std::string p = write("ok.gene", "1\n");
  Result r = gene("run --tier bogus '" + p + "'");
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find("tier"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bogus"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(gene("").exit, 2) << "a subcommand is required";
  EXPECT_EQ(gene("frobnicate").exit, 2);
  EXPECT_EQ(gene("run").exit, 2) << "the file is required";
  EXPECT_EQ(gene("run --no-such-flag '" + p + "'").exit, 2);
  EXPECT_EQ(gene("run --max-depth 0 '" + p + "'").exit, 2);
  EXPECT_EQ(gene("run --max-depth many '" + p + "'").exit, 2);
  EXPECT_EQ(gene("run --max-heap lots '" + p + "'").exit, 2);
  EXPECT_EQ(gene("--help").exit, 0);
}

TEST_F(Cli, TiersAndTierInterp) {
  Result r = gene("tiers");
  EXPECT_EQ(r.exit, 0);
  EXPECT_NE(("\n" + r.out).find("\ninterp\n"), std::string::npos) << r.out;
  std::string p = write("t.gene", "(println (+ 1 2))\n");
  r = gene("run --tier interp '" + p + "'");
  EXPECT_EQ(r.exit, 0);
  EXPECT_EQ(r.out, "3\n");
}

TEST_F(Cli, VmOptions) {
  std::string rec = write("rec.gene", "(fn f [n] (if (n == 0) 0 else (1 + (f (n - 1)))))\n(println (f 20))\n");
  Result r = gene("run --max-depth 20 '" + rec + "'");
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err.rfind("error[stack_overflow]: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("  at " + rec + ":1\n"), std::string::npos) << r.err;
  r = gene("run --max-depth 21 '" + rec + "'");
  EXPECT_EQ(r.exit, 0);
  EXPECT_EQ(r.out, "20\n");

  std::string alloc = write("alloc.gene", "(var a [])\n(for i in (range 0 2000) (a .push (str i)))\n(println (a .size) a/1999)\n");
  r = gene("run --gc-stress '" + alloc + "'");
  EXPECT_EQ(r.exit, 0);
  EXPECT_EQ(r.out, "2000 1999\n");

  std::string big = write("big.gene", "(var a [])\n(loop\n  (a .push [1 2 3]))\n");
  r = gene("run --max-heap 2 '" + big + "'");
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err.rfind("error[out_of_memory]: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("  at " + big + ":3\n"), std::string::npos) << r.err;
}

TEST_F(Cli, OutcomeJson) {
  std::string p = write("o.gene", "(println 1)\n(1 % 0)\n");
  std::string json = (dir / "outcome.json").string();
  Result r = gene("run --outcome '" + json + "' '" + p + "'");
  EXPECT_EQ(r.exit, 1);
  std::string text = slurp(json);
  EXPECT_NE(text.find("\"exit\":1"), std::string::npos) << text;
  EXPECT_NE(text.find("\"error_kind\":\"division_by_zero\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"error_line\":2"), std::string::npos) << text;
}

TEST_F(Cli, DisassemblyFormat) {
  std::string p = write("d.gene",
                        "(fn fib [n] (if (n < 2) n else ((fib (n - 1)) + (fib (n - 2)))))\n"
                        "(fn mk [] (var c 0) (fn [] (c += 1)))\n"
                        "(var r (try (fib \"x\") catch e e/kind))\n"
                        "(var m {^s \"q\\\"\\n\" ^f 1.5 ^big 140737488355327 ^sym :k})\n"
                        "(for i in (range 0 2) (println (m .get :s) i))\n"
                        "(println (fib 10) ((mk)) r)\n");
  Result r = gene("dis '" + p + "'");
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out.rfind("; gene bytecode v1\n", 0), 0u);

  const std::regex unit_re(R"re(\.unit (\d+) "([^"]*)" params=(\d+) slots=(\d+) stack=(\d+))re");
  const std::regex const_re(R"re(  \.const (\d+) (int -?\d+|float \S+|string "(\\.|[^"\\])*"|symbol \S+))re");
  const std::regex upval_re(R"re(  \.upval (local|upval) \d+)re");
  const std::regex child_re(R"re(  \.child \d+)re");
  const std::regex handler_re(R"re(  \.handler \d+ \d+ \d+ \d+)re");
  const std::regex instr_re(R"re( +(\d+)  @(\d+) +([a-z_]+)((?: \S+)*))re");
  std::istringstream lines(r.out);
  std::string line;
  int units = 0, expect_index = 0, consts = 0, handlers = 0, upvals = 0, children = 0;
  std::set<std::string> used;
  bool in_unit = false;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (line.empty() || line[0] == ';') continue;
    if (std::regex_match(line, m, unit_re)) {
      EXPECT_FALSE(in_unit) << line;
      EXPECT_EQ(std::stoi(m[1]), units) << "units are numbered in order";
      if (units == 0) {
        EXPECT_EQ(m[2], "<top>");
      }
      in_unit = true;
      units++;
      expect_index = 0;
    } else if (line == ".end") {
      EXPECT_TRUE(in_unit);
      in_unit = false;
    } else if (std::regex_match(line, const_re)) {
      consts++;
    } else if (std::regex_match(line, upval_re)) {
      upvals++;
    } else if (std::regex_match(line, child_re)) {
      children++;
    } else if (std::regex_match(line, handler_re)) {
      handlers++;
    } else if (std::regex_match(line, m, instr_re)) {
      EXPECT_TRUE(in_unit);
      EXPECT_EQ(std::stoi(m[1]), expect_index++) << line;
      Op op;
      ASSERT_TRUE(op_from_name(m[3].str().c_str(), op)) << "unknown mnemonic in: " << line;
      used.insert(m[3]);
      const OpInfo& info = op_info(op);
      int operands = 0;
      std::istringstream ops(m[4].str());
      std::string tok;
      while (ops >> tok) operands++;
      EXPECT_EQ(operands, int(info.x != Operand::None) + int(info.y != Operand::None)) << line;
    } else {
      ADD_FAILURE() << "unexpected line: '" << line << "'";
    }
  }
  EXPECT_FALSE(in_unit) << "last unit closed with .end";
  EXPECT_EQ(units, 4);  // <top>, fib, mk, the counter
  EXPECT_EQ(handlers, 1);
  EXPECT_EQ(upvals, 1);
  EXPECT_EQ(children, 3);
  EXPECT_GE(consts, 6);
  EXPECT_NE(r.out.find(" string \"q\\\"\\n\"\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" float 1.5\n"), std::string::npos);
  EXPECT_NE(r.out.find(" int 140737488355327\n"), std::string::npos);
  EXPECT_NE(r.out.find(" symbol k\n"), std::string::npos);
  EXPECT_NE(r.out.find(".unit 1 \"fib\" params=1 slots=1 stack=4\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(".unit 3 \"\" params=0 slots=0 stack=2\n  .upval local 0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("@1    define_global fib\n"), std::string::npos) << "globals print by name";
  EXPECT_NE(r.out.find("jump_unless_lt"), std::string::npos);
  EXPECT_NE(r.out.find("add_int 1"), std::string::npos);
  EXPECT_NE(r.out.find("range_prep"), std::string::npos);
  EXPECT_NE(r.out.find("call_method "), std::string::npos);
}

TEST_F(Cli, DisassemblyOfBadSourceExitsTwo) {
  std::string p = write("bad.gene", "(x = 1)\n");
  Result r = gene("dis '" + p + "'");
  EXPECT_EQ(r.exit, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, p + ":1:2: error: assignment to undeclared variable 'x'\n");
}

}  // namespace
}  // namespace gene
