// Builtin functions (SPEC §3). They are ordinary global values, so programs can pass them
// around or redefine them.
#include <cmath>

#include "interp/display.h"
#include "interp/object.h"
#include "interp/vm.h"

namespace gene {

namespace {

// The largest array `range` will build: beyond it the request is treated as out of memory
// rather than handed to the allocator.
constexpr int64_t kMaxRangeItems = int64_t(1) << 28;

// The checks every builtin call makes: in line, with their messages built out of line.
[[gnu::cold, gnu::noinline]] bool arity_error(VM& vm, const char* name, int argc, int lo, int hi) {
  std::string want = lo == hi ? std::to_string(lo) : std::to_string(lo) + " or " + std::to_string(hi);
  return vm.raise(ErrorKind::ArityMismatch,
                  std::string(name) + " expects " + want + " argument" + (hi == 1 ? "" : "s") + ", got " +
                      std::to_string(argc));
}

inline bool arity(VM& vm, const char* name, int argc, int lo, int hi) {
  return (argc >= lo && argc <= hi) || arity_error(vm, name, argc, lo, hi);
}

[[gnu::cold, gnu::noinline]] bool not_a_number(VM& vm, const char* name, Value v) {
  return vm.raise(ErrorKind::TypeError, std::string(name) + " expects a number, got " + type_name(v));
}

inline bool need_number(VM& vm, const char* name, Value v) { return v.is_number() || not_a_number(vm, name, v); }

bool too_deep(VM& vm) { return vm.raise(ErrorKind::StackOverflow, "value nested too deeply to display"); }

bool write_joined(VM& vm, Value* args, int argc, bool newline) {
  std::string s;
  for (int i = 0; i < argc; i++) {
    if (i) s += ' ';
    if (!display(s, args[i])) return too_deep(vm);
  }
  if (newline) s += '\n';
  vm.write(s);
  return true;
}

bool b_print(VM& vm, Value* args, int argc, Value& out) {
  if (!write_joined(vm, args, argc, false)) return false;
  out = Value::nil();
  return true;
}

bool b_println(VM& vm, Value* args, int argc, Value& out) {
  if (!write_joined(vm, args, argc, true)) return false;
  out = Value::nil();
  return true;
}

bool b_assert(VM& vm, Value* args, int argc, Value& out) {
  if (!arity(vm, "assert", argc, 1, 2)) return false;
  if (!args[0].truthy())
    return vm.raise(ErrorKind::AssertionFailed, argc == 2 ? to_display(args[1]) : "assertion failed");
  out = Value::nil();
  return true;
}

bool b_str(VM& vm, Value* args, int argc, Value& out) {
  std::string s;
  for (int i = 0; i < argc; i++)
    if (!display(s, args[i])) return too_deep(vm);
  String* r = vm.heap.new_string(std::move(s));
  if (!r) return vm.raise(ErrorKind::OutOfMemory, "heap limit exceeded");
  out = Value::object(r);
  return true;
}

bool b_range(VM& vm, Value* args, int argc, Value& out) {
  if (!arity(vm, "range", argc, 2, 2)) return false;
  if (!args[0].is_int() || !args[1].is_int()) return vm.raise(ErrorKind::TypeError, "range expects two ints");
  int64_t a = args[0].as_int(), b = args[1].as_int();
  int64_t n = b > a ? b - a : 0;
  if (n > kMaxRangeItems) return vm.raise(ErrorKind::OutOfMemory, "range of " + std::to_string(n) + " items is too large");
  Array* arr = vm.heap.new_array(size_t(n));
  if (!arr) return vm.raise(ErrorKind::OutOfMemory, "heap limit exceeded");
  for (int64_t i = a; i < b; i++) arr->items.push_back(Value::integer(i));
  out = Value::object(arr);
  return true;
}

bool b_sqrt(VM& vm, Value* args, int argc, Value& out) {
  if (!arity(vm, "sqrt", argc, 1, 1) || !need_number(vm, "sqrt", args[0])) return false;
  out = Value::number(std::sqrt(args[0].to_double()));
  return true;
}

bool b_floor(VM& vm, Value* args, int argc, Value& out) {
  if (!arity(vm, "floor", argc, 1, 1) || !need_number(vm, "floor", args[0])) return false;
  out = args[0].is_int() ? args[0] : Value::number(std::floor(args[0].as_double()));
  return true;
}

bool b_abs(VM& vm, Value* args, int argc, Value& out) {
  if (!arity(vm, "abs", argc, 1, 1) || !need_number(vm, "abs", args[0])) return false;
  if (args[0].is_int()) {
    int64_t i = args[0].as_int();
    if (i == kIntMin) return vm.raise(ErrorKind::IntegerOverflow, "integer overflow in abs");
    out = Value::integer(i < 0 ? -i : i);
  } else {
    out = Value::number(std::fabs(args[0].as_double()));
  }
  return true;
}

bool b_int(VM& vm, Value* args, int argc, Value& out) {
  if (!arity(vm, "int", argc, 1, 1) || !need_number(vm, "int", args[0])) return false;
  if (args[0].is_int()) {
    out = args[0];
    return true;
  }
  double d = std::trunc(args[0].as_double());
  if (!(d >= double(kIntMin) && d <= double(kIntMax)))  // also catches nan
    return vm.raise(ErrorKind::IntegerOverflow, "float " + to_display(args[0]) + " does not fit an int");
  out = Value::integer(int64_t(d));
  return true;
}

bool b_float(VM& vm, Value* args, int argc, Value& out) {
  if (!arity(vm, "float", argc, 1, 1) || !need_number(vm, "float", args[0])) return false;
  out = Value::number(args[0].to_double());
  return true;
}

}  // namespace

void install_builtins(VM& vm) {
  static const struct {
    const char* name;
    BuiltinFn fn;
  } kBuiltins[] = {{"print", b_print}, {"println", b_println}, {"assert", b_assert}, {"str", b_str},
                   {"range", b_range}, {"sqrt", b_sqrt},       {"floor", b_floor},   {"abs", b_abs},
                   {"int", b_int},     {"float", b_float}};
  for (auto& b : kBuiltins) {
    Builtin* obj = vm.heap.new_builtin(b.name, b.fn);
    vm.globals[size_t(vm.global_slot(b.name))] = Value::object(obj);
    vm.builtins.push_back(Value::object(obj));
    if (b.fn == b_range) vm.range_builtin = Value::object(obj);
  }
}

}  // namespace gene
