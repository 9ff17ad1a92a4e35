// A compiled code unit (one per function, plus the top level) and the program that owns them.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "interp/opcodes.h"
#include "interp/value.h"

namespace gene {

// Where a closure's upvalue comes from when CLOSURE runs in the enclosing unit.
struct UpvalDesc {
  bool from_local;  // true: the enclosing frame's slot (which holds a Cell); false: its upvalue
  uint16_t index;
};

// A try region: an error raised at pc in [start, end) resets the operand stack to `depth` values,
// pushes the error value and continues at `target`. Inner regions come first.
struct Handler {
  int32_t start;
  int32_t end;
  int32_t target;
  int32_t depth;
};

struct Proto;
// The innermost handler covering instruction `pc`, or nullptr: the one rule every engine uses.
const Handler* find_handler(const Proto& p, int32_t pc);

// Calls and loop back edges of a unit that the interpreter records type feedback for
// (type_feedback.h), far more than the JIT needs before it compiles a unit (100 calls or 500
// back edges): after that the interpreter runs the unit without recording, so feedback costs
// a long-running interpreted program almost nothing. The JIT opens the window again when the
// unit deoptimizes (the interpreter must record what the code did not expect).
constexpr uint32_t kFeedbackWindow = 4096;

struct Proto {
  std::string name;     // "" for anonymous functions; "<top>" for the top level
  int nparams = 0;
  int nslots = 0;       // params first, then locals and hidden loop slots
  int max_stack = 0;    // operand stack depth above the slots
  std::vector<Instr> code;
  std::vector<int32_t> lines;  // source line per instruction
  std::vector<Value> consts;   // GC roots for as long as the program lives
  std::vector<UpvalDesc> upvals;
  std::vector<Handler> handlers;
  std::vector<int32_t> children;  // CLOSURE operand -> index in Program::protos
  int id = 0;                     // index in Program::protos
  // Call-site feedback per instruction (type_feedback.h): the callee seen (a Proto for a
  // closure, the Builtin object for a builtin), kMegamorphic after a second one; at a
  // symbol-path site the map entry position its key was found at. Sized once the unit is
  // verified.
  std::vector<const void*> callees;
  // Set once no tier will read this unit's feedback again (the JIT settled it at baseline):
  // the slow paths its code shares with the interpreter then stop recording.
  bool feedback_settled = false;
  // What is left of the unit's recording window (kFeedbackWindow).
  uint32_t feedback_window = kFeedbackWindow;

  // The JIT's per-unit state (jit/unit_state.h), owned by the tier manager through the VM
  // hooks; the interpreter never looks inside.
  void* jit_unit = nullptr;
};

// A unit's name for listings and profiles: "<fn>" for an anonymous function.
inline std::string unit_name(const Proto& p) { return p.name.empty() ? std::string("<fn>") : p.name; }

inline const Handler* find_handler(const Proto& p, int32_t pc) {
  for (const Handler& h : p.handlers)
    if (pc >= h.start && pc < h.end) return &h;
  return nullptr;
}

// Everything a compiled or loaded program consists of. protos[0] is the top level.
struct Program {
  std::string file;
  std::vector<std::unique_ptr<Proto>> protos;
  Proto* top() const { return protos[0].get(); }
};

}  // namespace gene
