// The bytecode compiler: source forms (SPEC §3) -> one Proto per function, with scopes, loops,
// handlers and the peephole fusions the opcode table describes.
// Over 800 lines on purpose: it is one recursive walk (class Compiler) whose per-form emitters
// share the scope, loop and handler state of the function being compiled; split by form, that
// state would have to be threaded through every file.
#include "interp/compiler.h"

#include <set>
#include <unordered_map>
#include <unordered_set>

#include "interp/vm.h"

namespace gene {

namespace {

const char* const kKeywords[] = {"var",   "fn",     "if",    "while", "loop", "for",
                                 "do",    "try",    "throw", "return", "break", "continue"};
const char* const kReservedOther[] = {"elif", "else", "catch", "in", "true", "false", "nil", "not", "!"};

bool is_keyword(const std::string& s) {
  for (const char* k : kKeywords)
    if (s == k) return true;
  return false;
}

bool is_assign_op(const Node& n) {
  return n.kind == NodeKind::Ident &&
         (n.text == "=" || n.text == "+=" || n.text == "-=" || n.text == "*=" || n.text == "/=");
}

// Binary operator words and the opcode each compiles to.
bool binary_op(const std::string& s, Op& op) {
  static const struct {
    const char* word;
    Op op;
  } kOps[] = {{"+", Op::ADD}, {"-", Op::SUB}, {"*", Op::MUL}, {"/", Op::DIV}, {"%", Op::MOD},
              {"<", Op::LT},  {"<=", Op::LE}, {">", Op::GT},  {">=", Op::GE}, {"==", Op::EQ},
              {"!=", Op::NE}};
  for (auto& o : kOps)
    if (s == o.word) {
      op = o.op;
      return true;
    }
  return false;
}

bool is_operator(const Node& n) {
  Op op;
  return n.kind == NodeKind::Ident &&
         (binary_op(n.text, op) || n.text == "&&" || n.text == "||" || n.text == "!");
}

struct Local {
  std::string name;
  int slot;
  bool cell;
  const Node* key;  // declaring node: identifies the variable across compile passes
};

struct Scope {
  std::vector<Local> locals;
  int first_slot;
  // name -> its latest declaration in this scope: lookups stay O(1) per scope however many
  // locals a function declares (a linear scan made compiling a unit quadratic in its locals).
  std::unordered_map<std::string, size_t> latest = {};
};

struct LoopCtx {
  int base_depth;  // operand depth when the loop started
  int continue_target;
  std::vector<int> break_jumps;
};

struct FnState {
  FnState* parent = nullptr;
  Proto* proto = nullptr;
  std::vector<Scope> scopes;
  std::vector<const Node*> upval_keys;  // per upvalue: the captured variable
  std::vector<LoopCtx> loops;
  int next_slot = 0;
  int depth = 0;
  bool top_level = false;
};

struct Resolved {
  enum Kind { LocalSlot, CellSlot, Upval, Global } kind;
  int index;
};

class Compiler {
 public:
  Compiler(VM& vm, Program& prog, SourceError& err, const std::set<const Node*>& captured)
      : vm_(vm), prog_(prog), err_(err), captured_(captured) {}

  bool need_recompile = false;
  std::set<const Node*> newly_captured;

  bool compile_top(const NodeList& forms) {
    for (auto& f : forms) collect_globals(*f, false);
    FnState fs;
    fs.top_level = true;
    fs.proto = new_proto("<top>");
    fs_ = &fs;
    int line = forms.empty() ? 1 : forms.back()->line;
    if (!body(forms, 0, line)) return false;
    emit(Op::RETURN, line);
    finish(fs);
    return true;
  }

 private:
  // ---------------------------------------------------------------- errors and emission
  bool fail(const Node& n, std::string msg) {
    if (err_.message.empty()) err_ = {n.line, n.col, std::move(msg)};
    return false;
  }

  Proto* new_proto(std::string name) {
    auto p = std::make_unique<Proto>();
    p->name = std::move(name);
    p->id = int(prog_.protos.size());
    prog_.protos.push_back(std::move(p));
    return prog_.protos.back().get();
  }

  void finish(FnState& fs) {
    Proto* p = fs.proto;
    if (p->nslots < fs.next_slot) p->nslots = fs.next_slot;
  }

  int here() const { return int(fs_->proto->code.size()); }

  // A position some jump lands on: the peephole must not fuse across it.
  int label() {
    barrier_ = here();
    return barrier_;
  }
  void patch(int at) { fs_->proto->code[at].x = label(); }

