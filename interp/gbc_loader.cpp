#include "interp/gbc_loader.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "interp/object.h"
#include "interp/vm.h"

namespace gene {

GbcPos GbcSourceMap::locate(int unit, int pc) const {
  if (unit < 0 || size_t(unit) >= units.size()) return {};
  if (pc < 0) return units[size_t(unit)];
  const auto& v = instrs[size_t(unit)];
  if (size_t(pc) >= v.size()) return units[size_t(unit)];
  return v[size_t(pc)];
}

bool is_gbc_file(const std::string& path) {
  return path.size() >= 4 && path.compare(path.size() - 4, 4, ".gbc") == 0;
}

namespace {

// Characters allowed in a bare name (symbol constants, global operands): printable ASCII other
// than the comment and string delimiters, so that a name is always one token.
bool is_name_char(char c) { return c > ' ' && c < 0x7f && c != ';' && c != '"'; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct Token {
  std::string_view text;  // raw text (for a string: including the quotes)
  std::string str;        // a string token's decoded bytes
  bool is_string = false;
  int col = 0;
};

class Loader {
 public:
  Loader(VM& vm, std::string_view text, Program& out, SourceError& err, GbcSourceMap* map)
      : vm_(vm), text_(text), prog_(out), err_(err), map_(map) {}

  bool run() {
    prog_.protos.clear();
    vm_.program = &prog_;
    size_t pos = 0;
    while (pos <= text_.size()) {
      size_t nl = text_.find('\n', pos);
      size_t end = nl == std::string_view::npos ? text_.size() : nl;
      line_no_++;
      line_ = text_.substr(pos, end - pos);
      if (!line()) return false;
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
    }
    if (unit_) return fail_at(unit_pos_.line, unit_pos_.col, "unit " + std::to_string(unit_->id) + " has no .end");
    return true;
  }

 private:
  // ------------------------------------------------------------------ errors
  bool fail_at(int line, int col, std::string msg) {
    err_ = {line, col, std::move(msg)};
    return false;
  }
  bool fail(int col, std::string msg) { return fail_at(line_no_, col, std::move(msg)); }
  bool fail(const Token& t, std::string msg) { return fail(t.col, std::move(msg)); }
  int end_col() const { return int(line_.size()) + 1; }

  // ------------------------------------------------------------------ tokens
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

  void skip_space() {
    while (pos_ < line_.size() && is_space(line_[pos_])) pos_++;
  }
  bool at_line_end() {
    skip_space();
    return pos_ >= line_.size() || line_[pos_] == ';';
  }

  // Next token; false (with an error) at the end of the line or on a malformed string.
  bool next(Token& t, const char* what) {
    if (at_line_end()) return fail(end_col(), std::string("expected ") + what);
    t = Token{};
    t.col = int(pos_) + 1;
    size_t start = pos_;
    if (line_[pos_] == '"') {
      t.is_string = true;
      pos_++;
      for (;;) {
        if (pos_ >= line_.size()) return fail(t.col, "unterminated string");
        char c = line_[pos_];
        if (c == '"') {
          pos_++;
          break;
        }
        if (c != '\\') {
          t.str += c;
          pos_++;
          continue;
        }
        int ecol = int(pos_) + 1;
        if (++pos_ >= line_.size()) return fail(t.col, "unterminated string");
        char e = line_[pos_++];
        switch (e) {
          case 'n': t.str += '\n'; break;
          case 't': t.str += '\t'; break;
          case 'r': t.str += '\r'; break;
          case '\\': t.str += '\\'; break;
          case '"': t.str += '"'; break;
          case 'x': {
            int hi = pos_ < line_.size() ? hex_digit(line_[pos_]) : -1;
            int lo = pos_ + 1 < line_.size() ? hex_digit(line_[pos_ + 1]) : -1;
            if (hi < 0 || lo < 0) return fail(ecol, "\\x needs two hex digits");
            t.str += char(hi * 16 + lo);
            pos_ += 2;
            break;
          }
          default: return fail(ecol, std::string("invalid escape '\\") + e + "' in string");
        }
      }
      if (pos_ < line_.size() && !is_space(line_[pos_]) && line_[pos_] != ';')
        return fail(int(pos_) + 1, "expected a space after the string");
    } else {
      while (pos_ < line_.size() && !is_space(line_[pos_]) && line_[pos_] != ';') pos_++;
    }
    t.text = line_.substr(start, pos_ - start);
    return true;
  }

  bool expect_line_end() {
    if (at_line_end()) return true;
    Token t;
    size_t start = pos_;
    while (pos_ < line_.size() && !is_space(line_[pos_]) && line_[pos_] != ';') pos_++;
    t.text = line_.substr(start, pos_ - start);
    return fail(int(start) + 1, "unexpected '" + std::string(t.text) + "' at the end of the line");
  }

  // A decimal integer in [lo, hi]: `-?[0-9]+`.
  bool integer(const Token& t, int64_t lo, int64_t hi, const char* what, int64_t& out) {
    std::string_view s = t.text;
    if (t.is_string) return fail(t, std::string("expected ") + what + ", got a string");
    size_t i = 0;
    bool neg = false;
    if (i < s.size() && s[i] == '-') {
      neg = true;
      i++;
    }
    if (i == s.size()) return fail(t, std::string("expected ") + what + ", got '" + std::string(s) + "'");
    int64_t mag = 0;
    bool big = false;
    for (; i < s.size(); i++) {
      char c = s[i];
      if (c < '0' || c > '9') return fail(t, std::string("expected ") + what + ", got '" + std::string(s) + "'");
      if (!big) {
        mag = mag * 10 + (c - '0');
        if (mag > (int64_t(1) << 53)) big = true;
      }
    }
    int64_t v = neg ? -mag : mag;
    if (big || v < lo || v > hi)
      return fail(t, std::string(what) + " " + std::string(s) + " out of range [" + std::to_string(lo) + ", " +
                         std::to_string(hi) + "]");
    out = v;
    return true;
  }
  bool next_int(int64_t lo, int64_t hi, const char* what, int64_t& out) {
    Token t;
    return next(t, what) && integer(t, lo, hi, what, out);
  }

  bool name(const Token& t, const char* what) {
    if (t.is_string || t.text.empty()) return fail(t, std::string("expected ") + what);
    for (char c : t.text)
      if (!is_name_char(c)) return fail(t, std::string("invalid character in ") + what);
    return true;
  }

  // `key=N`
  bool keyed(const char* key, int64_t& out) {
    Token t;
    std::string want = std::string(key) + "=N";
    if (!next(t, want.c_str())) return false;
    std::string_view s = t.text;
    size_t klen = std::char_traits<char>::length(key);
    if (t.is_string || s.size() <= klen || s.substr(0, klen) != key || s[klen] != '=')
      return fail(t, "expected " + want + ", got '" + std::string(s) + "'");
    Token v = t;
    v.text = s.substr(klen + 1);
    v.col = t.col + int(klen) + 1;
    return integer(v, 0, 65535, key, out);
  }

  // ------------------------------------------------------------------ lines
  bool line() {
    pos_ = 0;
    if (at_line_end()) return true;
    Token head;
    if (!next(head, "a directive")) return false;
    if (head.text == ".unit") return unit_start(head);
    if (!unit_) {
      if (head.text == ".end") return fail(head, ".end outside a unit");
      return fail(head, "expected .unit, got '" + std::string(head.text) + "'");
    }
    if (head.text == ".end") return unit_end();
    if (head.text == ".const") return const_line();
    if (head.text == ".upval") return upval_line();
    if (head.text == ".child") return child_line();
    if (head.text == ".handler") return handler_line();
    if (!head.text.empty() && head.text[0] == '.') return fail(head, "unknown directive '" + std::string(head.text) + "'");
    return instr_line(head);
  }

  bool unit_start(const Token& head) {
    if (unit_) return fail(head, "unit " + std::to_string(unit_->id) + " has no .end before the next .unit");
    int64_t id;
    Token t;
    if (!next(t, "a unit number") || !integer(t, 0, std::numeric_limits<int32_t>::max(), "unit number", id))
      return false;
    if (size_t(id) != prog_.protos.size())
      return fail(t, "unit " + std::to_string(id) + " out of order: expected unit " + std::to_string(prog_.protos.size()));
    Token nm;
    if (!next(nm, "a quoted unit name")) return false;
    if (!nm.is_string) return fail(nm, "expected a quoted unit name");
    int64_t params, slots, stack;
    if (!keyed("params", params) || !keyed("slots", slots) || !keyed("stack", stack) || !expect_line_end())
      return false;
    auto p = std::make_unique<Proto>();
    p->id = int(id);
    p->name = std::move(nm.str);
    p->nparams = int(params);
    p->nslots = int(slots);
    p->max_stack = int(stack);
    unit_ = p.get();
    prog_.protos.push_back(std::move(p));
    unit_pos_ = {line_no_, head.col};
    if (map_) {
      map_->units.push_back(unit_pos_);
      map_->instrs.emplace_back();
    }
    return true;
  }

  bool unit_end() {
    if (!expect_line_end()) return false;
    unit_ = nullptr;
    return true;
  }

  bool const_line() {
    Token t;
    int64_t index;
    if (!next(t, "a constant index") || !integer(t, 0, std::numeric_limits<int32_t>::max(), "constant index", index))
      return false;
    if (size_t(index) != unit_->consts.size())
      return fail(t, "constant " + std::to_string(index) + " out of order: expected " + std::to_string(unit_->consts.size()));
    Token kind, v;
    if (!next(kind, "a constant kind (int, float, string, symbol)")) return false;
    Value value;
    if (kind.text == "int") {
      int64_t i;
      if (!next(v, "an int") || !integer(v, kIntMin, kIntMax, "int constant", i)) return false;
      value = Value::integer(i);
    } else if (kind.text == "float") {
      double d = 0;
      if (!next(v, "a float") || !float_value(v, d)) return false;
      value = Value::number(d);
    } else if (kind.text == "string") {
      if (!next(v, "a quoted string")) return false;
      if (!v.is_string) return fail(v, "expected a quoted string");
      String* s = vm_.heap.new_string(std::move(v.str));
      if (!s) return fail(v, "out of memory for a string constant");
      value = Value::object(s);
    } else if (kind.text == "symbol") {
      if (!next(v, "a symbol name") || !name(v, "symbol name")) return false;
      value = Value::object(vm_.heap.intern(std::string(v.text)));
    } else {
      return fail(kind, "unknown constant kind '" + std::string(kind.text) + "' (int, float, string, symbol)");
    }
    if (!expect_line_end()) return false;
    unit_->consts.push_back(value);  // rooted from here on through vm.program
    return true;
  }

  // What append_float writes: nan, inf, -inf, or -?digits[.digits][e[+-]digits].
  bool float_value(const Token& t, double& out) {
    std::string_view s = t.text;
    auto bad = [&] { return fail(t, "invalid float '" + std::string(s) + "'"); };
    if (t.is_string) return bad();
    if (s == "nan") {
      out = std::numeric_limits<double>::quiet_NaN();  // the one canonical NaN: never a boxed tag
      return true;
    }
    if (s == "inf" || s == "-inf") {
      out = s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
      return true;
    }
    size_t i = 0;
    auto digits = [&] {
      size_t start = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') i++;
      return i > start;
    };
    if (i < s.size() && s[i] == '-') i++;
    if (!digits()) return bad();
    if (i < s.size() && s[i] == '.') {
      i++;
      if (!digits()) return bad();
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      i++;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) i++;
      if (!digits()) return bad();
    }
    if (i != s.size()) return bad();
    std::string copy(s);
    out = std::strtod(copy.c_str(), nullptr);
    return true;
  }

  bool upval_line() {
    Token from;
    if (!next(from, "local or upval")) return false;
    if (from.text != "local" && from.text != "upval")
      return fail(from, "expected local or upval, got '" + std::string(from.text) + "'");
    int64_t index;
    if (!next_int(0, 65535, "upvalue index", index) || !expect_line_end()) return false;
    unit_->upvals.push_back({from.text == "local", uint16_t(index)});
    return true;
  }

  bool child_line() {
    int64_t c;
    if (!next_int(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), "child unit", c) ||
        !expect_line_end())
      return false;
    unit_->children.push_back(int32_t(c));
    return true;
  }

