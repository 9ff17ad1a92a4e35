// Shrinking a failing program to a small one that still fails the same way: greedy passes that
// delete forms and list elements, hoist a child in place of its parent and replace subtrees by
// trivial atoms, repeated until nothing more is accepted or the budget runs out.
#pragma once
#include <functional>
#include <vector>

#include "harness/sexpr.h"

namespace gene::harness {

// True when a candidate still shows the failure being shrunk.
using StillFails = std::function<bool(const std::vector<Node>&)>;

struct ShrinkResult {
  std::vector<Node> forms;
  int attempts = 0;  // candidates tried
  int accepted = 0;  // candidates kept
};

// `max_attempts` bounds the predicate calls (each runs the program on every tier).
ShrinkResult shrink(std::vector<Node> forms, const StillFails& still_fails, int max_attempts);

}  // namespace gene::harness
