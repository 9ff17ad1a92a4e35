// The reader's output: a tree of nodes, each with its source position.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gene {

enum class NodeKind : uint8_t {
  Int,     // integer literal (value in `i`)
  Float,   // float literal (value in `f`)
  String,  // string literal, escapes resolved (text)
  Symbol,  // :name (text = name)
  Ident,   // identifier or operator word (text)
  Path,    // a/0/key: text = base name, steps = the steps
  Method,  // .name (text = name)
  Key,     // ^name inside a map literal (text = name)
  List,    // ( ... )
  Array,   // [ ... ]
  Map,     // { ^k v ... }
};

struct PathStep {
  bool is_index;  // int step (array index) or name step (symbol key)
  int64_t index;
  std::string name;
};

struct Node {
  NodeKind kind;
  int line = 0;
  int col = 0;
  int64_t i = 0;
  double f = 0;
  std::string text;
  std::vector<PathStep> steps;
  std::vector<std::unique_ptr<Node>> items;

  bool is_ident(const char* s) const { return kind == NodeKind::Ident && text == s; }
};

using NodeList = std::vector<std::unique_ptr<Node>>;

}  // namespace gene