  // Peephole fusion of the instruction about to be emitted with the previous one, when no
  // jump lands between them: `int k; add` -> `add_int k`, `lt; jump_if_false` -> `jump_unless_lt`,
  // `not; jump_if_false` -> `jump_if_true`.
  bool fuse(Op& op, int32_t& x) {
    Proto* p = fs_->proto;
    if (p->code.empty() || barrier_ == here()) return false;
    const Instr prev = p->code.back();
    // `load_local s; add_int k; store_local s` -> `inc_local k s` (the i += 1 of every loop).
    if (op == Op::STORE_LOCAL && prev.op == Op::ADD_INT && p->code.size() >= 2 && barrier_ != here() - 1) {
      const Instr load = p->code[p->code.size() - 2];
      if (load.op == Op::LOAD_LOCAL && load.x == x && x <= 65535) {
        fs_->depth -= 1;  // load_local's push; add_int is neutral
        p->code.resize(p->code.size() - 2);
        p->lines.resize(p->lines.size() - 2);
        op = Op::INC_LOCAL;
        y_ = uint16_t(x);
        x = prev.x;
        return true;
      }
    }
    // The pairs come from the opcode table's base column (fused_immediate / fused_branch).
    Op fused = op;
    if (prev.op == Op::INT && (fused = fused_immediate(op)) != op) {
      // mod_int: keep the zero/sign divisor cases on the generic path.
      if (op_info(fused).check == OperandCheck::PositiveDivisor && prev.x <= 0) return false;
      x = prev.x;
    } else if (op == Op::JUMP_IF_FALSE && (fused = fused_branch(prev.op)) != prev.op) {
      // lt; jump_if_false -> jump_unless_lt, ...; not; jump_if_false -> jump_if_true.
    } else {
      return false;
    }
    // Undo the previous instruction's stack effect, then emit the fused one in its place.
    fs_->depth -= op_info(prev.op).pushes - stack_pops(prev);
    p->code.pop_back();
    p->lines.pop_back();
    op = fused;
    return true;
  }

  int emit(Op op, int line, int32_t x = 0, uint16_t y = 0) {
    y_ = y;
    fuse(op, x);
    y = y_;
    Proto* p = fs_->proto;
    Instr in{op, 0, y, x};
    p->code.push_back(in);
    p->lines.push_back(line);
    fs_->depth += op_info(op).pushes - stack_pops(in);
    if (fs_->depth > p->max_stack) p->max_stack = fs_->depth;
    return int(p->code.size()) - 1;
  }

  int add_const(Value v) {
    auto& c = fs_->proto->consts;
    for (size_t i = 0; i < c.size(); i++)
      if (c[i] == v) return int(i);
    c.push_back(v);
    return int(c.size()) - 1;
  }
  int symbol_const(const std::string& name) {
    return add_const(Value::object(vm_.heap.intern(name)));
  }

  // Keeps the slot high-water mark in the proto as scopes come and go.
  int alloc_slot() {
    int s = fs_->next_slot++;
    if (fs_->proto->nslots < fs_->next_slot) fs_->proto->nslots = fs_->next_slot;
    return s;
  }

  void push_scope() { fs_->scopes.push_back({{}, fs_->next_slot}); }
  void pop_scope() {
    fs_->next_slot = fs_->scopes.back().first_slot;
    fs_->scopes.pop_back();
  }

  // ---------------------------------------------------------------- names
  bool check_name(const Node& n, const char* what) {
    if (n.kind != NodeKind::Ident || is_operator(n) || is_assign_op(n))
      return fail(n, std::string("expected a name for ") + what);
    if (is_reserved_word(n.text)) return fail(n, "'" + n.text + "' is reserved and cannot name a variable");
    return true;
  }

  // Slot, count and upvalue operands are 16-bit in places (the verifier enforces it); the
  // compiler reports the limit at the source position instead.
  static constexpr int kMaxOperand = 65535;

  Local& declare(const std::string& name, const Node* key) {
    if (fs_->next_slot >= kMaxOperand && err_.message.empty())
      err_ = {key->line, key->col, "too many local variables in one function (at most 65535)"};
    Scope& sc = fs_->scopes.back();
    sc.locals.push_back({name, alloc_slot(), captured_.count(key) > 0, key});
    sc.latest[name] = sc.locals.size() - 1;
    return sc.locals.back();
  }

  Local* find_in_current_scope(const std::string& name) {
    Scope& sc = fs_->scopes.back();
    auto it = sc.latest.find(name);
    return it == sc.latest.end() ? nullptr : &sc.locals[it->second];
  }

  static Local* find_local(FnState& fs, const std::string& name) {
    for (auto s = fs.scopes.rbegin(); s != fs.scopes.rend(); ++s)
      if (auto it = s->latest.find(name); it != s->latest.end()) return &s->locals[it->second];
    return nullptr;
  }

