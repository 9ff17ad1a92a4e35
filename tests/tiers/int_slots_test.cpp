// The int-slot analysis (jit/baseline/int_slots.h): which locals the baseline tier may read
// without a tag check. Each case names the slot layout it relies on (parameters first, then
// variables in declaration order) and is checked against the disassembly on failure.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "interp/compiler.h"
#include "interp/disasm.h"
#include "interp/reader.h"
#include "interp/vm.h"
#include "jit/baseline/int_slots.h"

namespace {

// int_slots of the unit named `fn` in `src`, as a string of '1' (int slot) and '0' per slot.
std::string slots_of(const std::string& src, const std::string& fn, std::string* listing = nullptr) {
  gene::VM vm;
  gene::NodeList forms;
  gene::SourceError err;
  gene::Program prog;
  if (!gene::read_program(src, forms, err) || !gene::compile_program(vm, forms, prog, err)) return "error: " + err.message;
  if (listing) *listing = gene::disassemble_program(vm, prog);
  for (const auto& p : prog.protos)
    if (p->name == fn) {
      std::string out;
      for (bool b : gene::jit::int_slots(*p)) out += b ? '1' : '0';
      return out;
    }
  return "no unit " + fn;
}

void expect_slots(const std::string& src, const std::string& fn, const std::string& want) {
  std::string listing;
  EXPECT_EQ(slots_of(src, fn, &listing), want) << listing;
}

TEST(IntSlots, CountersAndSumsOfIntsAreIntSlots) {
  // n (param) | s | i
  expect_slots("(fn f [n] (var s 0) (var i 0) (while (i < n) (s += (i % 7)) (i += 1)) s)", "f", "011");
}

TEST(IntSlots, ParametersAreNeverIntSlots) {
  expect_slots("(fn f [a b] (a = 1) (b = 2) (a + b))", "f", "00");
}

TEST(IntSlots, OneNonIntStoreDisqualifiesTheSlot) {
  // x gets a float on one branch; y gets nil; z = x + 1 is then not provably an int either.
  expect_slots("(fn f [c] (var x 0) (if c (x = 1.5)) (var y 1) (y = nil) (var z (x + 1)) z)", "f", "0000");
}

TEST(IntSlots, DivisionAndCallsAreNotInts) {
  expect_slots("(fn g [] 1)\n(fn f [] (var a (4 / 2)) (var b (g)) (var c (int 2.0)) [a b c])", "f", "000");
}

TEST(IntSlots, IntArithmeticOnIntSlotsStaysInt) {
  // p | a | b | c | d: d depends on a non-int param
  expect_slots("(fn f [p] (var a 3) (var b (a * 2)) (var c ((a - b) % 5)) (var d (a + p)) [b c d (- a)])", "f",
               "01110");
}

TEST(IntSlots, AnIntSlotFeedingANonIntSlotIsStillAnInt) {
  // a | b: b mixes in a float; a stays an int slot.
  expect_slots("(fn f [] (var a 1) (var b (a + 0.5)) (a += 2) [a b])", "f", "10");
}

TEST(IntSlots, CapturedVariablesAreCellsNotIntSlots) {
  expect_slots("(fn f [] (var n 0) (var g (fn [] n)) (n += 1) (g))", "f", "00");
}

TEST(IntSlots, ForLoopStateIsNotAnIntSlot) {
  // Every slot here is the loop's hidden state, its variable or a sum built from the variable:
  // the range may be rebound at run time, so the loop variable is not provably an int.
  std::string got = slots_of("(fn f [] (var s 0) (for i in (range 0 3) (s += i)) s)", "f");
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0], '0') << got;  // s accumulates the loop variable
  EXPECT_EQ(got.find('1'), std::string::npos) << got;
}

TEST(IntSlots, AStoreAfterAHandlerIsStillChecked) {
  // The try body stores a string into x on its error path; y only ever holds ints.
  expect_slots("(fn f [] (var x 0) (var y 1) (try (do (y = 2) (throw 1)) catch e (x = \"s\")) [x y])", "f", "010");
}

// Hand-built units (the compiler never reads a variable before its initializer, but verified
// .gbc code may): a slot read where some path has not stored it is not an int slot, because
// it still holds the nil every frame starts with.
gene::Proto unit(int nparams, int nslots, std::vector<gene::Instr> code) {
  gene::Proto p;
  p.name = "u";
  p.nparams = nparams;
  p.nslots = nslots;
  p.max_stack = 4;
  p.code = std::move(code);
  p.lines.assign(p.code.size(), 1);
  return p;
}
std::string flags(const std::vector<bool>& v) {
  std::string out;
  for (bool b : v) out += b ? '1' : '0';
  return out;
}
using gene::Instr;
using gene::Op;

