#include "interp/display.h"

#include <charconv>
#include <cstdio>
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

void append_int(std::string& out, int64_t i) {
  // Two digits per step from a table, written backwards: `str` of an int is a hot path.
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  char buf[24];  // "-140737488355328" at most: ints are 48-bit
  char* end = buf + sizeof buf;
  char* p = end;
  uint64_t u = i < 0 ? uint64_t(0) - uint64_t(i) : uint64_t(i);
  while (u >= 100) {
    unsigned d = unsigned(u % 100) * 2;
    u /= 100;
    *--p = kPairs[d + 1];
    *--p = kPairs[d];
  }
  if (u >= 10) {
    *--p = kPairs[u * 2 + 1];
    *--p = kPairs[u * 2];
  } else {
    *--p = char('0' + u);
  }
  if (i < 0) *--p = '-';
  out.append(p, size_t(end - p));
}

void append_quoted(std::string& out, const std::string& s, bool hex_other) {
  out += '"';
  for (char c : s) {
    auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (hex_other && (byte < 0x20 || byte >= 0x7f)) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", byte);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

namespace {

// Display walks collections with an explicit stack (no native recursion), so deeply nested
// data is bounded only by kMaxDisplayDepth. A collection already on the current path is a cycle.
struct Displayer {
  std::string& out;
  struct Open {
    const Obj* obj;
    size_t next;  // next item (array) or entry (map) to display
    bool first;
  };
  std::vector<Open> path;
  bool too_deep = false;

  bool on_path(const Obj* o) const {
    for (const Open& p : path)
      if (p.obj == o) return true;
    return false;
  }

  // Displays `v`; a non-empty collection is opened (pushed on the path) to be continued by run().
  void value(Value v, bool nested) {
    if (v.is_int()) {
      append_int(out, v.as_int());
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

  void object(const Obj* o, bool nested) {
    switch (o->type) {
      case ObjType::String:
        if (nested)
          append_quoted(out, static_cast<const String*>(o)->chars);
        else
          out += static_cast<const String*>(o)->chars;
        return;
      case ObjType::Symbol: out += static_cast<const Symbol*>(o)->name; return;
      case ObjType::Closure: {
        const std::string& n = static_cast<const Closure*>(o)->proto->name;
        out += n.empty() ? "<fn>" : "<fn " + n + ">";
        return;
      }
      case ObjType::Builtin:
        out += "<fn ";
        out += static_cast<const Builtin*>(o)->name;
        out += '>';
        return;
      case ObjType::Cell: out += "<cell>"; return;
      case ObjType::Array:
      case ObjType::Map: {
        bool is_array = o->type == ObjType::Array;
        if (on_path(o)) {
          out += is_array ? "[...]" : "{...}";
          return;
        }
        if (path.size() >= kMaxDisplayDepth) {
          too_deep = true;
          out += is_array ? "[...]" : "{...}";
          return;
        }
        out += is_array ? '[' : '{';
        path.push_back({o, 0, true});
        return;
      }
    }
  }

  // Continues the open collections until all are closed; false if one was nested too deeply.
  bool run() {
    while (!path.empty() && !too_deep) {
      Open& top = path.back();
      if (top.obj->type == ObjType::Array) {
        auto& items = static_cast<const Array*>(top.obj)->items;
        if (top.next >= items.size()) {
          out += ']';
          path.pop_back();
          continue;
        }
        if (!top.first) out += ' ';
        top.first = false;
        Value v = items[top.next++];
        value(v, true);  // may push: `top` is not used after this
        continue;
      }
      auto& entries = static_cast<const Map*>(top.obj)->entries;
      while (top.next < entries.size() && entries[top.next].key.is_undefined()) top.next++;  // tombstones
      if (top.next >= entries.size()) {
        out += '}';
        path.pop_back();
        continue;
      }
      if (!top.first) out += ' ';
      top.first = false;
      Map::Entry e = entries[top.next++];
      if (is_obj_type(e.key, ObjType::Symbol)) {
        out += '^';
        out += as_symbol(e.key)->name;
      } else {
        value(e.key, true);  // keys are ints or strings: never collections
      }
      out += ' ';
      value(e.value, true);
    }
    return !too_deep;
  }
};

bool display_value(std::string& out, Value v, bool nested) {
  // Ints and top-level strings, most of what `str` and `print` see, need no walk.
  if (v.is_int()) {
    append_int(out, v.as_int());
    return true;
  }
  if (!nested && is_obj_type(v, ObjType::String)) {
    out += as_string(v)->chars;
    return true;
  }
  Displayer d{out, {}};
  d.value(v, nested);
  return d.run();
}

}  // namespace

bool display(std::string& out, Value v) { return display_value(out, v, false); }
bool display_nested(std::string& out, Value v) { return display_value(out, v, true); }

std::string to_display(Value v) {
  std::string s;
  if (!display(s, v)) s += "...";
  return s;
}

std::string to_display_nested(Value v) {
  std::string s;
  if (!display_nested(s, v)) s += "...";
  return s;
}

}  // namespace gene