  // Upvalue index of `name` in fs, or -1 when it is not a local of any enclosing function.
  int resolve_upval(FnState& fs, const std::string& name) {
    if (!fs.parent) return -1;
    FnState& parent = *fs.parent;
    const Node* key = nullptr;
    UpvalDesc desc{};
    if (Local* l = find_local(parent, name)) {
      key = l->key;
      if (!l->cell) {
        // Emitted code so far treats it as a plain slot: redo the compile with it boxed.
        newly_captured.insert(l->key);
        need_recompile = true;
      }
      desc = {true, uint16_t(l->slot)};
    } else {
      int up = resolve_upval(parent, name);
      if (up < 0) return -1;
      key = parent.upval_keys[up];
      desc = {false, uint16_t(up)};
    }
    for (size_t i = 0; i < fs.upval_keys.size(); i++)
      if (fs.upval_keys[i] == key) return int(i);
    fs.upval_keys.push_back(key);
    fs.proto->upvals.push_back(desc);
    return int(fs.upval_keys.size()) - 1;
  }

  Resolved resolve(const std::string& name) {
    if (Local* l = find_local(*fs_, name)) return {l->cell ? Resolved::CellSlot : Resolved::LocalSlot, l->slot};
    int up = resolve_upval(*fs_, name);
    if (up >= 0) return {Resolved::Upval, up};
    return {Resolved::Global, vm_.global_slot(name)};
  }

  void emit_load(const Resolved& r, int line) {
    static const Op kLoad[] = {Op::LOAD_LOCAL, Op::LOAD_CELL, Op::LOAD_UPVAL, Op::LOAD_GLOBAL};
    emit(kLoad[r.kind], line, r.index);
  }
  void emit_store(const Resolved& r, int line) {
    static const Op kStore[] = {Op::STORE_LOCAL, Op::STORE_CELL, Op::STORE_UPVAL, Op::STORE_GLOBAL};
    emit(kStore[r.kind], line, r.index);
  }
  void emit_store_local(const Local& l, bool fresh, int line) {
    emit(l.cell ? (fresh ? Op::MAKE_CELL : Op::STORE_CELL) : Op::STORE_LOCAL, line, l.slot);
  }

  // Names that a top-level var/fn anywhere in the file makes global (outside every block).
  void collect_globals(const Node& n, bool in_block) {
    if (n.kind == NodeKind::Array || n.kind == NodeKind::Map) {
      for (auto& c : n.items) collect_globals(*c, in_block);
      return;
    }
    if (n.kind != NodeKind::List || n.items.empty()) return;
    const Node& head = *n.items[0];
    size_t first_block = n.items.size();  // items from here on are inside a block scope
    if (head.kind == NodeKind::Ident) {
      const std::string& h = head.text;
      if ((h == "var" || h == "fn") && !in_block && n.items.size() > 1 &&
          n.items[1]->kind == NodeKind::Ident)
        top_declared_.insert(n.items[1]->text);
      if (h == "fn" || h == "do" || h == "loop" || h == "try") first_block = 1;
      else if (h == "while") first_block = 2;
      else if (h == "for") first_block = 4;
      else if (h == "if") {
        // Conditions are outside the branches' scopes.
        bool cond_next = true;
        for (size_t i = 1; i < n.items.size(); i++) {
          const Node& c = *n.items[i];
          if (c.is_ident("elif")) { cond_next = true; continue; }
          if (c.is_ident("else")) { cond_next = false; continue; }
          collect_globals(c, in_block || !cond_next);
          cond_next = false;
        }
        return;
      }
    }
    for (size_t i = 0; i < n.items.size(); i++) collect_globals(*n.items[i], in_block || i >= first_block);
  }

  // ---------------------------------------------------------------- bodies
  // Compiles items[from..] as a sequence whose value is the last form's (nil when empty).
  // keep=false: the value is not wanted (loop bodies), so the last form leaves nothing.
  bool body(const NodeList& items, size_t from, int line, bool keep = true) {
    if (from >= items.size()) {
      if (keep) emit(Op::NIL, line);
      return true;
    }
    for (size_t i = from; i < items.size(); i++) {
      bool last = i + 1 == items.size();
      if (!form(*items[i], last && keep)) return false;
    }
    return true;
  }

  bool scoped_body(const NodeList& items, size_t from, int line, bool keep = true) {
    push_scope();
    bool ok = body(items, from, line, keep);
    pop_scope();
    return ok;
  }

  // Compiles n; leaves its value on the stack iff keep.
  bool form(const Node& n, bool keep) {
    if (n.kind == NodeKind::List && !n.items.empty()) {
      const Node& head = *n.items[0];
      if (head.is_ident("var")) return var_form(n, keep);
      if (n.items.size() >= 2 && is_assign_op(*n.items[1]) && !is_keyword_head(head) && !is_operator(head))
        return assign_form(n, keep);
    }
    if (!expr(n)) return false;
    if (!keep) emit(Op::POP, n.line);
    return true;
  }

