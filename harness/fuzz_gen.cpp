#include "harness/fuzz_gen.h"

#include <functional>
#include <optional>

namespace gene::harness {

uint64_t Rng::next() {
  // SplitMix64: tiny, fast, and the same sequence everywhere.
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int Rng::below(int n) { return n <= 1 ? 0 : int(next() % uint64_t(n)); }
int Rng::range(int lo, int hi) { return lo + below(hi - lo + 1); }
bool Rng::chance(int percent) { return below(100) < percent; }

namespace {

Node atom(std::string s) { return Node::Atom(std::move(s)); }
Node list(std::vector<Node> v) { return Node::List(std::move(v)); }
Node infix(Node a, const char* op, Node b) { return list({std::move(a), atom(op), std::move(b)}); }

enum class Ty { Int, Float, Str, Bool, Arr, Map, Fn, Any };

struct Var {
  std::string name;
  Ty ty;
  bool assignable = true;  // loop counters and function bindings are never reassigned
  int arity = 0;           // for Fn
};

struct Fun {
  std::string name;
  std::vector<Ty> params;
  Ty ret;
};

class Generator {
 public:
  Generator(uint64_t seed, const GenOptions& o) : rng_(seed), opts_(o) {}

  std::vector<Node> program() {
    scopes_.push_back({});
    std::vector<Node> forms;
    for (int i = rng_.range(2, 4); i > 0; --i) forms.push_back(declare(pick_value_type(), 1));
    for (int i = rng_.range(0, opts_.max_functions); i > 0; --i) forms.push_back(function());
    if (rng_.chance(40)) {
      auto f = recursive_function();
      forms.insert(forms.end(), f.begin(), f.end());
    }
    if (rng_.chance(40)) {
      auto f = closure_factory();
      forms.insert(forms.end(), f.begin(), f.end());
    }
    if (rng_.chance(40)) {
      auto f = inline_chain();
      forms.insert(forms.end(), f.begin(), f.end());
    }
    for (int i = 0; i < opts_.top_statements; ++i) {
      // Catching at the top level lets a program go on after a runtime error, so later forms
      // still get exercised; the caught error (kind and message) is printed and compared. The
      // try body is a block scope, so what it declares is not visible afterwards.
      if (rng_.chance(60)) {
        Node s = in_scope([&] { return statement(0); });
        forms.push_back(list({atom("try"), s, atom("catch"), atom("err"), list({atom("println"), str_lit("caught"), atom("err")})}));
      } else {
        forms.push_back(statement(0));
      }
    }
    forms.push_back(expr(pick_value_type(), 2));  // the program's result
    return forms;
  }

 private:
  Rng rng_;
  GenOptions opts_;
  std::vector<std::vector<Var>> scopes_;
  std::vector<Fun> funs_;
  std::string hidden_;  // a variable whose new value is being generated (assignment)
  int next_id_ = 0;
  int loop_depth_ = 0;   // break/continue allowed when > 0
  bool in_function_ = false;
  int arrays_walked_ = 0;  // > 0 inside `for x in <array>`: no push (aliases included)
  int try_depth_ = 0;      // > 0 inside a try body: a bare throw is caught

  std::string fresh(const char* prefix) { return prefix + std::to_string(next_id_++); }

  Ty pick_value_type() {
    static const std::vector<Ty> t = {Ty::Int, Ty::Int, Ty::Int, Ty::Float, Ty::Str, Ty::Arr, Ty::Map, Ty::Bool};
    return rng_.pick(t);
  }

  // --- variables ----------------------------------------------------------------------------
  std::vector<const Var*> visible(std::function<bool(const Var&)> ok) const {
    std::vector<const Var*> out;
    for (const auto& s : scopes_)
      for (const auto& v : s)
        if (ok(v) && v.name != hidden_) out.push_back(&v);
    return out;
  }
  const Var* find_var(Ty ty) {
    auto vs = visible([&](const Var& v) { return v.ty == ty; });
    return vs.empty() ? nullptr : vs[size_t(rng_.below(int(vs.size())))];
  }
  Var* find_mutable(std::function<bool(const Var&)> ok) {
    std::vector<Var*> out;
    for (auto& s : scopes_)
      for (auto& v : s)
        if (v.assignable && ok(v)) out.push_back(&v);
    return out.empty() ? nullptr : out[size_t(rng_.below(int(out.size())))];
  }

  bool is_top_level(const Var* v) const {
    for (const Var& g : scopes_.front())
      if (&g == v) return true;
    return false;
  }

  Node declare(Ty ty, int depth) {
    std::string name = fresh("v");
    Node init = expr(ty, depth);  // evaluated before the name exists
    scopes_.back().push_back({name, ty});
    return list({atom("var"), atom(name), std::move(init)});
  }

  // --- literals -----------------------------------------------------------------------------
  Node int_lit() {
    // The 48-bit bounds and their neighbours are where overflow checks go wrong.
    static const std::vector<std::string> edges = {
        "140737488355327", "-140737488355328", "140737488355326", "-140737488355327", "70368744177664",
        "-70368744177664", "4294967296",       "2147483647",      "-2147483648",      "1000000007"};
    if (rng_.chance(6)) return atom(rng_.pick(edges));
    return atom(std::to_string(rng_.range(-20, 100)));
  }
  Node float_lit() {
    static const std::vector<std::string> f = {"0.5", "1.5",    "-2.25", "3.14159", "0.1",    "1e300", "-0.0",
                                               "2.5e-3", "1e16", "100.0", "7.0",     "1.0e-7", "123456.789"};
    return atom(rng_.pick(f));
  }
  Node str_lit(const std::string& s) { return atom("\"" + s + "\""); }
  Node str_lit() {
    static const std::vector<std::string> s = {"", "a", "gene", "hello world", "x\\ty", "line\\n", "q\\\"uote", "back\\\\slash", "42"};
    return str_lit(rng_.pick(s));
  }
  Node sym() {
    static const std::vector<std::string> k = {"a", "b", "c", "key", "n"};
    return atom(":" + rng_.pick(k));
  }

  // --- expressions --------------------------------------------------------------------------
  Node expr(Ty ty, int depth) {
    switch (ty) {
      case Ty::Int: return int_expr(depth);
      case Ty::Float: return float_expr(depth);
      case Ty::Str: return str_expr(depth);
      case Ty::Bool: return bool_expr(depth);
      case Ty::Arr: return arr_expr(depth);
      case Ty::Map: return map_expr(depth);
      case Ty::Fn: return anon_fn();
      case Ty::Any: break;
    }
    if (rng_.chance(8)) return atom("nil");
    return expr(pick_value_type(), depth);
  }

  Node leaf_or(Ty ty, Node lit) {
    if (const Var* v = find_var(ty); v && rng_.chance(60)) return atom(v->name);
    return lit;
  }

  Node int_expr(int depth) {
    if (depth <= 0) return leaf_or(Ty::Int, int_lit());
    int d = depth - 1;
    switch (rng_.below(12)) {
      case 0: case 1: case 2: {
        static const std::vector<const char*> ops = {"+", "-", "*", "+", "-"};
        return infix(int_expr(d), rng_.pick(ops), int_expr(d));
      }
      case 3: return list({atom(rng_.chance(50) ? "+" : "*"), int_expr(d), int_expr(d), int_expr(d)});
      case 4: return infix(int_expr(d), "%", rng_.chance(90) ? atom(std::to_string(rng_.range(1, 9))) : int_expr(d));
      case 5: {
        static const std::vector<const char*> unary = {"-", "abs", "-", "abs", "+"};  // (+ x) is x
        return list({atom(rng_.pick(unary)), int_expr(d)});
      }
      case 6: return list({atom("int"), rng_.chance(25) ? float_expr(d) : atom(std::to_string(rng_.range(-50, 50)) + ".75")});
      case 7: {
        if (const Var* a = find_var(Ty::Arr)) return list({atom(a->name), atom(".size")});
        if (const Var* s = find_var(Ty::Str)) return list({atom(s->name), atom(".size")});
        return int_lit();
      }
      case 8: if (auto call = call_returning(Ty::Int, d)) return *call; return int_lit();
      case 9: return list({atom("if"), bool_expr(d), int_expr(d), atom("else"), int_expr(d)});
      case 10: if (const Var* a = find_var(Ty::Arr)) return atom(a->name + "/" + std::to_string(rng_.range(0, 2))); return int_lit();
      default: return leaf_or(Ty::Int, int_lit());
    }
  }

  Node float_expr(int depth) {
    if (depth <= 0) return leaf_or(Ty::Float, float_lit());
    int d = depth - 1;
    switch (rng_.below(8)) {
      case 0: case 1: {
        static const std::vector<const char*> ops = {"+", "-", "*", "/"};
        return infix(float_expr(d), rng_.pick(ops), rng_.chance(50) ? int_expr(d) : float_expr(d));
      }
      case 2: return infix(int_expr(d), "/", int_expr(d));
      case 3: return list({atom("sqrt"), rng_.chance(50) ? int_expr(d) : float_expr(d)});
      case 4: return list({atom("float"), int_expr(d)});
      case 5: return list({atom("floor"), float_expr(d)});
      case 6: return infix(float_expr(d), "%", float_expr(d));
      default: return leaf_or(Ty::Float, float_lit());
    }
  }

  Node str_expr(int depth) {
    if (depth <= 0) return leaf_or(Ty::Str, str_lit());
    int d = depth - 1;
    switch (rng_.below(6)) {
      case 0: return list({atom("str"), expr(Ty::Any, d), expr(Ty::Any, d)});
      case 1: return infix(str_expr(d), "+", str_lit());
      case 2: {
        // Mostly in bounds (bounds errors are covered, but should not end most programs).
        if (const Var* v = find_var(Ty::Str); v && rng_.chance(70))
          return list({atom(v->name), atom(".substr"), atom("0"), list({atom(v->name), atom(".size")})});
        return list({str_expr(d), atom(".substr"), atom(std::to_string(rng_.range(0, 1))), atom(std::to_string(rng_.range(1, 3)))});
      }
      case 3: return list({str_lit("gene"), atom(".get"), rng_.chance(80) ? atom(std::to_string(rng_.range(0, 3))) : int_expr(d)});
      default: return leaf_or(Ty::Str, str_lit());
    }
  }

  Node bool_expr(int depth) {
    if (depth <= 0) return leaf_or(Ty::Bool, atom(rng_.chance(50) ? "true" : "false"));
    int d = depth - 1;
    static const std::vector<const char*> cmp = {"<", "<=", ">", ">=", "==", "!="};
    switch (rng_.below(8)) {
      case 0: case 1: return infix(int_expr(d), rng_.pick(cmp), rng_.chance(70) ? int_expr(d) : float_expr(d));
      case 2: return infix(str_expr(d), rng_.pick(cmp), str_expr(d));
      case 3: return infix(expr(Ty::Any, d), rng_.chance(50) ? "==" : "!=", expr(Ty::Any, d));
      case 4: return list({atom(rng_.chance(50) ? "!" : "not"), bool_expr(d)});
      case 5: return infix(bool_expr(d), rng_.chance(50) ? "&&" : "||", expr(Ty::Any, d));
      case 6: if (const Var* m = find_var(Ty::Map)) return list({atom(m->name), atom(".has"), sym()}); [[fallthrough]];
      default: return leaf_or(Ty::Bool, atom(rng_.chance(50) ? "true" : "false"));
    }
  }

  Node arr_expr(int depth) {
    if (const Var* v = find_var(Ty::Arr); v && rng_.chance(30)) return atom(v->name);
    if (rng_.chance(25)) return list({atom("range"), atom(std::to_string(rng_.range(-1, 2))), atom(std::to_string(rng_.range(0, 6)))});
    Node a = Node::Vec({});
    for (int i = rng_.range(0, 4); i > 0; --i) a.items.push_back(rng_.chance(70) ? int_expr(depth - 1) : expr(Ty::Any, depth - 1));
    return a;
  }

  Node map_expr(int depth) {
    if (const Var* v = find_var(Ty::Map); v && rng_.chance(30)) return atom(v->name);
    static const std::vector<std::string> k = {"a", "b", "c", "key", "n"};
    Node m = Node::Map({});
    for (int i = rng_.range(0, 3); i > 0; --i) {
      m.items.push_back(atom("^" + rng_.pick(k)));
      m.items.push_back(expr(Ty::Any, depth - 1));
    }
    return m;
  }

  // (fn [a] ...) capturing whatever is in scope, by reference.
  Node anon_fn() {
    Var param{fresh("p"), Ty::Int};
    Node body = with_function_scope({param}, [&] { return int_expr(2); });
    return list({atom("fn"), Node::Vec({atom(param.name)}), std::move(body)});
  }

  // Calls are made only outside function bodies: a function calling other functions inside
  // their loops multiplies running times (8^3 per level) and can make a program run for minutes.
  std::optional<Node> call_returning(Ty ty, int depth) {
    if (in_function_) return std::nullopt;
    std::vector<const Fun*> fs;
    for (const auto& f : funs_)
      if (f.ret == ty) fs.push_back(&f);
    if (fs.empty()) {
      // Closures held in variables take one int (see anon_fn).
      auto closures = visible([](const Var& v) { return v.ty == Ty::Fn && v.arity == 1 && v.name[0] == 'g'; });
      if (!closures.empty() && ty == Ty::Int) {
        std::string name = closures[size_t(rng_.below(int(closures.size())))]->name;
        return list({atom(name), int_expr(depth)});
      }
      return std::nullopt;
    }
    const Fun& f = *fs[size_t(rng_.below(int(fs.size())))];
    Node call = list({atom(f.name)});
    for (Ty p : f.params) call.items.push_back(expr(p, depth));
    return call;
  }

  // --- statements ---------------------------------------------------------------------------
  template <class F>
  auto in_scope(F body) -> decltype(body()) {
    scopes_.push_back({});
    auto r = body();
    scopes_.pop_back();
    return r;
  }
  template <class F>
  Node with_function_scope(std::vector<Var> params, F body) {
    int saved_loops = loop_depth_, saved_try = try_depth_;
    bool saved_fn = in_function_;
    loop_depth_ = 0;  // break/continue cannot cross a function boundary
    try_depth_ = 0;   // nor can a try: the function may be called from anywhere
    in_function_ = true;
    scopes_.push_back(std::move(params));
    Node n = body();
    scopes_.pop_back();
    loop_depth_ = saved_loops;
    try_depth_ = saved_try;
    in_function_ = saved_fn;
    return n;
  }

  std::vector<Node> block(int depth, int min = 1, int max = 3) {
    std::vector<Node> out;
    for (int i = rng_.range(min, max); i > 0; --i) out.push_back(statement(depth));
    return out;
  }

  Node statement(int depth) {
    bool nest = depth < opts_.max_block_depth;
    for (;;) {
      switch (rng_.below(23)) {
        case 0: if (rng_.chance(25)) return declare_closure(); [[fallthrough]];
        case 1: return declare(pick_value_type(), 2);
        case 2: case 3: if (auto s = assignment()) return *s; break;
        case 4: case 5: return list({atom(rng_.chance(80) ? "println" : "print"), expr(Ty::Any, 2), expr(Ty::Any, 1)});
        case 6: if (nest) return if_stmt(depth); break;
        case 7: if (nest) return for_range(depth); break;
        case 8: if (nest) return for_array(depth); break;
        case 9: if (nest) return counted_loop(depth); break;
        case 10:
          if (nest && loop_depth_ == 0 && !in_function_ && rng_.chance(50)) return unstable_call_site();
          if (nest) return type_change_loop(depth);
          break;
        case 11: if (nest) return try_stmt(depth); break;
        case 12: if (auto s = collection_op()) return *s; break;
        case 13: if (loop_depth_ > 0) return list({atom("if"), bool_expr(1), list({atom(rng_.chance(50) ? "break" : "continue")})}); break;
        case 14:
          if (in_function_ && rng_.chance(30))
            return list({atom("if"), bool_expr(1), rng_.chance(80) ? list({atom("return"), expr(Ty::Any, 1)}) : list({atom("return")})});
          break;
        case 15: if (auto c = call_returning(rng_.chance(50) ? Ty::Int : Ty::Str, 1)) return list({atom("println"), *c}); break;
        case 16: if (nest) return in_scope([&] { Node d = list({atom("do")}); for (auto& s : block(depth + 1)) d.items.push_back(s); return d; }); break;
        case 17: return list({atom("println"), list({atom("str"), expr(Ty::Any, 2)})});
        case 18: if (try_depth_ > 0) return list({atom("throw"), expr(Ty::Any, 1)}); break;
        case 19: if (loop_depth_ > 0) return exit_from_argument(); break;
        case 20: if (nest) return captured_local(); break;
        case 21: return checked_assert();
        default: return list({atom("println"), expr(pick_value_type(), 3)});
      }
    }
  }

  // A break or continue while values are on the operand stack (an argument list being built):
  // the compiler drops them first (UNWIND under a break's value, POPN before a continue).
  Node exit_from_argument() {
    Node leave = rng_.chance(50) ? list({atom("break"), int_expr(1)}) : list({atom("continue")});
    return list({atom("println"), str_lit("arg"), list({atom("if"), bool_expr(1), leave, atom("else"), int_expr(1)})});
  }

  // A block-local variable declared without a value, then captured by reference by a closure
  // that changes it: the local lives in a cell (MAKE_CELL, LOAD_CELL, STORE_CELL).
  Node captured_local() {
    std::string c = fresh("c"), h = fresh("h");
    Node bump = list({atom("fn"), Node::Vec({}), list({atom(c), atom("+="), int_expr(1)}), atom(c)});
    Node calls = list({atom("println"), str_lit("cell"), list({atom(h)}), list({atom(h)}), atom(c)});
    return list({atom("do"), list({atom("var"), atom(c)}), list({atom(c), atom("="), int_lit()}),
                 list({atom("var"), atom(h), bump}), calls});
  }

  // assert with and without a message; a failure is caught and its kind printed.
  Node checked_assert() {
    Node a = rng_.chance(50) ? list({atom("assert"), bool_expr(1)}) : list({atom("assert"), bool_expr(1), str_lit()});
    return list({atom("try"), a, atom("catch"), atom("e"), list({atom("println"), str_lit("assert"), atom("e/kind")})});
  }

  Node declare_closure() {
    std::string name = fresh("g");
    Node fn = anon_fn();
    scopes_.back().push_back({name, Ty::Fn, false, 1});
    return list({atom("var"), atom(name), std::move(fn)});
  }

  std::optional<Node> assignment() {
    Var* v = find_mutable([](const Var& v) { return v.ty != Ty::Fn; });
    if (!v) return std::nullopt;
    std::string name = v->name;
    Ty ty = v->ty;
    if ((ty == Ty::Int || ty == Ty::Float) && rng_.chance(50)) {
      static const std::vector<const char*> ops = {"+=", "-=", "*=", "/="};
      const char* op = rng_.pick(ops);
      if (std::string(op) == "/=") v->ty = Ty::Float;
      return list({atom(name), atom(op), ty == Ty::Int ? int_expr(1) : float_expr(1)});
    }
    if (ty == Ty::Str && rng_.chance(50)) return list({atom(name), atom("+="), str_lit()});  // short pieces only
    // A string, collection or untyped value is not read by its own new value: `(s = (str s s))`
    // in a loop doubles s each time, and such a program outruns every timeout, the
    // interpreter's included (seed 92102613 before this rule). Numbers keep `(x = (x * 3))`.
    bool type_change = rng_.chance(10);
    if (type_change) v->ty = Ty::Any;  // a type change outside any pattern
    if (type_change || (ty != Ty::Int && ty != Ty::Float)) hidden_ = name;
    Node value = type_change ? expr(pick_value_type(), 1) : expr(ty, 2);
    hidden_.clear();
    return list({atom(name), atom("="), value});
  }

  std::optional<Node> collection_op() {
    // Names are copied first: generating an expression may grow the scope stack.
    if (rng_.chance(50)) {
      Var* a = find_mutable([](const Var& v) { return v.ty == Ty::Arr; });
      if (!a) return std::nullopt;
      std::string name = a->name;
      switch (rng_.below(4)) {
        // A function never pushes to a top-level array: it may be called while that array is
        // walked (seed 900554 looped forever that way).
        case 0: if (arrays_walked_ == 0 && !(in_function_ && is_top_level(a))) return list({atom(name), atom(".push"), expr(Ty::Any, 1)}); [[fallthrough]];
        case 1: return list({atom("println"), list({atom(name), atom(".pop")})});
        case 2: return list({atom(name), atom(".set"), atom(std::to_string(rng_.range(0, 3))), int_expr(1)});
        default: return list({atom(name + "/" + std::to_string(rng_.range(0, 2))), atom(rng_.chance(50) ? "=" : "+="), int_expr(1)});
      }
    }
    Var* m = find_mutable([](const Var& v) { return v.ty == Ty::Map; });
    if (!m) return std::nullopt;
    std::string name = m->name;
    static const std::vector<std::string> k = {"a", "b", "c", "key", "n"};
    switch (rng_.below(5)) {
      case 0: return list({atom(name), atom(".set"), rng_.chance(70) ? sym() : (rng_.chance(50) ? str_lit() : int_lit()), expr(Ty::Any, 1)});
      case 1: return list({atom(name), atom(".del"), sym()});
      case 2: return list({atom("println"), list({atom(name), atom(".keys")}), list({atom(name), atom(".get"), sym()})});
      case 3: return list({atom(name + "/" + rng_.pick(k)), atom("="), expr(Ty::Any, 1)});
      default: return list({atom("println"), atom(name + "/" + rng_.pick(k))});
    }
  }

  Node if_stmt(int depth) {
    Node n = list({atom("if"), bool_expr(2)});
    for (auto& s : in_scope([&] { return block(depth + 1); })) n.items.push_back(s);
    if (rng_.chance(40)) {
      n.items.push_back(atom("elif"));
      n.items.push_back(bool_expr(2));
      for (auto& s : in_scope([&] { return block(depth + 1); })) n.items.push_back(s);
    }
    if (rng_.chance(60)) {
      n.items.push_back(atom("else"));
      for (auto& s : in_scope([&] { return block(depth + 1); })) n.items.push_back(s);
    }
    return n;
  }

  Node loop_body(Node head, int depth, std::vector<Var> bound, std::vector<Node> prefix = {}) {
    ++loop_depth_;
    scopes_.push_back(std::move(bound));
    for (auto& p : prefix) head.items.push_back(std::move(p));
    for (auto& s : block(depth + 1)) head.items.push_back(std::move(s));
    scopes_.pop_back();
    --loop_depth_;
    return head;
  }

  Node for_range(int depth) {
    std::string i = fresh("i");
    Node seq = list({atom("range"), atom(std::to_string(rng_.range(-2, 2))), atom(std::to_string(rng_.range(0, 8)))});
    return loop_body(list({atom("for"), atom(i), atom("in"), seq}), depth, {{i, Ty::Int}});
  }

  Node for_array(int depth) {
    std::string x = fresh("x");
    Var* arr = find_mutable([](const Var& v) { return v.ty == Ty::Arr; });
    // `for` walks the live array: a push to it (or to an alias of it) in the body could loop
    // forever, so no array is pushed to while one is walked. That includes an array expression,
    // which may be just a variable (seed 778323 looped forever on `(for x in v0 (v0 .push 0))`).
    std::string name = arr ? arr->name : "";
    Node seq = !arr || rng_.chance(40) ? arr_expr(1) : atom(name);
    ++arrays_walked_;
    Node n = loop_body(list({atom("for"), atom(x), atom("in"), seq}), depth, {{x, Ty::Any}});
    --arrays_walked_;
    return n;
  }

  // A counter declared outside, bumped first thing in the body (so `continue` cannot skip it),
  // bounds a while or loop.
  Node counted_loop(int depth) {
    std::string c = fresh("c");
    int limit = rng_.range(0, 8);
    Node decl = list({atom("var"), atom(c), atom("0")});
    Node bump = list({atom(c), atom("+="), atom("1")});
    Node loop;
    if (rng_.chance(60)) {
      loop = loop_body(list({atom("while"), infix(atom(c), "<", atom(std::to_string(limit)))}), depth, {}, {bump});
    } else {
      Node stop = list({atom("if"), infix(atom(c), ">", atom(std::to_string(limit))), list({atom("break"), atom(c)})});
      loop = loop_body(list({atom("loop")}), depth, {}, {bump, stop});
    }
    return list({atom("do"), decl, list({atom("println"), str_lit("loop"), loop, atom(c)})});
  }

  // A variable that is an int for a while, then becomes a float or a string in mid-loop: the
  // pattern that makes type-specialised code deoptimise.
  Node type_change_loop(int depth) {
    std::string t = fresh("t"), i = fresh("i");
    int n = rng_.range(4, 12), k = rng_.range(1, n - 1);
    Node switched = rng_.chance(50) ? float_lit() : (rng_.chance(50) ? str_lit() : atom("nil"));
    Node body_op = rng_.chance(70) ? list({atom(t), atom("="), infix(atom(t), "+", atom(i))})
                                   : list({atom(t), atom("="), list({atom("str"), atom(t), atom(i)})});
    Node loop = list({atom("for"), atom(i), atom("in"), list({atom("range"), atom("0"), atom(std::to_string(n))}),
                      list({atom("if"), infix(atom(i), "==", atom(std::to_string(k))), list({atom(t), atom("="), switched})}),
                      body_op});
    Node body = list({atom("do"), list({atom("var"), atom(t), int_lit()}), loop, list({atom("println"), atom(t)})});
    return rng_.chance(60) ? list({atom("try"), body, atom("catch"), atom("e"), list({atom("println"), str_lit("caught"), atom("e")})}) : body;
  }

  // A call site that sees one kind for a warm-up (long enough for the default thresholds now and
  // then) and then something else: a float, an int that overflows, nil reaching arithmetic, a
  // string. The speculating tiers compile the closure on the ints and must deoptimize.
  // Call-heavy code for the inline tier: a chain of small global helpers (h0 a leaf, h1 and h2
  // calling the one below, h3 catching what they raise), warmed up on ints so h3 inlines three
  // levels, then reached with an odd value (a guard fails three inlined levels deep and the
  // error is caught two levels above) and, sometimes, the leaf redefined after warm-up.
  std::vector<Node> inline_chain() {
    std::string h0 = fresh("h"), h1 = fresh("h"), h2 = fresh("h"), h3 = fresh("h"), acc = fresh("acc"), i = fresh("i");
    static const std::vector<const char*> ops = {"+", "-", "*", "%"};
    auto leaf = [&](const char* op) {
      return list({atom("fn"), atom(h0), Node::Vec({atom("x")}), infix(atom("x"), op, atom(std::to_string(rng_.range(1, 9))))});
    };
    std::vector<Node> f;
    f.push_back(leaf(rng_.pick(ops)));
    f.push_back(list({atom("fn"), atom(h1), Node::Vec({atom("x"), atom("y")}),
                      infix(list({atom(h0), atom("x")}), rng_.pick(ops), atom("y"))}));
    f.push_back(list({atom("fn"), atom(h2), Node::Vec({atom("x")}), infix(list({atom(h1), atom("x"), atom("3")}), "+", atom("1"))}));
    f.push_back(list({atom("fn"), atom(h3), Node::Vec({atom("x")}),
                      list({atom("try"), list({atom(h2), atom("x")}), atom("catch"), atom("e"), atom("e/kind")})}));
    int warm = rng_.chance(50) ? rng_.range(100, 160) : rng_.range(2, 40);
    f.push_back(list({atom("var"), atom(acc), atom("0")}));
    f.push_back(list({atom("for"), atom(i), atom("in"), list({atom("range"), atom("0"), atom(std::to_string(warm))}),
                      list({atom(acc), atom("="), list({atom(h3), atom(i)})})}));
    static const std::vector<const char*> odd = {"nil", "2.5", "\"s\"", "140737488355327", "0", "-3"};
    f.push_back(list({atom("println"), atom(acc), list({atom(h3), atom(rng_.pick(odd))}), list({atom(h3), atom(rng_.pick(odd))})}));
    if (rng_.chance(50)) f.push_back(leaf(rng_.pick(ops)));  // redefined after warm-up
    f.push_back(list({atom("for"), atom(i), atom("in"), list({atom("range"), atom("0"), atom(std::to_string(rng_.range(2, 60)))}),
                      list({atom(acc), atom("="), list({atom(h3), atom(i)})})}));
    f.push_back(list({atom("println"), atom(acc), list({atom(h3), atom(rng_.pick(odd))})}));
    return f;
  }

  Node unstable_call_site() {
    std::string u = fresh("u"), s = fresh("s"), i = fresh("i");
    static const std::vector<const char*> ops = {"+", "-", "*", "<", "%"};
    const char* op = rng_.pick(ops);
    int warm = rng_.chance(30) ? rng_.range(100, 140) : rng_.range(3, 40);
    Node fn = list({atom("fn"), Node::Vec({atom("a"), atom("b")}), infix(atom("a"), op, atom("b"))});
    Node step = std::string(op) == "<" ? list({atom("if"), list({atom(u), atom(i), atom("7")}), list({atom(s), atom("+="), atom("1")})})
                                       : list({atom(s), atom("="), list({atom(u), atom(i), atom(std::to_string(rng_.range(1, 9)))})});
    Node loop = list({atom("for"), atom(i), atom("in"), list({atom("range"), atom("0"), atom(std::to_string(warm))}), step});
    std::vector<std::pair<std::string, std::string>> odd = {
        {"2.5", "1"}, {"140737488355327", "1"}, {"-140737488355328", "140737488355327"}, {"nil", "1"},
        {"\"ab\"", "3"}, {"7", "0"}, {"3", "0.5"}};
    Node d = list({atom("do"), list({atom("var"), atom(u), fn}), list({atom("var"), atom(s), atom("0")}), loop});
    for (int k = rng_.range(1, 2); k > 0; --k) {
      auto [x, y] = rng_.pick(odd);
      d.items.push_back(list({atom("println"), atom(s), list({atom("try"), list({atom(u), atom(x), atom(y)}), atom("catch"), atom("e"),
                                                            atom("e/kind")})}));
    }
    d.items.push_back(list({atom("println"), list({atom(u), atom(std::to_string(rng_.range(0, 20))), atom("3")})}));
    return d;
  }

  Node try_stmt(int depth) {
    Node n = list({atom("try")});
    ++try_depth_;
    for (auto& s : in_scope([&] {
           auto b = block(depth + 1);
           if (rng_.chance(50)) b.push_back(list({atom("if"), bool_expr(1), list({atom("throw"), expr(Ty::Any, 1)})}));
           return b;
         }))
      n.items.push_back(s);
    --try_depth_;
    std::string e = fresh("e");
    n.items.push_back(atom("catch"));
    n.items.push_back(atom(e));
    scopes_.push_back({{e, Ty::Any}});
    n.items.push_back(list({atom("println"), str_lit("caught"), atom(e)}));
    for (auto& s : block(depth + 1, 0, 1)) n.items.push_back(s);
    scopes_.pop_back();
    return n;
  }

  // --- functions ----------------------------------------------------------------------------
  Node function() {
    Fun f{fresh("f"), {}, rng_.chance(70) ? Ty::Int : Ty::Str};
    std::vector<Var> params;
    for (int i = rng_.range(0, 3); i > 0; --i) {
      Ty t = rng_.chance(70) ? Ty::Int : pick_value_type();
      f.params.push_back(t);
      params.push_back({fresh("p"), t});
    }
    Node head = list({atom("fn"), atom(f.name), Node::Vec({})});
    for (auto& p : params) head.items[2].items.push_back(atom(p.name));
    if (params.size() == 1 && rng_.chance(30)) head.items[2] = atom(params[0].name);  // (fn f p body...)
    Node def = with_function_scope(params, [&] {
      for (auto& s : block(1, 1, 3)) head.items.push_back(s);
      head.items.push_back(expr(f.ret, 2));
      return head;
    });
    funs_.push_back(f);  // only callable after its definition: no accidental unbounded recursion
    scopes_[0].push_back({f.name, Ty::Fn, false, int(f.params.size())});
    return def;
  }

  // (fn r [n acc] (if (n <= 0) acc else (r (n - 1) ...))): terminates because n decreases.
  std::vector<Node> recursive_function() {
    std::string name = fresh("r"), n = fresh("n"), acc = fresh("acc");
    bool twice = rng_.chance(30);  // fib-like: keep n small
    Node rec = list({atom(name), infix(atom(n), "-", atom("1")), infix(atom(acc), rng_.chance(50) ? "+" : "*", atom(n))});
    Node step = twice ? infix(rec, "+", list({atom(name), infix(atom(n), "-", atom("2")), atom(acc)})) : rec;
    Node def = list({atom("fn"), atom(name), Node::Vec({atom(n), atom(acc)}),
                     list({atom("if"), infix(atom(n), "<=", atom("0")), atom(acc), atom("else"), step})});
    // A linear recursion may be called from anywhere with any int: its depth limit bounds the
    // time. The doubly recursive one is exponential, so it is only called below with a small n.
    if (!twice) funs_.push_back({name, {Ty::Int, Ty::Int}, Ty::Int});
    scopes_[0].push_back({name, Ty::Fn, false, 2});
    // Depth: small, a few thousand (deep native/JIT stacks) or beyond the limit (stack_overflow).
    int depth_arg = twice ? rng_.range(0, 12) : rng_.chance(80) ? rng_.range(0, 50) : rng_.chance(70) ? 3000 : 20000;
    Node call = list({atom("println"), list({atom(name), atom(std::to_string(depth_arg)), atom("1")})});
    return {def, list({atom("try"), call, atom("catch"), atom("err"), list({atom("println"), str_lit("caught"), atom("err")})})};
  }

  // A counter closure: two instances must not share state; each shares its own `n` by reference.
  std::vector<Node> closure_factory() {
    std::string mk = fresh("mk"), n = fresh("n"), c1 = fresh("k"), c2 = fresh("k");
    Node def = list({atom("fn"), atom(mk), Node::Vec({atom("step")}), list({atom("var"), atom(n), atom("0")}),
                     list({atom("fn"), Node::Vec({}), list({atom(n), atom("+="), atom("step")}), atom(n)})});
    scopes_[0].push_back({mk, Ty::Fn, false, 1});
    std::vector<Node> out = {def, list({atom("var"), atom(c1), list({atom(mk), atom(std::to_string(rng_.range(-5, 9)))})}),
                             list({atom("var"), atom(c2), list({atom(mk), atom("2")})}),
                             list({atom("println"), list({atom(c1)}), list({atom(c1)}), list({atom(c2)})})};
    scopes_[0].push_back({c1, Ty::Any, false});
    scopes_[0].push_back({c2, Ty::Any, false});
    return out;
  }
};

}  // namespace

std::vector<Node> generate_program(uint64_t seed, const GenOptions& opts) { return Generator(seed, opts).program(); }

std::string generate_program_text(uint64_t seed, const GenOptions& opts) {
  return "# gene-harness fuzz program, seed " + std::to_string(seed) + "\n" + print_program(generate_program(seed, opts));
}

}  // namespace gene::harness
