#include "harness/shrink.h"

namespace gene::harness {

namespace {

using Path = std::vector<size_t>;  // [form index, item index, item index, ...]

Node& at(std::vector<Node>& forms, const Path& p) {
  Node* n = &forms[p[0]];
  for (size_t i = 1; i < p.size(); ++i) n = &n->items[p[i]];
  return *n;
}

void collect(const Node& n, Path& p, std::vector<Path>& out) {
  out.push_back(p);
  for (size_t i = 0; i < n.items.size(); ++i) {
    p.push_back(i);
    collect(n.items[i], p, out);
    p.pop_back();
  }
}

// Every node, parents before children: shrinking big subtrees first saves attempts.
std::vector<Path> all_paths(const std::vector<Node>& forms) {
  std::vector<Path> out;
  for (size_t f = 0; f < forms.size(); ++f) {
    Path p = {f};
    collect(forms[f], p, out);
  }
  return out;
}

class Shrinker {
 public:
  Shrinker(std::vector<Node> forms, const StillFails& pred, int budget) : forms_(std::move(forms)), pred_(pred), budget_(budget) {}

  ShrinkResult run() {
    bool progress = true;
    while (progress && attempts_ < budget_) {
      progress = remove_top_level_chunks() | remove_list_items() | simplify_nodes();
    }
    return {forms_, attempts_, accepted_};
  }

 private:
  std::vector<Node> forms_;
  const StillFails& pred_;
  int budget_, attempts_ = 0, accepted_ = 0;

  bool try_candidate(std::vector<Node> candidate) {
    // Only strictly shorter programs are tried, so shrinking always terminates.
    if (attempts_ >= budget_ || print_program(candidate).size() >= print_program(forms_).size()) return false;
    ++attempts_;
    if (!pred_(candidate)) return false;
    forms_ = std::move(candidate);
    ++accepted_;
    return true;
  }

  // Delete runs of top-level forms, halving the run length (as delta debugging does).
  bool remove_top_level_chunks() {
    bool any = false;
    for (size_t chunk = std::max<size_t>(1, forms_.size() / 2); chunk >= 1; chunk /= 2) {
      for (size_t start = 0; start + chunk <= forms_.size() && forms_.size() > 1;) {
        std::vector<Node> c = forms_;
        c.erase(c.begin() + long(start), c.begin() + long(start + chunk));
        if (!c.empty() && try_candidate(std::move(c))) any = true;
        else start += chunk;
      }
      if (chunk == 1) break;
    }
    return any;
  }

  // Delete single elements of lists (never the head, which decides what the form is).
  bool remove_list_items() {
    bool any = false;
    auto paths = all_paths(forms_);
    for (size_t k = paths.size(); k-- > 0;) {
      const Path& p = paths[k];
      if (p.size() < 2 || p.back() == 0) continue;
      std::vector<Node> c = forms_;
      Path parent(p.begin(), p.end() - 1);
      Node& par = at(c, parent);
      if (p.back() >= par.items.size()) continue;
      par.items.erase(par.items.begin() + long(p.back()));
      if (try_candidate(std::move(c))) {
        any = true;
        paths = all_paths(forms_);
        k = std::min(k, paths.size());
      }
    }
    return any;
  }

  // Replace a list by one of its children, or any node by a trivial atom.
  bool simplify_nodes() {
    bool any = false;
    auto paths = all_paths(forms_);
    for (size_t k = 0; k < paths.size(); ++k) {
      const Path p = paths[k];
      Node original = at(forms_, p);
      std::vector<Node> replacements;
      if (original.is_list())
        for (const auto& child : original.items)
          if (child.is_list() || original.open != '(') replacements.push_back(child);
      for (const char* a : {"0", "1", "nil", "\"\""})
        if (original.atom != a) replacements.push_back(Node::Atom(a));
      for (auto& r : replacements) {
        std::vector<Node> c = forms_;
        at(c, p) = r;
        if (try_candidate(std::move(c))) {
          any = true;
          paths = all_paths(forms_);
          break;
        }
      }
    }
    return any;
  }
};

}  // namespace

ShrinkResult shrink(std::vector<Node> forms, const StillFails& still_fails, int max_attempts) {
  return Shrinker(std::move(forms), still_fails, max_attempts).run();
}

}  // namespace gene::harness