  static bool is_keyword_head(const Node& h) {
    return h.kind == NodeKind::Ident && (is_keyword(h.text) || h.text == "not");
  }

  // ---------------------------------------------------------------- expressions
  bool expr(const Node& n) {
    switch (n.kind) {
      case NodeKind::Int:
        if (n.i >= INT32_MIN && n.i <= INT32_MAX)
          emit(Op::INT, n.line, int32_t(n.i));
        else
          emit(Op::CONST, n.line, add_const(Value::integer(n.i)));
        return true;
      case NodeKind::Float: emit(Op::CONST, n.line, add_const(Value::number(n.f))); return true;
      case NodeKind::String: {
        String* s = vm_.heap.new_string(n.text);
        if (!s) return fail(n, "out of memory");
        emit(Op::CONST, n.line, add_const(Value::object(s)));
        return true;
      }
      case NodeKind::Symbol: emit(Op::CONST, n.line, symbol_const(n.text)); return true;
      case NodeKind::Ident: return ident(n);
      case NodeKind::Path: {
        emit_load(resolve_checked(n), n.line);
        if (!err_.message.empty()) return false;
        for (auto& step : n.steps) emit(Op::GET_PATH, n.line, step_const(step));
        return true;
      }
      case NodeKind::Method: return fail(n, "method ." + n.text + " needs a receiver: (x ." + n.text + " ...)");
      case NodeKind::Key: return fail(n, "^" + n.text + " outside a map literal");
      case NodeKind::Array:
        if (!check_count(n, n.items.size(), "elements in an array literal")) return false;
        for (auto& c : n.items)
          if (!expr(*c)) return false;
        emit(Op::MAKE_ARRAY, n.line, int32_t(n.items.size()));
        return true;
      case NodeKind::Map:
        if (!check_count(n, n.items.size(), "entries in a map literal")) return false;
        for (size_t i = 0; i < n.items.size(); i += 2) {
          emit(Op::CONST, n.items[i]->line, symbol_const(n.items[i]->text));
          if (!expr(*n.items[i + 1])) return false;
        }
        emit(Op::MAKE_MAP, n.line, int32_t(n.items.size() / 2));
        return true;
      case NodeKind::List: return list(n);
    }
    return fail(n, "unexpected form");
  }

  int step_const(const PathStep& s) {
    return s.is_index ? add_const(Value::integer(s.index)) : symbol_const(s.name);
  }

  Resolved resolve_checked(const Node& n) {
    if (is_reserved_word(n.text)) fail(n, "'" + n.text + "' is reserved and cannot name a variable");
    return resolve(n.text);
  }

  bool ident(const Node& n) {
    if (n.text == "nil") return emit(Op::NIL, n.line), true;
    if (n.text == "true") return emit(Op::TRUE, n.line), true;
    if (n.text == "false") return emit(Op::FALSE, n.line), true;
    if (is_operator(n) || is_assign_op(n)) return fail(n, "operator '" + n.text + "' used as a value");
    if (is_reserved_word(n.text)) return fail(n, "unexpected '" + n.text + "'");
    emit_load(resolve(n.text), n.line);
    return true;
  }

  bool list(const Node& n) {
    if (n.items.empty()) return fail(n, "empty form ()");
    const Node& head = *n.items[0];
    if (head.kind == NodeKind::Ident) {
      const std::string& h = head.text;
      if (h == "var") return var_form(n, true);
      if (h == "fn") return fn_form(n, true);
      if (h == "if") return if_form(n);
      if (h == "while") return while_form(n);
      if (h == "loop") return loop_form(n);
      if (h == "for") return for_form(n);
      if (h == "do") return scoped_body(n.items, 1, n.line);
      if (h == "try") return try_form(n);
      if (h == "throw") return throw_form(n);
      if (h == "return") return return_form(n);
      if (h == "break" || h == "continue") return break_form(n, h == "break");
      if (h == "not" || h == "!") return unary_not(n);
      if (is_operator(head)) return prefix(n);
      // true/false/nil are values and may head an infix, method or call form.
      if (is_reserved_word(h) && h != "true" && h != "false" && h != "nil")
        return fail(head, "unexpected '" + h + "'");
    }
    if (n.items.size() >= 2) {
      const Node& second = *n.items[1];
      if (is_assign_op(second)) return assign_form(n, true);
      if (second.kind == NodeKind::Method) return method_call(n);
      if (is_operator(second) && !second.is_ident("!")) return infix(n);
    }
    return call(n);
  }

