#include "interp/reader.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "interp/value.h"

namespace gene {

namespace {

bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '?' || c == '!';
}
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_delimiter(char c) {
  return is_space(c) || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' ||
         c == '"' || c == '#';
}

bool is_identifier(std::string_view s) {
  if (s.empty() || !is_ident_start(s[0])) return false;
  for (char c : s)
    if (!is_ident_char(c)) return false;
  return true;
}

bool is_operator_word(std::string_view s) {
  static const char* const kOps[] = {"+",  "-",  "*",  "/",  "%",  "<",  "<=", ">",  ">=", "==",
                                     "!=", "&&", "||", "=",  "+=", "-=", "*=", "/=", "!"};
  for (const char* op : kOps)
    if (s == op) return true;
  return false;
}

// Parses an optionally signed decimal integer; false if not all digits or out of the 48-bit range.
bool parse_int(std::string_view s, int64_t& out, bool& out_of_range) {
  out_of_range = false;
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  if (i == s.size()) return false;
  int64_t mag = 0;
  for (; i < s.size(); i++) {
    if (!is_digit(s[i])) return false;
    if (!out_of_range) {
      mag = mag * 10 + (s[i] - '0');
      if (mag > kIntMax + 1) out_of_range = true;
    }
  }
  int64_t v = neg ? -mag : mag;
  if (!int_fits(v)) out_of_range = true;
  out = v;
  return true;
}

class Reader {
 public:
  Reader(std::string_view src, SourceError& err) : src_(src), err_(err) {}

  bool program(NodeList& out) {
    // A first-line "#!" is a comment like any other "#".
    for (;;) {
      skip_space();
      if (at_end()) return true;
      char c = peek();
      if (c == ')' || c == ']' || c == '}') return fail(line_, col_, std::string("unexpected '") + c + "'");
      auto n = form(0);
      if (!n) return false;
      out.push_back(std::move(n));
    }
  }

 private:
  bool at_end() const { return pos_ >= src_.size(); }
  char peek() const { return src_[pos_]; }
  void advance() {
    if (src_[pos_] == '\n') {
      line_++;
      col_ = 1;
    } else {
      col_++;
    }
    pos_++;
  }

  bool fail(int line, int col, std::string msg) {
    err_ = {line, col, std::move(msg)};
    return false;
  }
  std::unique_ptr<Node> fail_node(int line, int col, std::string msg) {
    fail(line, col, std::move(msg));
    return nullptr;
  }

  void skip_space() {
    while (!at_end()) {
      char c = peek();
      if (is_space(c)) {
        advance();
      } else if (c == '#') {
        while (!at_end() && peek() != '\n') advance();
      } else {
        break;
      }
    }
  }

  std::unique_ptr<Node> make(NodeKind k, int line, int col) {
    auto n = std::make_unique<Node>();
    n->kind = k;
    n->line = line;
    n->col = col;
    return n;
  }

  std::unique_ptr<Node> form(int depth) {
    int line = line_, col = col_;
    char c = peek();
    if (c == '(' || c == '[' || c == '{') {
      if (depth >= kMaxNesting) return fail_node(line, col, "nesting too deep (more than 1000 levels)");
      return sequence(depth);
    }
    if (c == '"') return string_literal();
    // An atom: everything up to the next delimiter.
    size_t start = pos_;
    while (!at_end() && !is_delimiter(peek())) advance();
    return atom(src_.substr(start, pos_ - start), line, col);
  }

  std::unique_ptr<Node> sequence(int depth) {
    int line = line_, col = col_;
    char open = peek();
    char close = open == '(' ? ')' : open == '[' ? ']' : '}';
    NodeKind kind = open == '(' ? NodeKind::List : open == '[' ? NodeKind::Array : NodeKind::Map;
    auto n = make(kind, line, col);
    advance();
    for (;;) {
      skip_space();
      if (at_end()) return fail_node(line, col, std::string("unclosed '") + open + "'");
      char c = peek();
      if (c == close) {
        advance();
        break;
      }
      if (c == ')' || c == ']' || c == '}')
        return fail_node(line_, col_, std::string("mismatched '") + c + "', expected '" + close + "'");
      auto item = form(depth + 1);
      if (!item) return nullptr;
      n->items.push_back(std::move(item));
    }
    if (kind == NodeKind::Map) {
      if (n->items.size() % 2 != 0)
        return fail_node(line, col, "map literal needs a value for every key");
      for (size_t i = 0; i < n->items.size(); i += 2)
        if (n->items[i]->kind != NodeKind::Key)
          return fail_node(n->items[i]->line, n->items[i]->col, "map literal keys must be ^name");
    } else {
      for (auto& item : n->items)
        if (item->kind == NodeKind::Key)
          return fail_node(item->line, item->col, "^" + item->text + " outside a map literal");
    }
    return n;
  }

