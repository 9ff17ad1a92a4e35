// Hand-built spec IR graphs for the pass and allocator tests: one block (more on request),
// nodes appended in order.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <utility>

#include "jit/spec/ir.h"

namespace gene::jit::spec {

struct OneBlock {
  Graph g;
  int32_t add(IrOp op, Rep rep, int32_t a = -1, int32_t b = -1, int64_t imm = 0) {
    Node n;
    n.op = op;
    n.rep = rep;
    n.a = a;
    n.b = b;
    n.imm = imm;
    n.block = 0;
    int32_t id = g.add(n);
    g.blocks[0].nodes.push_back(id);
    return id;
  }
  OneBlock() {
    g.blocks.resize(1);
    g.order = {0};
  }
  // The nodes the builder emits in front of an access to item i of array v.
  struct ArrayAccess {
    int32_t ptr, size, bounds, items;
  };
  ArrayAccess array_access(int32_t v, int32_t i) {
    ArrayAccess a;
    a.ptr = add(IrOp::CheckArray, Rep::Ptr, v);
    a.size = add(IrOp::ArraySize, Rep::Int, a.ptr);
    a.bounds = add(IrOp::CheckBounds, Rep::None, i, a.size);
    a.items = add(IrOp::ArrayItems, Rep::Ptr, a.ptr);
    return a;
  }
  // Adds blocks up to `count` with these edges, laid out in index order.
  void blocks(size_t count, std::initializer_list<std::pair<int32_t, int32_t>> edges) {
    g.blocks.resize(count);
    g.order.clear();
    for (size_t i = 0; i < count; i++) g.order.push_back(int32_t(i));
    for (auto [from, to] : edges) {
      g.blocks[size_t(from)].succs.push_back(to);
      g.blocks[size_t(to)].preds.push_back(from);
    }
  }
  int32_t add_in(int32_t block, IrOp op, Rep rep, int32_t a = -1, int32_t b = -1, int64_t imm = 0) {
    int32_t id = add(op, rep, a, b, imm);
    g.blocks[0].nodes.pop_back();
    g.nodes[size_t(id)].block = block;
    g.blocks[size_t(block)].nodes.push_back(id);
    return id;
  }
  bool dead(int32_t id) const { return g.nodes[size_t(id)].dead; }
};

}  // namespace gene::jit::spec