  bool check_count(const Node& n, size_t count, const char* what) {
    if (count > size_t(kMaxOperand)) return fail(n, std::string("too many ") + what + " (at most 65535)");
    return true;
  }

  bool call(const Node& n) {
    if (!check_count(n, n.items.size() - 1, "arguments")) return false;
    for (auto& c : n.items)
      if (!expr(*c)) return false;
    emit(Op::CALL, n.line, int32_t(n.items.size() - 1));
    return true;
  }

  bool method_call(const Node& n) {
    if (!check_count(n, n.items.size() - 2, "arguments")) return false;
    if (!expr(*n.items[0])) return false;
    for (size_t i = 2; i < n.items.size(); i++)
      if (!expr(*n.items[i])) return false;
    emit(Op::CALL_METHOD, n.line, symbol_const(n.items[1]->text), uint16_t(n.items.size() - 2));
    return true;
  }

  bool unary_not(const Node& n) {
    if (n.items.size() != 2) return fail(n, "'" + n.items[0]->text + "' takes exactly one operand");
    if (!expr(*n.items[1])) return false;
    emit(Op::NOT, n.line);
    return true;
  }

  bool binary(const Node& n, const std::string& op, const Node& a, const Node& b) {
    if (op == "&&" || op == "||") {
      if (!expr(a)) return false;
      int j = emit(op == "&&" ? Op::AND_JUMP : Op::OR_JUMP, n.line);
      if (!expr(b)) return false;
      patch(j);
      return true;
    }
    Op code = Op::ADD;  // set by binary_op: callers only pass binary operator words
    binary_op(op, code);
    if (!expr(a) || !expr(b)) return false;
    emit(code, n.line);
    return true;
  }

  bool infix(const Node& n) {
    const std::string& op = n.items[1]->text;
    if (n.items.size() > 3) return fail(*n.items[1], "chained infix '" + op + "': use parentheses or prefix form");
    if (n.items.size() < 3) return fail(*n.items[1], "infix '" + op + "' needs two operands");
    return binary(n, op, *n.items[0], *n.items[2]);
  }

  bool prefix(const Node& n) {
    const std::string& op = n.items[0]->text;
    size_t argc = n.items.size() - 1;
    if (op == "+" || op == "-" || op == "*") {
      if (argc == 0) return fail(n, "operator '" + op + "' needs at least one operand");
      if (!expr(*n.items[1])) return false;
      if (argc == 1) {
        emit(op == "-" ? Op::NEG : Op::POS, n.line);
        return true;
      }
      Op code = Op::ADD;  // + - * are binary operator words
      binary_op(op, code);
      for (size_t i = 2; i < n.items.size(); i++) {
        if (!expr(*n.items[i])) return false;
        emit(code, n.line);
      }
      return true;
    }
    if (argc != 2) return fail(n, "operator '" + op + "' takes exactly two operands");
    return binary(n, op, *n.items[1], *n.items[2]);
  }

  // ---------------------------------------------------------------- declarations
  bool var_form(const Node& n, bool keep) {
    if (n.items.size() < 2 || n.items.size() > 3) return fail(n, "var takes a name and an optional value");
    const Node& name = *n.items[1];
    if (!check_name(name, "var")) return false;
    // The value is evaluated before the variable exists.
    if (n.items.size() == 3) {
      if (!expr(*n.items[2])) return false;
    } else {
      emit(Op::NIL, n.line);
    }
    if (keep) emit(Op::DUP, n.line);
    if (fs_->scopes.empty()) {
      emit(Op::DEFINE_GLOBAL, n.line, vm_.global_slot(name.text));
      return true;
    }
    if (Local* l = find_in_current_scope(name.text)) {
      emit_store_local(*l, false, n.line);
      return true;
    }
    Local& l = declare(name.text, &name);
    emit_store_local(l, true, n.line);
    return true;
  }