  std::unique_ptr<Node> string_literal() {
    int line = line_, col = col_;
    advance();  // opening quote
    std::string s;
    for (;;) {
      if (at_end()) return fail_node(line, col, "unterminated string");
      char c = peek();
      if (c == '"') {
        advance();
        break;
      }
      if (c == '\\') {
        int eline = line_, ecol = col_;
        advance();
        if (at_end()) return fail_node(line, col, "unterminated string");
        char e = peek();
        switch (e) {
          case 'n': s += '\n'; break;
          case 't': s += '\t'; break;
          case 'r': s += '\r'; break;
          case '\\': s += '\\'; break;
          case '"': s += '"'; break;
          default:
            return fail_node(eline, ecol, std::string("invalid escape '\\") + e + "' in string");
        }
        advance();
        continue;
      }
      s += c;
      advance();
    }
    auto n = make(NodeKind::String, line, col);
    n->text = std::move(s);
    return n;
  }

  std::unique_ptr<Node> atom(std::string_view t, int line, int col) {
    char c = t[0];
    if (is_digit(c) || ((c == '-' || c == '+') && t.size() > 1 && is_digit(t[1]))) return number(t, line, col);
    if (c == ':' || c == '^' || c == '.') {
      std::string_view name = t.substr(1);
      if (!is_identifier(name)) {
        const char* what = c == ':' ? "symbol" : c == '^' ? "map key" : "method name";
        return fail_node(line, col, std::string("invalid ") + what + " '" + std::string(t) + "'");
      }
      auto n = make(c == ':' ? NodeKind::Symbol : c == '^' ? NodeKind::Key : NodeKind::Method, line, col);
      n->text = std::string(name);
      return n;
    }
    if (is_operator_word(t) || is_identifier(t)) {
      auto n = make(NodeKind::Ident, line, col);
      n->text = std::string(t);
      return n;
    }
    if (t.find('/') != std::string_view::npos) return path(t, line, col);
    return fail_node(line, col, "invalid token '" + std::string(t) + "'");
  }

  std::unique_ptr<Node> number(std::string_view t, int line, int col) {
    int64_t i;
    bool out_of_range;
    if (parse_int(t, i, out_of_range)) {
      if (out_of_range)
        return fail_node(line, col, "integer literal " + std::string(t) + " out of range [-2^47, 2^47-1]");
      auto n = make(NodeKind::Int, line, col);
      n->i = i;
      return n;
    }
    for (char ch : t)
      if (!is_digit(ch) && ch != '.' && ch != 'e' && ch != 'E' && ch != '-' && ch != '+')
        return fail_node(line, col, "invalid number '" + std::string(t) + "'");
    std::string s(t);
    char* end = nullptr;
    errno = 0;
    double d = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size()) return fail_node(line, col, "invalid number '" + s + "'");
    auto n = make(NodeKind::Float, line, col);
    n->f = d;
    return n;
  }

  std::unique_ptr<Node> path(std::string_view t, int line, int col) {
    auto n = make(NodeKind::Path, line, col);
    size_t slash = t.find('/');
    std::string_view base = t.substr(0, slash);
    if (!is_identifier(base)) return fail_node(line, col, "invalid path '" + std::string(t) + "'");
    n->text = std::string(base);
    std::string_view rest = t.substr(slash + 1);
    for (;;) {
      size_t next = rest.find('/');
      std::string_view step = rest.substr(0, next);
      PathStep ps{false, 0, {}};
      int64_t idx;
      bool oor;
      if (parse_int(step, idx, oor)) {
        if (oor) return fail_node(line, col, "path index out of range in '" + std::string(t) + "'");
        ps.is_index = true;
        ps.index = idx;
      } else if (is_identifier(step)) {
        ps.name = std::string(step);
      } else {
        return fail_node(line, col, "invalid path '" + std::string(t) + "'");
      }
      n->steps.push_back(std::move(ps));
      if (next == std::string_view::npos) break;
      rest = rest.substr(next + 1);
    }
    return n;
  }

  std::string_view src_;
  SourceError& err_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
};

}  // namespace

bool read_program(std::string_view src, NodeList& out, SourceError& err) {
  return Reader(src, err).program(out);
}

}  // namespace gene
