// Where compiled code of any tier finds the fields it reads and writes directly in VM, Proto
// and heap objects.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "interp/object.h"
#include "interp/proto.h"
#include "jit/unit_state.h"
#include "interp/vm.h"

namespace gene::jit {

// Byte offsets of the runtime structures compiled code reads and writes directly. Measured on
// live objects rather than with offsetof, since VM, Proto and the heap objects are not
// standard-layout types.
template <class Outer, class Member>
inline int32_t offset_in(const Outer& outer, const Member& member) {
  return int32_t(reinterpret_cast<const char*>(&member) - reinterpret_cast<const char*>(&outer));
}

struct Layout {
  int32_t vm_sp, vm_stack_end, vm_frames_top, vm_frames_limit, vm_steps_left, vm_global_watch;
  int32_t vm_compare_constants;  // VM::compare_constants: nil, false, true
  int32_t vm_object_tag_bits, vm_untagged_limit;
  int32_t obj_type, closure_proto;
  int32_t proto_jit_unit, unit_body, unit_call_body, unit_nparams, unit_frame_bytes;
  int32_t array_items, closure_upvals, cell_value, map_entries, map_room, map_index, map_live, string_chars;
  // Inline array, map and upvalue paths read begin/end/capacity pointers (an array's
  // ValueBuffer, std::vector elsewhere); they are enabled only if both are laid out that way
  // (checked on probes).
  bool vector_layout_ok;
  // Inline string paths read std::string's data pointer and size (the first two words).
  bool string_layout_ok;

  explicit Layout(const VM& vm) {
    static const Closure closure(nullptr);
    static const Proto proto;
    vm_sp = offset_in(vm, vm.sp);
    vm_stack_end = offset_in(vm, vm.stack_end);
    vm_frames_top = offset_in(vm, vm.frames.top);
    vm_frames_limit = offset_in(vm, vm.frames.call_limit);
    vm_steps_left = offset_in(vm, vm.steps_left);
    vm_global_watch = offset_in(vm, vm.global_watch);
    vm_compare_constants = offset_in(vm, vm.compare_constants);
    vm_object_tag_bits = offset_in(vm, vm.object_tag_bits);
    vm_untagged_limit = offset_in(vm, vm.untagged_limit);
    obj_type = offset_in(static_cast<const Obj&>(closure), closure.type);
    closure_proto = offset_in(static_cast<const Obj&>(closure), closure.proto);
    proto_jit_unit = offset_in(proto, proto.jit_unit);
    static const UnitState unit;
    unit_body = offset_in(unit, unit.body);
    unit_nparams = offset_in(unit, unit.nparams);
    unit_call_body = offset_in(unit, unit.call_body);
    unit_frame_bytes = offset_in(unit, unit.frame_bytes);
    static const Array array;
    static const Cell cell(Value::nil());
    array_items = offset_in(static_cast<const Obj&>(array), array.items);
    closure_upvals = offset_in(static_cast<const Obj&>(closure), closure.upvals);
    cell_value = offset_in(static_cast<const Obj&>(cell), cell.value);
    static const Map map;
    map_entries = offset_in(static_cast<const Obj&>(map), map.entries);
    map_room = offset_in(static_cast<const Obj&>(map), map.entries.room_);
    map_index = offset_in(static_cast<const Obj&>(map), map.index);
    map_live = offset_in(static_cast<const Obj&>(map), map.live);
    static_assert(sizeof(Map::Entry) == 16, "inline map scans step 16 bytes per entry");
    std::vector<Value> probe(3, Value::nil());
    probe.reserve(7);
    auto words = reinterpret_cast<Value* const*>(&probe);
    vector_layout_ok = sizeof(probe) == 3 * sizeof(void*) && words[0] == probe.data() &&
                       words[1] == probe.data() + probe.size() && words[2] == probe.data() + probe.capacity();
    // An array's items (ValueBuffer) must be laid out the same way.
    ValueBuffer items;
    items.reserve(7);
    for (int i = 0; i < 3; i++) items.push_back(Value::nil());
    auto item_words = reinterpret_cast<Value* const*>(&items);
    vector_layout_ok = vector_layout_ok && sizeof(items) == 3 * sizeof(void*) && item_words[0] == items.data() &&
                       item_words[1] == items.data() + items.size() && item_words[2] == items.data() + items.capacity();
    // So must a map's entries (MapEntries), in its room and out of it.
    for (size_t n : {size_t(2), MapEntries::kInline + 3}) {
      Map m;
      for (size_t i = 0; i < n; i++) m.entries.push_back({Value::integer(int64_t(i)), Value::nil()});
      auto entry_words = reinterpret_cast<const MapEntry* const*>(&m.entries);
      vector_layout_ok = vector_layout_ok && entry_words[0] == m.entries.data() &&
                         entry_words[1] == m.entries.data() + m.entries.size() &&
                         entry_words[2] == m.entries.data() + m.entries.capacity();
    }
    static const String str(std::string(40, 'x'));
    string_chars = offset_in(static_cast<const Obj&>(str), str.chars);
    auto str_words = reinterpret_cast<const uintptr_t*>(&str.chars);
    string_layout_ok = str_words[0] == reinterpret_cast<uintptr_t>(str.chars.data()) && str_words[1] == str.chars.size();
  }
};

}  // namespace gene::jit