  bool fn_form(const Node& n, bool keep) {
    size_t i = 1;
    const Node* name = nullptr;
    if (i < n.items.size() && n.items[i]->kind == NodeKind::Ident) {
      name = n.items[i].get();
      if (!check_name(*name, "fn")) return false;
      i++;
    }
    if (i >= n.items.size()) return fail(n, "fn needs a parameter list");
    std::vector<const Node*> params;
    const Node& plist = *n.items[i];
    if (plist.kind == NodeKind::Array) {
      for (auto& p : plist.items) params.push_back(p.get());
    } else if (plist.kind == NodeKind::Ident && name) {
      params.push_back(&plist);
    } else {
      return fail(plist, "fn needs a parameter list [a b ...]");
    }
    for (size_t a = 0; a < params.size(); a++) {
      if (!check_name(*params[a], "a parameter")) return false;
      for (size_t b = 0; b < a; b++)
        if (params[b]->text == params[a]->text)
          return fail(*params[a], "duplicate parameter name '" + params[a]->text + "'");
    }

    // A local named function is bound before its body so it can call itself.
    bool global = name && fs_->scopes.empty();
    Local* self = nullptr;
    if (name && !global) {
      self = find_in_current_scope(name->text);
      if (!self) {
        self = &declare(name->text, name);
        if (self->cell) emit(Op::NIL, n.line), emit(Op::MAKE_CELL, n.line, self->slot);
      }
    }
    int self_slot = self ? self->slot : -1;
    bool self_cell = self && self->cell;

    FnState fs;
    fs.parent = fs_;
    fs.proto = new_proto(name ? name->text : "");
    fs.proto->nparams = int(params.size());
    Proto* proto = fs.proto;
    FnState* saved = fs_;
    int saved_barrier = barrier_;
    fs_ = &fs;
    push_scope();
    for (const Node* p : params) {
      Local& l = declare(p->text, p);
      if (l.cell) {
        emit(Op::LOAD_LOCAL, p->line, l.slot);
        emit(Op::MAKE_CELL, p->line, l.slot);
      }
    }
    bool ok = body(n.items, i + 1, n.line);
    if (ok) emit(Op::RETURN, n.line);
    pop_scope();
    finish(fs);
    fs_ = saved;
    barrier_ = saved_barrier;
    if (!ok) return false;

    int child = int(fs_->proto->children.size());
    fs_->proto->children.push_back(proto->id);
    emit(Op::CLOSURE, n.line, child);
    if (!name) {
      if (!keep) emit(Op::POP, n.line);
      return true;
    }
    if (keep) emit(Op::DUP, n.line);
    if (global)
      emit(Op::DEFINE_GLOBAL, n.line, vm_.global_slot(name->text));
    else
      emit(self_cell ? Op::STORE_CELL : Op::STORE_LOCAL, n.line, self_slot);
    return true;
  }

  // ---------------------------------------------------------------- assignment
  bool assign_form(const Node& n, bool keep) {
    const Node& target = *n.items[0];
    const std::string& op = n.items[1]->text;
    if (n.items.size() != 3) return fail(*n.items[1], "assignment '" + op + "' takes a target and one value");
    Op arith = Op::ADD;
    bool compound = op != "=";
    if (compound) binary_op(op.substr(0, 1), arith);
    const Node& value = *n.items[2];

    if (target.kind == NodeKind::Path) {
      Resolved base = resolve_checked(target);
      if (!err_.message.empty()) return false;
      emit_load(base, target.line);
      for (size_t s = 0; s + 1 < target.steps.size(); s++)
        emit(Op::GET_PATH, target.line, step_const(target.steps[s]));
      int key = step_const(target.steps.back());
      if (compound) {
        emit(Op::DUP, n.line);
        emit(Op::GET_PATH, target.line, key);
      }
      if (!expr(value)) return false;
      if (compound) emit(arith, n.line);
      emit(Op::SET_PATH, n.line, key);
      if (!keep) emit(Op::POP, n.line);
      return true;
    }
    if (target.kind != NodeKind::Ident || is_operator(target)) return fail(target, "cannot assign to this");
    if (is_reserved_word(target.text)) return fail(target, "'" + target.text + "' is reserved and cannot be assigned");
    Resolved r = resolve(target.text);
    if (r.kind == Resolved::Global && !top_declared_.count(target.text) && !is_builtin_name(target.text))
      return fail(target, "assignment to undeclared variable '" + target.text + "'");
    if (compound) emit_load(r, target.line);
    if (!expr(value)) return false;
    if (compound) emit(arith, n.line);
    if (keep) emit(Op::DUP, n.line);
    emit_store(r, n.line);
    return true;
  }

  bool is_builtin_name(const std::string& name) const {
    int g = vm_.find_global(name);
    return g >= 0 && g < builtin_count_;
  }

