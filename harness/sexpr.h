// Gene programs as trees of atoms and bracketed lists, for the fuzzer: it generates trees,
// the shrinker edits them, and both print them the same way.
#pragma once
#include <string>
#include <vector>

namespace gene::harness {

struct Node {
  std::string atom;         // the atom's source text, when items is unused
  char open = 0;            // '(' '[' '{' for lists, 0 for atoms
  std::vector<Node> items;  // list elements

  bool is_list() const { return open != 0; }
  bool operator==(const Node&) const = default;

  static Node Atom(std::string text) { return Node{std::move(text), 0, {}}; }
  static Node List(std::vector<Node> items) { return Node{"", '(', std::move(items)}; }
  static Node Vec(std::vector<Node> items) { return Node{"", '[', std::move(items)}; }
  static Node Map(std::vector<Node> items) { return Node{"", '{', std::move(items)}; }
};

// Source text: short forms on one line, long ones broken with the body indented, one top-level
// form per line. Line numbers matter (error lines are compared), so layout is deterministic.
std::string print_node(const Node& n);
std::string print_program(const std::vector<Node>& forms);

// Number of nodes (atoms and lists): the size the shrinker minimises.
size_t node_count(const Node& n);
size_t node_count(const std::vector<Node>& forms);

}  // namespace gene::harness
