// Shared helpers for the interpreter tests: run a program in-process, compile to bytecode, read.
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "interp/compiler.h"
#include "interp/heap.h"
#include "interp/reader.h"
#include "interp/run.h"
#include "interp/vm.h"

namespace gene::test {

// A bare heap whose only roots are `roots`: what a test keeps there survives every collection.
class RootedHeapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    heap.set_root_marker([this](Heap& h) {
      for (Value v : roots) h.mark_value(v);
    });
  }
  Heap heap;
  std::vector<Value> roots;
};

inline RunOutcome run(const std::string& src, VMOptions vm = {}) {
  RunOptions opts;
  opts.vm = vm;
  return run_source("t.gene", src, opts, nullptr);
}

inline VMOptions stress() {
  VMOptions o;
  o.gc_stress = true;
  return o;
}

inline VMOptions max_depth(int d) {
  VMOptions o;
  o.max_depth = d;
  return o;
}

// The result of a program that must succeed (collection display of its last form).
inline std::string result_of(const std::string& src, VMOptions vm = {}) {
  RunOutcome o = run(src, vm);
  EXPECT_EQ(o.exit_status, kExitOk) << "program failed: " << o.error_kind << ": " << o.error_message
                                    << " at line " << o.error_line << "\n"
                                    << src;
  return o.result;
}

// The stdout of a program that must succeed.
inline std::string output_of(const std::string& src, VMOptions vm = {}) {
  RunOutcome o = run(src, vm);
  EXPECT_EQ(o.exit_status, kExitOk) << "program failed: " << o.error_kind << ": " << o.error_message
                                    << " at line " << o.error_line << "\n"
                                    << src;
  return o.stdout_text;
}

// "kind@line" of a program that must fail at run time.
inline std::string runtime_error_of(const std::string& src, VMOptions vm = {}) {
  RunOutcome o = run(src, vm);
  EXPECT_EQ(o.exit_status, kExitRuntimeError) << "expected a runtime error, got exit " << o.exit_status
                                              << " result " << o.result << " " << o.error_message << "\n"
                                              << src;
  return o.error_kind + "@" + std::to_string(o.error_line);
}

// "line:col: message" of a program that must fail to read or compile.
inline std::string compile_error_of(const std::string& src) {
  RunOutcome o = run(src);
  EXPECT_EQ(o.exit_status, kExitCompileError) << "expected a compile error, got exit " << o.exit_status
                                              << " result " << o.result << "\n"
                                              << src;
  EXPECT_EQ(o.error_kind, "compile_error");
  return std::to_string(o.error_line) + ":" + std::to_string(o.error_col) + ": " + o.error_message;
}

// A compiled program together with the VM that owns its constants and globals.
struct Compiled {
  std::unique_ptr<VM> vm = std::make_unique<VM>();
  Program prog;
  bool ok = false;
  SourceError err;
};

inline std::unique_ptr<Compiled> compile(const std::string& src) {
  auto c = std::make_unique<Compiled>();
  c->prog.file = "t.gene";
  NodeList forms;
  c->ok = read_program(src, forms, c->err) && compile_program(*c->vm, forms, c->prog, c->err);
  return c;
}

inline std::vector<std::string> mnemonics(const Proto& p) {
  std::vector<std::string> out;
  for (const Instr& in : p.code) out.push_back(op_info(in.op).name);
  return out;
}

}  // namespace gene::test