  // ---------------------------------------------------------------- control flow
  bool if_form(const Node& n) {
    struct Clause {
      const Node* cond;
      size_t from, to;
    };
    std::vector<Clause> clauses;
    const NodeList& it = n.items;
    size_t i = 1;
    if (i >= it.size()) return fail(n, "if needs a condition");
    bool has_else = false;
    size_t else_from = 0, else_to = 0;
    const Node* cond = it[i++].get();
    for (;;) {
      size_t from = i;
      while (i < it.size() && !it[i]->is_ident("elif") && !it[i]->is_ident("else")) i++;
      clauses.push_back({cond, from, i});
      if (i >= it.size()) break;
      if (it[i]->is_ident("elif")) {
        if (i + 1 >= it.size()) return fail(*it[i], "elif needs a condition");
        cond = it[i + 1].get();
        i += 2;
        continue;
      }
      // else
      has_else = true;
      else_from = ++i;
      while (i < it.size() && !it[i]->is_ident("elif") && !it[i]->is_ident("else")) i++;
      if (i < it.size()) return fail(*it[i], "'" + it[i]->text + "' after else");
      else_to = i;
      break;
    }
    std::vector<int> ends;
    int depth = fs_->depth;
    for (auto& c : clauses) {
      if (!expr(*c.cond)) return false;
      int skip = emit(Op::JUMP_IF_FALSE, c.cond->line);
      if (!branch(it, c.from, c.to, n.line)) return false;
      ends.push_back(emit(Op::JUMP, n.line));
      patch(skip);
      fs_->depth = depth;
    }
    if (has_else) {
      if (!branch(it, else_from, else_to, n.line)) return false;
    } else {
      emit(Op::NIL, n.line);
    }
    for (int e : ends) patch(e);
    return true;
  }

  bool branch(const NodeList& items, size_t from, size_t to, int line) {
    push_scope();
    bool ok = true;
    if (from >= to) {
      emit(Op::NIL, line);
    } else {
      for (size_t i = from; i < to && ok; i++) ok = form(*items[i], i + 1 == to);
    }
    pop_scope();
    return ok;
  }

  // Loop skeleton shared by while/loop/for: the caller emits the header, then the body runs in
  // a fresh scope each iteration, then LOOP back; breaks land after the exit value.
  void begin_loop(int continue_target) { fs_->loops.push_back({fs_->depth, continue_target, {}}); }
  void end_loop() {
    LoopCtx ctx = std::move(fs_->loops.back());
    fs_->loops.pop_back();
    for (int b : ctx.break_jumps) patch(b);
    fs_->depth = ctx.base_depth + 1;
  }

  bool while_form(const Node& n) {
    if (n.items.size() < 2) return fail(n, "while needs a condition");
    int top = label();
    begin_loop(top);
    if (!expr(*n.items[1])) return false;
    int exit = emit(Op::JUMP_IF_FALSE, n.items[1]->line);
    if (!scoped_body(n.items, 2, n.line, false)) return false;
    emit(Op::LOOP, n.line, top);
    patch(exit);
    emit(Op::NIL, n.line);
    end_loop();
    return true;
  }

  bool loop_form(const Node& n) {
    int top = label();
    begin_loop(top);
    if (!scoped_body(n.items, 1, n.line, false)) return false;
    emit(Op::LOOP, n.line, top);
    end_loop();
    return true;
  }

  bool for_form(const Node& n) {
    if (n.items.size() < 4 || !n.items[2]->is_ident("in"))
      return fail(n, "for needs the form (for x in sequence body...)");
    const Node& var = *n.items[1];
    if (!check_name(var, "for")) return false;
    const Node& seq = *n.items[3];
    // (range a b) iterates without building the array, as long as `range` is the builtin
    // (RANGE_PREP checks that at run time and otherwise calls whatever `range` is).
    bool is_range = seq.kind == NodeKind::List && seq.items.size() == 3 && seq.items[0]->is_ident("range") &&
                    resolve_peek_global("range");
    // The sequence is compiled in the enclosing scope (a `var` in it belongs there), before
    // the hidden iteration slots exist.
    if (is_range) {
      if (!expr(*seq.items[0]) || !expr(*seq.items[1]) || !expr(*seq.items[2])) return false;
    } else {
      if (!expr(seq)) return false;
    }
    push_scope();  // hidden iteration slots
    int s = alloc_slot();
    alloc_slot();
    if (s + 1 > kMaxOperand) return fail(n, "too many local variables in one function");
    emit(is_range ? Op::RANGE_PREP : Op::FOR_PREP, is_range ? seq.line : n.line, s);
    int top = label();
    begin_loop(top);
    int next = emit(Op::FOR_NEXT, n.line, 0, uint16_t(s));
    push_scope();
    Local& l = declare(var.text, &var);
    emit_store_local(l, true, var.line);
    bool ok = body(n.items, 4, n.line, false);
    pop_scope();
    if (!ok) return false;
    emit(Op::LOOP, n.line, top);
    patch(next);
    fs_->depth = fs_->loops.back().base_depth;
    emit(Op::NIL, n.line);
    end_loop();
    pop_scope();
    return true;
  }

  bool resolve_peek_global(const std::string& name) {
    if (find_local(*fs_, name)) return false;
    for (FnState* f = fs_->parent; f; f = f->parent)
      if (find_local(*f, name)) return false;
    return true;
  }