  bool handler_line() {
    constexpr int64_t lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
    int64_t start, end, target, depth;
    if (!next_int(lo, hi, "handler start", start) || !next_int(lo, hi, "handler end", end) ||
        !next_int(lo, hi, "handler target", target) || !next_int(lo, hi, "handler depth", depth) ||
        !expect_line_end())
      return false;
    unit_->handlers.push_back({int32_t(start), int32_t(end), int32_t(target), int32_t(depth)});
    return true;
  }

  bool instr_line(const Token& head) {
    constexpr int64_t lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
    int64_t index;
    if (!integer(head, 0, hi, "instruction index", index)) return false;
    if (size_t(index) != unit_->code.size())
      return fail(head, "instruction " + std::to_string(index) + " out of order: expected " +
                            std::to_string(unit_->code.size()));
    Token at;
    if (!next(at, "@line")) return false;
    if (at.is_string || at.text.size() < 2 || at.text[0] != '@') return fail(at, "expected @line, got '" + std::string(at.text) + "'");
    Token line_tok = at;
    line_tok.text = at.text.substr(1);
    line_tok.col = at.col + 1;
    int64_t src_line;
    if (!integer(line_tok, lo, hi, "source line", src_line)) return false;
    Token mn;
    if (!next(mn, "an opcode")) return false;
    Op op;
    std::string mnemonic(mn.text);
    if (mn.is_string || !op_from_name(mnemonic.c_str(), op)) return fail(mn, "unknown opcode '" + mnemonic + "'");
    const OpInfo& info = op_info(op);
    Instr in{op, 0, 0, 0};
    if (info.x != Operand::None) {
      Token x;
      if (!next(x, operand_name(info.x))) return false;
      if (info.x == Operand::Global) {
        if (!name(x, "global name")) return false;
        in.x = vm_.global_slot(std::string(x.text));
      } else {
        int64_t v;
        if (!integer(x, lo, hi, operand_name(info.x), v)) return false;
        in.x = int32_t(v);
      }
    }
    if (info.y != Operand::None) {
      int64_t v;
      if (!next_int(0, 65535, operand_name(info.y), v)) return false;
      in.y = uint16_t(v);
    }
    if (!expect_line_end()) return false;
    size_t cells = (unit_->code.size() + 1) * size_t(unit_->nslots > 0 ? unit_->nslots : 1);
    if (cells > kMaxGbcUnitCells)
      return fail(head, "unit " + std::to_string(unit_->id) + " is too large (instructions x slots exceeds " +
                            std::to_string(kMaxGbcUnitCells) + ")");
    unit_->code.push_back(in);
    unit_->lines.push_back(int32_t(src_line));
    if (map_) map_->instrs.back().push_back({line_no_, mn.col});
    return true;
  }

  static const char* operand_name(Operand k) {
    switch (k) {
      case Operand::None: return "no operand";
      case Operand::Const: return "constant index";
      case Operand::Int: return "integer operand";
      case Operand::Count: return "count";
      case Operand::Local: return "slot";
      case Operand::Upval: return "upvalue index";
      case Operand::Global: return "global name";
      case Operand::Jump: return "jump target";
      case Operand::Proto: return "child index";
    }
    return "operand";
  }

  VM& vm_;
  std::string_view text_;
  Program& prog_;
  SourceError& err_;
  GbcSourceMap* map_;
  std::string_view line_;
  size_t pos_ = 0;
  int line_no_ = 0;
  Proto* unit_ = nullptr;
  GbcPos unit_pos_;
};

}  // namespace

bool load_gbc(VM& vm, std::string_view text, Program& out, SourceError& err, GbcSourceMap* map) {
  if (map) *map = {};
  return Loader(vm, text, out, err, map).run();
}

}  // namespace gene
