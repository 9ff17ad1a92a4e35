#include "harness/sexpr.h"

namespace gene::harness {

namespace {

char closer(char open) { return open == '(' ? ')' : open == '[' ? ']' : '}'; }

std::string flat(const Node& n) {
  if (!n.is_list()) return n.atom;
  std::string s(1, n.open);
  for (size_t i = 0; i < n.items.size(); ++i) s += (i ? " " : "") + flat(n.items[i]);
  return s + closer(n.open);
}

// How many leading items stay on the first line when a form is broken: the keyword and its
// header (`fn name [params]`, `if cond`, `for x in seq`, ...).
size_t header_items(const Node& n) {
  if (n.open != '(' || n.items.empty() || n.items[0].is_list()) return 1;
  const std::string& h = n.items[0].atom;
  if (h == "fn") {
    for (size_t i = 1; i < n.items.size(); ++i)
      if (n.items[i].open == '[') return i + 1;
    return std::min<size_t>(3, n.items.size());
  }
  if (h == "if" || h == "while" || h == "var") return 2;
  if (h == "for") return 4;
  return 1;
}

void pretty(const Node& n, int indent, std::string& out) {
  std::string one = flat(n);
  if (!n.is_list() || one.size() + size_t(indent) <= 80 || n.items.size() < 2) {
    out += one;
    return;
  }
  size_t head = std::min(header_items(n), n.items.size());
  out += n.open;
  for (size_t i = 0; i < head; ++i) out += (i ? " " : "") + flat(n.items[i]);
  std::string pad(size_t(indent + 2), ' ');
  for (size_t i = head; i < n.items.size(); ++i) {
    out += "\n" + pad;
    pretty(n.items[i], indent + 2, out);
  }
  out += closer(n.open);
}

}  // namespace

std::string print_node(const Node& n) {
  std::string out;
  pretty(n, 0, out);
  return out;
}

std::string print_program(const std::vector<Node>& forms) {
  std::string out;
  for (const auto& f : forms) out += print_node(f) + "\n";
  return out;
}

size_t node_count(const Node& n) {
  size_t c = 1;
  for (const auto& i : n.items) c += node_count(i);
  return c;
}

size_t node_count(const std::vector<Node>& forms) {
  size_t c = 0;
  for (const auto& f : forms) c += node_count(f);
  return c;
}

}  // namespace gene::harness