  bool break_form(const Node& n, bool is_break) {
    const char* what = is_break ? "break" : "continue";
    if (fs_->loops.empty()) return fail(n, std::string(what) + " outside a loop");
    // By index: compiling the break value may push (and reallocate) inner loop contexts.
    size_t loop = fs_->loops.size() - 1;
    int base_depth = fs_->loops[loop].base_depth;
    int saved = fs_->depth;
    if (is_break) {
      if (n.items.size() > 2) return fail(n, "break takes at most one value");
      if (n.items.size() == 2) {
        if (!expr(*n.items[1])) return false;
      } else {
        emit(Op::NIL, n.line);
      }
      int extra = fs_->depth - 1 - base_depth;
      if (extra > 0) emit(Op::UNWIND, n.line, extra);
      fs_->loops[loop].break_jumps.push_back(emit(Op::JUMP, n.line));
      fs_->depth = saved + 1;  // the form's notional value (code after is unreachable)
      return true;
    }
    if (n.items.size() != 1) return fail(n, "continue takes no value");
    int extra = fs_->depth - base_depth;
    int target = fs_->loops[loop].continue_target;
    if (extra > 0) emit(Op::POPN, n.line, extra);
    emit(target <= here() ? Op::LOOP : Op::JUMP, n.line, target);
    fs_->depth = saved + 1;
    return true;
  }

  bool return_form(const Node& n) {
    if (fs_->top_level) return fail(n, "return outside a function");
    if (n.items.size() > 2) return fail(n, "return takes at most one value");
    if (n.items.size() == 2) {
      if (!expr(*n.items[1])) return false;
    } else {
      emit(Op::NIL, n.line);
    }
    emit(Op::RETURN, n.line);
    fs_->depth++;  // notional value of the form; what follows is unreachable
    return true;
  }

  bool throw_form(const Node& n) {
    if (n.items.size() != 2) return fail(n, "throw takes exactly one value");
    if (!expr(*n.items[1])) return false;
    emit(Op::THROW, n.line);
    fs_->depth++;
    return true;
  }

  bool try_form(const Node& n) {
    size_t catch_at = 0;
    int catches = 0;
    for (size_t i = 1; i < n.items.size(); i++)
      if (n.items[i]->is_ident("catch")) {
        catches++;
        if (!catch_at) catch_at = i;
      }
    if (catches != 1) return fail(n, "try needs exactly one 'catch NAME'");
    if (catch_at + 1 >= n.items.size()) return fail(*n.items[catch_at], "catch needs a name");
    const Node& var = *n.items[catch_at + 1];
    if (!check_name(var, "catch")) return false;

    int depth = fs_->depth;
    int start = label();
    push_scope();
    bool ok = true;
    if (catch_at == 1) {
      emit(Op::NIL, n.line);
    } else {
      for (size_t i = 1; i < catch_at && ok; i++) ok = form(*n.items[i], i + 1 == catch_at);
    }
    pop_scope();
    if (!ok) return false;
    int end = here();
    int skip = emit(Op::JUMP, n.line);
    int handler = label();
    fs_->depth = depth + 1;  // the error value
    push_scope();
    Local& l = declare(var.text, &var);
    emit_store_local(l, true, var.line);
    ok = body(n.items, catch_at + 2, n.line);
    pop_scope();
    if (!ok) return false;
    patch(skip);
    if (end > start) fs_->proto->handlers.push_back({start, end, handler, depth});
    return true;
  }

  VM& vm_;
  Program& prog_;
  SourceError& err_;
  const std::set<const Node*>& captured_;
  std::unordered_set<std::string> top_declared_;
  FnState* fs_ = nullptr;
  int barrier_ = -1;
  uint16_t y_ = 0;  // fuse() may rewrite the second operand too

 public:
  int builtin_count_ = 0;
};

}  // namespace

bool is_reserved_word(const std::string& s) {
  if (is_keyword(s)) return true;
  for (const char* k : kReservedOther)
    if (s == k) return true;
  return false;
}

bool compile_program(VM& vm, const NodeList& forms, Program& out, SourceError& err) {
  vm.program = &out;
  int builtins = int(vm.globals.size());
  std::set<const Node*> captured;
  // A variable's representation (plain slot or cell) depends on whether any closure captures it,
  // which may only be discovered after its uses were compiled: recompile until stable.
  for (;;) {
    out.protos.clear();
    err = {};
    Compiler c(vm, out, err, captured);
    c.builtin_count_ = builtins;
    bool ok = c.compile_top(forms);
    if (!ok || !err.message.empty()) return false;
    if (!c.need_recompile) return true;
    captured.insert(c.newly_captured.begin(), c.newly_captured.end());
  }
}

}  // namespace gene
