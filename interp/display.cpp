#include "interp/display.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "interp/object.h"
#include "interp/proto.h"

namespace gene {

void append_float(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "nan";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-inf" : "inf";
    return;
  }
  // Shortest round-trip digits in scientific form: "-d.ddde[+-]XX".
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  bool negative = sci[0] == '-';
  size_t start = negative ? 1 : 0;
  size_t e = sci.find('e');
  std::string digits;
  for (size_t i = start; i < e; i++)
    if (sci[i] != '.') digits += sci[i];
  int exp = std::atoi(sci.c_str() + e + 1);
  if (negative) out += '-';
  if (exp >= -4 && exp < 16) {
    if (exp < 0) {
      out += "0.";
      out.append(size_t(-exp - 1), '0');
      out += digits;
    } else if (size_t(exp) + 1 >= digits.size()) {
      out += digits;
      out.append(size_t(exp) + 1 - digits.size(), '0');
      out += ".0";
    } else {
      out.append(digits, 0, size_t(exp) + 1);
      out += '.';
      out.append(digits, size_t(exp) + 1, std::string::npos);
    }
    return;
  }
  out += digits[0];
  if (digits.size() > 1) {
    out += '.';
    out.append(digits, 1, std::string::npos);
  }
  out += 'e';
  out += exp < 0 ? '-' : '+';
  int a = exp < 0 ? -exp : exp;
  if (a < 10) out += '0';
  out += std::to_string(a);
}

namespace {

void append_quoted(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  out += '"';
}

// Collections in progress on the current display path: a collection met again is a cycle.
// The path is an explicit vector, but nesting still recurses natively, so it is bounded.
constexpr size_t kMaxDisplayDepth = 10000;

struct Displayer {
  std::string& out;
  std::vector<const Obj*> path;

  bool on_path(const Obj* o) const {
    for (const Obj* p : path)
      if (p == o) return true;
    return false;
  }

  void value(Value v, bool nested) {
    if (v.is_int()) {
      out += std::to_string(v.as_int());
    } else if (v.is_double()) {
      append_float(out, v.as_double());
    } else if (v.is_nil()) {
      if (nested) out += "nil";
    } else if (v.is_bool()) {
      out += v.as_bool() ? "true" : "false";
    } else if (v.is_object()) {
      object(v.as_obj(), nested);
    }
  }

  void object(Obj* o, bool nested) {
    switch (o->type) {
      case ObjType::String:
        if (nested)
          append_quoted(out, static_cast<String*>(o)->chars);
        else
          out += static_cast<String*>(o)->chars;
        return;
      case ObjType::Symbol: out += static_cast<Symbol*>(o)->name; return;
      case ObjType::Closure: {
        const std::string& n = static_cast<Closure*>(o)->proto->name;
        out += n.empty() ? "<fn>" : "<fn " + n + ">";
        return;
      }
      case ObjType::Builtin:
        out += "<fn ";
        out += static_cast<Builtin*>(o)->name;
        out += '>';
        return;
      case ObjType::Cell: out += "<cell>"; return;
      case ObjType::Array: {
        if (on_path(o) || path.size() >= kMaxDisplayDepth) {
          out += "[...]";
          return;
        }
        path.push_back(o);
        out += '[';
        auto& items = static_cast<Array*>(o)->items;
        for (size_t i = 0; i < items.size(); i++) {
          if (i) out += ' ';
          value(items[i], true);
        }
        out += ']';
        path.pop_back();
        return;
      }
      case ObjType::Map: {
        if (on_path(o) || path.size() >= kMaxDisplayDepth) {
          out += "{...}";
          return;
        }
        path.push_back(o);
        out += '{';
        bool first = true;
        static_cast<Map*>(o)->for_each([&](Value k, Value v) {
          if (!first) out += ' ';
          first = false;
          if (is_obj_type(k, ObjType::Symbol)) {
            out += '^';
            out += as_symbol(k)->name;
          } else {
            value(k, true);
          }
          out += ' ';
          value(v, true);
        });
        out += '}';
        path.pop_back();
        return;
      }
    }
  }
};

}  // namespace

void display(std::string& out, Value v) { Displayer{out, {}}.value(v, false); }
void display_nested(std::string& out, Value v) { Displayer{out, {}}.value(v, true); }

std::string to_display(Value v) {
  std::string s;
  display(s, v);
  return s;
}

std::string to_display_nested(Value v) {
  std::string s;
  display_nested(s, v);
  return s;
}

}  // namespace gene
