#include "interp/operators.h"

#include <cmath>

#include "interp/object.h"
#include "interp/vm.h"

namespace gene {

namespace {

bool type_error2(VM& vm, const char* op, Value a, Value b) {
  return vm.raise(ErrorKind::TypeError,
                  std::string("unsupported operand types for ") + op + ": " + type_name(a) + " and " + type_name(b));
}

bool int_result(VM& vm, int64_t r, const char* op, Value& out) {
  if (!int_fits(r)) return vm.raise(ErrorKind::IntegerOverflow, std::string("integer overflow in ") + op);
  out = Value::integer(r);
  return true;
}

// `(s + w) + " "` copies s twice: once for each ADD. When an ADD's string result is the left
// operand of the ADD two instructions on (the one between pushes a string: a constant, local
// or global), nothing else can reach that result before it: it is made with room for that
// string too and remembered (Heap::concat_temp), and the second ADD appends to it in place,
// as CPython does for a string only one reference holds. An exception or a collection in
// between only loses the shortcut.
size_t pending_concat(VM& vm, const Instr* ip) {
  if (ip->op != Op::ADD) return 0;
  const Instr& push = ip[1];  // (an ADD is never a unit's last instruction, nor is a push)
  const Frame& f = vm.frames.back();
  Value v;
  switch (push.op) {
    case Op::CONST:
      if (size_t(push.x) >= f.closure->proto->consts.size()) return 0;  // (verified code never)
      v = f.closure->proto->consts[size_t(push.x)];
      break;
    case Op::LOAD_LOCAL: v = f.base[push.x]; break;
    case Op::LOAD_GLOBAL: v = vm.globals[size_t(push.x)]; break;
    default: return 0;
  }
  if (ip[2].op != Op::ADD || !is_obj_type(v, ObjType::String)) return 0;
  return as_string(v)->chars.size();
}

bool concat(VM& vm, String* a, String* b, Value& out) {
  const Instr* ip = vm.frames.back().pc;
  if (a == vm.heap.concat_temp && ip == vm.heap.concat_at) {
    vm.heap.concat_temp = nullptr;
    if (!vm.heap.note_growth(b->chars.size())) return vm.raise(ErrorKind::OutOfMemory, "heap limit exceeded");
    a->append_unshared(b->chars);
    out = Value::object(a);
    if (size_t more = pending_concat(vm, ip)) {  // (a chain: `(+ s a b c)`)
      a->chars.reserve(a->chars.size() + more);
      vm.heap.concat_temp = a;
      vm.heap.concat_at = ip + 2;
    }
    return true;
  }
  size_t more = ip ? pending_concat(vm, ip) : 0;
  std::string chars;
  chars.reserve(a->chars.size() + b->chars.size() + more);
  chars += a->chars;
  chars += b->chars;
  String* s = vm.heap.new_string(std::move(chars));
  if (!s) return vm.raise(ErrorKind::OutOfMemory, "heap limit exceeded");
  if (more && s->chars.size() > 1) {  // (0 and 1 byte strings are shared)
    vm.heap.concat_temp = s;
    vm.heap.concat_at = ip + 2;
  }
  out = Value::object(s);
  return true;
}

}  // namespace

bool op_add(VM& vm, Value a, Value b, Value& out) {
  if (a.is_int() && b.is_int()) return int_result(vm, a.as_int() + b.as_int(), "+", out);
  if (a.is_number() && b.is_number()) {
    out = Value::number(a.to_double() + b.to_double());
    return true;
  }
  if (is_obj_type(a, ObjType::String) && is_obj_type(b, ObjType::String)) return concat(vm, as_string(a), as_string(b), out);
  return type_error2(vm, "+", a, b);
}

bool op_sub(VM& vm, Value a, Value b, Value& out) {
  if (a.is_int() && b.is_int()) return int_result(vm, a.as_int() - b.as_int(), "-", out);
  if (a.is_number() && b.is_number()) {
    out = Value::number(a.to_double() - b.to_double());
    return true;
  }
  return type_error2(vm, "-", a, b);
}

bool op_mul(VM& vm, Value a, Value b, Value& out) {
  if (a.is_int() && b.is_int()) {
    // 48-bit operands: the 64-bit product overflows only far outside the checked range, but
    // use the builtin so even |a|,|b| near 2^47 are exact.
    int64_t r;
    if (__builtin_mul_overflow(a.as_int(), b.as_int(), &r) || !int_fits(r))
      return vm.raise(ErrorKind::IntegerOverflow, "integer overflow in *");
    out = Value::integer(r);
    return true;
  }
  if (a.is_number() && b.is_number()) {
    out = Value::number(a.to_double() * b.to_double());
    return true;
  }
  return type_error2(vm, "*", a, b);
}

bool op_div(VM& vm, Value a, Value b, Value& out) {
  if (a.is_number() && b.is_number()) {
    out = Value::number(a.to_double() / b.to_double());
    return true;
  }
  return type_error2(vm, "/", a, b);
}

bool op_mod(VM& vm, Value a, Value b, Value& out) {
  if (a.is_int() && b.is_int()) {
    if (b.as_int() == 0) return vm.raise(ErrorKind::DivisionByZero, "integer modulo by zero");
    out = Value::integer(a.as_int() % b.as_int());
    return true;
  }
  if (a.is_number() && b.is_number()) {
    out = Value::number(std::fmod(a.to_double(), b.to_double()));
    return true;
  }
  return type_error2(vm, "%", a, b);
}

bool op_neg(VM& vm, Value a, Value& out) {
  if (a.is_int()) return int_result(vm, -a.as_int(), "-", out);
  if (a.is_double()) {
    out = Value::number(-a.as_double());
    return true;
  }
  return vm.raise(ErrorKind::TypeError, std::string("cannot negate ") + type_name(a));
}

bool op_pos(VM& vm, Value a, Value& out) {
  if (a.is_number()) {
    out = a;
    return true;
  }
  return vm.raise(ErrorKind::TypeError, std::string("expected a number, got ") + type_name(a));
}

namespace {

// Three-way comparison for ordering; NaN makes every ordering false (unordered = 2).
enum Order { Less, Equal, Greater, Unordered };

bool order(VM& vm, const char* op, Value a, Value b, Order& o) {
  if (a.is_int() && b.is_int()) {
    int64_t x = a.as_int(), y = b.as_int();
    o = x < y ? Less : x > y ? Greater : Equal;
    return true;
  }
  if (a.is_number() && b.is_number()) {
    double x = a.to_double(), y = b.to_double();
    o = x < y ? Less : x > y ? Greater : x == y ? Equal : Unordered;
    return true;
  }
  if (is_obj_type(a, ObjType::String) && is_obj_type(b, ObjType::String)) {
    int c = as_string(a)->chars.compare(as_string(b)->chars);
    o = c < 0 ? Less : c > 0 ? Greater : Equal;
    return true;
  }
  return vm.raise(ErrorKind::TypeError,
                  std::string("cannot compare ") + type_name(a) + " and " + type_name(b) + " with " + op);
}

}  // namespace

bool op_lt(VM& vm, Value a, Value b, Value& out) {
  Order o;
  if (!order(vm, "<", a, b, o)) return false;
  out = Value::boolean(o == Less);
  return true;
}
bool op_le(VM& vm, Value a, Value b, Value& out) {
  Order o;
  if (!order(vm, "<=", a, b, o)) return false;
  out = Value::boolean(o == Less || o == Equal);
  return true;
}
bool op_gt(VM& vm, Value a, Value b, Value& out) {
  Order o;
  if (!order(vm, ">", a, b, o)) return false;
  out = Value::boolean(o == Greater);
  return true;
}
bool op_ge(VM& vm, Value a, Value b, Value& out) {
  Order o;
  if (!order(vm, ">=", a, b, o)) return false;
  out = Value::boolean(o == Greater || o == Equal);
  return true;
}

bool values_equal(Value a, Value b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a == b;
    return a.to_double() == b.to_double();
  }
  if (a == b) return true;
  return is_obj_type(a, ObjType::String) && is_obj_type(b, ObjType::String) &&
         as_string(a)->chars == as_string(b)->chars;
}

}  // namespace gene