TEST(IntSlots, AReadBeforeAnyStoreIsNotAnIntSlot) {
  // x = x + 1 with x never initialized: the first read sees nil.
  gene::Proto p = unit(0, 1, {Instr{Op::LOAD_LOCAL, 0, 0, 0}, Instr{Op::ADD_INT, 0, 0, 1}, Instr{Op::STORE_LOCAL, 0, 0, 0},
                              Instr{Op::LOAD_LOCAL, 0, 0, 0}, Instr{Op::RETURN, 0, 0, 0}});
  EXPECT_EQ(flags(gene::jit::int_slots(p)), "0");
}

TEST(IntSlots, AStoreOnOnlyOneBranchDoesNotCoverTheJoin) {
  // slot 1 = 5 only when the parameter is truthy, then read after the join.
  gene::Proto p = unit(1, 2, {Instr{Op::LOAD_LOCAL, 0, 0, 0}, Instr{Op::JUMP_IF_FALSE, 0, 0, 4}, Instr{Op::INT, 0, 0, 5},
                              Instr{Op::STORE_LOCAL, 0, 0, 1}, Instr{Op::LOAD_LOCAL, 0, 0, 1}, Instr{Op::RETURN, 0, 0, 0}});
  EXPECT_EQ(flags(gene::jit::int_slots(p)), "00");
  // Stored on both branches: an int slot.
  gene::Proto q = unit(1, 2, {Instr{Op::LOAD_LOCAL, 0, 0, 0}, Instr{Op::JUMP_IF_FALSE, 0, 0, 5}, Instr{Op::INT, 0, 0, 5},
                              Instr{Op::STORE_LOCAL, 0, 0, 1}, Instr{Op::JUMP, 0, 0, 7}, Instr{Op::INT, 0, 0, 6},
                              Instr{Op::STORE_LOCAL, 0, 0, 1}, Instr{Op::LOAD_LOCAL, 0, 0, 1}, Instr{Op::RETURN, 0, 0, 0}});
  EXPECT_EQ(flags(gene::jit::int_slots(q)), "01");
  // The path that stores reaches the join first; the one that does not arrives later (through
  // a jump back) and must still clear the fact.
  gene::Proto r = unit(1, 2, {Instr{Op::LOAD_LOCAL, 0, 0, 0}, Instr{Op::JUMP_IF_FALSE, 0, 0, 6}, Instr{Op::INT, 0, 0, 5},
                              Instr{Op::STORE_LOCAL, 0, 0, 1}, Instr{Op::LOAD_LOCAL, 0, 0, 1}, Instr{Op::RETURN, 0, 0, 0},
                              Instr{Op::JUMP, 0, 0, 4}});
  EXPECT_EQ(flags(gene::jit::int_slots(r)), "00");
}

TEST(IntSlots, AHandlerEntrySeesTheSlotsBeforeTheThrowingInstruction) {
  // slot 0 = 1, then in a try region: call (may throw), slot 1 = 2. The handler at 7 reads
  // slot 1, which the path through the throwing call has not stored: not an int slot. Slot 0
  // was stored before the region: an int slot.
  gene::Proto p = unit(0, 2, {Instr{Op::INT, 0, 0, 1}, Instr{Op::STORE_LOCAL, 0, 0, 0}, Instr{Op::NIL, 0, 0, 0},
                              Instr{Op::CALL, 0, 0, 0}, Instr{Op::STORE_LOCAL, 0, 0, 1}, Instr{Op::NIL, 0, 0, 0},
                              Instr{Op::RETURN, 0, 0, 0}, Instr{Op::POP, 0, 0, 0}, Instr{Op::LOAD_LOCAL, 0, 0, 1},
                              Instr{Op::LOAD_LOCAL, 0, 0, 0}, Instr{Op::ADD, 0, 0, 0}, Instr{Op::RETURN, 0, 0, 0}});
  p.handlers.push_back({3, 5, 7, 0});
  EXPECT_EQ(flags(gene::jit::int_slots(p)), "10");
}

TEST(IntSlots, CopiesOfAnIntAreInts) {
  // dup keeps both copies known; set_path pushes the stored value itself.
  expect_slots("(fn f [a] (var x 1) (var y (x = 2)) (var z (a/0 = 3)) [x y z])", "f", "0111");
}

}  // namespace
