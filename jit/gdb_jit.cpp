#include "jit/gdb_jit.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <mutex>

// gdb's side of the protocol: it sets a breakpoint in __jit_debug_register_code and, when it
// fires, reads __jit_debug_descriptor's relevant_entry and action. Names, layout and version
// are fixed by gdb; they must be global, unmangled and the function must not be inlined away.
extern "C" {
struct jit_code_entry {
  jit_code_entry* next_entry;
  jit_code_entry* prev_entry;
  const char* symfile_addr;
  uint64_t symfile_size;
};
struct jit_descriptor {
  uint32_t version;
  uint32_t action_flag;  // 0 none, 1 register, 2 unregister
  jit_code_entry* relevant_entry;
  jit_code_entry* first_entry;
};
__attribute__((noinline, used)) void __jit_debug_register_code() { __asm__ volatile("" ::: "memory"); }
__attribute__((used)) jit_descriptor __jit_debug_descriptor = {1, 0, nullptr, nullptr};
}

namespace gene::jit {

namespace {

// The descriptor's list is process-wide; several VMs (the harness's threads) may compile at once.
std::mutex g_descriptor_mutex;

// A growable little-endian byte buffer with the DWARF encodings the object needs.
struct Bytes {
  std::vector<uint8_t> b;
  size_t size() const { return b.size(); }
  void u8(uint8_t v) { b.push_back(v); }
  void u16(uint16_t v) { raw(&v, 2); }
  void u32(uint32_t v) { raw(&v, 4); }
  void u64(uint64_t v) { raw(&v, 8); }
  void raw(const void* p, size_t n) { b.insert(b.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n); }
  void str(const std::string& s) { raw(s.c_str(), s.size() + 1); }
  void uleb(uint64_t v) {
    do {
      uint8_t byte = v & 0x7f;
      v >>= 7;
      u8(byte | (v ? 0x80 : 0));
    } while (v);
  }
  void sleb(int64_t v) {
    for (;;) {
      uint8_t byte = v & 0x7f;
      v >>= 7;  // arithmetic shift
      bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
      u8(byte | (done ? 0 : 0x80));
      if (done) return;
    }
  }
  void patch_u32(size_t at, uint32_t v) { std::memcpy(&b[at], &v, 4); }
  void align(size_t n) {
    while (b.size() % n) b.push_back(0);
  }
};

// DWARF 2 constants used below.
enum : uint8_t {
  DW_TAG_compile_unit = 0x11,
  DW_AT_name = 0x03,
  DW_AT_stmt_list = 0x10,
  DW_AT_low_pc = 0x11,
  DW_AT_high_pc = 0x12,
  DW_FORM_addr = 0x01,
  DW_FORM_data4 = 0x06,
  DW_FORM_string = 0x08,
  DW_LNS_copy = 1,
  DW_LNS_advance_pc = 2,
  DW_LNS_advance_line = 3,
  DW_LNE_end_sequence = 1,
  DW_LNE_set_address = 2,
};

void debug_abbrev(Bytes& o) {
  o.uleb(1);
  o.uleb(DW_TAG_compile_unit);
  o.u8(0);  // no children
  static const uint8_t kAttributes[][2] = {{DW_AT_name, DW_FORM_string}, {DW_AT_stmt_list, DW_FORM_data4},
                                           {DW_AT_low_pc, DW_FORM_addr}, {DW_AT_high_pc, DW_FORM_addr}};
  for (const auto& af : kAttributes) {
    o.uleb(af[0]);
    o.uleb(af[1]);
  }
  o.u8(0), o.u8(0);
  o.u8(0);  // end of the table
}

void debug_info(Bytes& o, const GdbJitUnit& u) {
  size_t len = o.size();
  o.u32(0);  // unit length, patched
  o.u16(2);  // DWARF 2
  o.u32(0);  // abbreviations at .debug_abbrev offset 0
  o.u8(8);   // address size
  o.uleb(1);
  o.str(u.source_file);
  o.u32(0);  // line program at .debug_line offset 0
  o.u64(u.start);
  o.u64(u.start + u.size);
  o.patch_u32(len, uint32_t(o.size() - len - 4));
}

// One sequence over the code: a row per change of line, in address order.
void debug_line(Bytes& o, const GdbJitUnit& u) {
  std::vector<GdbJitLine> rows;
  for (const GdbJitLine& l : u.lines)
    if (l.offset < u.size && l.line > 0) rows.push_back(l);
  std::stable_sort(rows.begin(), rows.end(), [](const GdbJitLine& a, const GdbJitLine& b) { return a.offset < b.offset; });
  size_t len = o.size();
  o.u32(0);  // unit length, patched
  o.u16(2);
  size_t header_len = o.size();
  o.u32(0);  // header length, patched
  o.u8(1);   // minimum instruction length
  o.u8(1);   // default is_stmt
  o.u8(uint8_t(int8_t(-5)));  // line base (no special opcodes are used)
  o.u8(14);  // line range
  o.u8(13);  // opcode base
  for (uint8_t n : {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1}) o.u8(n);
  o.u8(0);  // no include directories
  o.str(u.source_file);
  o.uleb(0), o.uleb(0), o.uleb(0);  // directory, mtime, length
  o.u8(0);                          // end of file names
  o.patch_u32(header_len, uint32_t(o.size() - header_len - 4));
  o.u8(0), o.uleb(9), o.u8(DW_LNE_set_address), o.u64(u.start);
  uint32_t at = 0;
  int32_t line = 1;
  int32_t last_emitted = -1;
  for (const GdbJitLine& r : rows) {
    if (r.line == last_emitted) continue;
    if (r.offset != at) o.u8(DW_LNS_advance_pc), o.uleb(r.offset - at), at = r.offset;
    if (r.line != line) o.u8(DW_LNS_advance_line), o.sleb(r.line - line), line = r.line;
    o.u8(DW_LNS_copy);
    last_emitted = r.line;
  }
  if (u.size > at) o.u8(DW_LNS_advance_pc), o.uleb(u.size - at);
  o.u8(0), o.uleb(1), o.u8(DW_LNE_end_sequence);
  o.patch_u32(len, uint32_t(o.size() - len - 4));
}

// Call-frame information (DWARF .debug_frame, version 1): one CIE (code alignment 1, data
// alignment -8, return address in DWARF register 16) and one FDE over the whole code, whose
// rules follow NativeFrameLayout. The few instructions between two recorded offsets (a push
// sequence, an epilogue) get the rule of the offset before them: exact at every call, which is
// where a frame that is not the innermost one always stands.
enum : uint8_t {
  DW_CFA_advance_loc4 = 0x04,
  DW_CFA_def_cfa = 0x0c,
  DW_CFA_def_cfa_offset = 0x0e,
  DW_CFA_same_value = 0x08,
  DW_CFA_offset = 0x80,  // | register, then the factored offset
  kRegRbx = 3, kRegRbp = 6, kRegRsp = 7, kRegR12 = 12, kRegR13 = 13, kRegR14 = 14, kRegR15 = 15, kRegRa = 16,
};

void debug_frame(Bytes& o, const GdbJitUnit& u) {
  const NativeFrameLayout& f = u.frame;
  auto pad = [&](size_t from) {
    while ((o.size() - from) % 8) o.u8(0);  // DW_CFA_nop
  };
  size_t cie = o.size();
  o.u32(0);           // length, patched
  o.u32(0xffffffff);  // CIE id
  o.u8(1);            // version
  o.u8(0);            // no augmentation
  o.uleb(1);          // code alignment
  o.sleb(-8);         // data alignment
  o.u8(kRegRa);
  o.u8(DW_CFA_def_cfa), o.uleb(kRegRsp), o.uleb(8);  // at a call's target: rsp + 8
  o.u8(DW_CFA_offset | kRegRa), o.uleb(1);           // return address at CFA - 8
  pad(cie + 4);
  o.patch_u32(cie, uint32_t(o.size() - cie - 4));

  size_t fde = o.size();
  o.u32(0);  // length, patched
  o.u32(uint32_t(cie));
  o.u64(u.start);
  o.u64(u.size);
  uint32_t at = 0;
  auto advance = [&](uint32_t to) {
    if (to > at && to <= u.size) o.u8(DW_CFA_advance_loc4), o.u32(to - at), at = to;
  };
  auto cfa = [&](uint32_t bytes_below_return_address) { o.u8(DW_CFA_def_cfa_offset), o.uleb(bytes_below_return_address + 8); };
  const uint8_t saved[] = {kRegRbp, kRegRbx, kRegR12, kRegR13, kRegR14, kRegR15};  // push order
  if (f.entry_ready > 0) {  // the native entry, up to the body
    advance(f.entry_ready);
    cfa(56);
    for (size_t i = 0; i < sizeof saved; i++) o.u8(uint8_t(DW_CFA_offset | saved[i])), o.uleb(2 + i);
  }
  if (f.body_ready > 0) {
    advance(u.body_offset);  // the body's first instruction: only the return address
    cfa(0);
    for (uint8_t r : saved) o.u8(DW_CFA_same_value), o.uleb(r);
    advance(f.body_ready);
    cfa(f.body_bytes);
    if (f.body_saves_rbp) o.u8(DW_CFA_offset | kRegRbp), o.uleb(2);
    for (const StackAdjustment& adj : f.adjustments)
      if (adj.offset > at) advance(adj.offset), cfa(f.body_bytes + adj.extra);
  }
  pad(fde + 4);
  o.patch_u32(fde, uint32_t(o.size() - fde - 4));
}

}  // namespace

std::vector<uint8_t> build_gdb_jit_object(const GdbJitUnit& u) {
  enum { kNull, kText, kShstrtab, kStrtab, kSymtab, kFrame, kAbbrev, kInfo, kLine, kSections };
  const char* names[kSections] = {"",         ".text",         ".shstrtab",   ".strtab",    ".symtab",
                                  ".debug_frame", ".debug_abbrev", ".debug_info", ".debug_line"};
  bool with_lines = !u.lines.empty() && !u.source_file.empty();
  int nsections = with_lines ? kSections : kAbbrev;

  Bytes shstrtab, strtab, symtab, frame, abbrev, info, line;
  uint32_t name_at[kSections];
  for (int s = 0; s < nsections; s++) name_at[s] = uint32_t(shstrtab.size()), shstrtab.str(names[s]);

  // Symbols: the null symbol, a file symbol (local), then one function symbol per range.
  auto symbol = [&](const std::string& name, unsigned char info_byte, uint16_t section, uint64_t value, uint64_t size) {
    Elf64_Sym s{};
    s.st_name = uint32_t(strtab.size());
    strtab.str(name);
    s.st_info = info_byte;
    s.st_shndx = section;
    s.st_value = value;  // ET_REL: an offset into the section, which gdb places at .text's address
    s.st_size = size;
    symtab.raw(&s, sizeof s);
  };
  strtab.u8(0);
  symtab.raw(std::vector<uint8_t>(sizeof(Elf64_Sym), 0).data(), sizeof(Elf64_Sym));
  symbol(u.source_file.empty() ? "gene" : u.source_file, ELF64_ST_INFO(STB_LOCAL, STT_FILE), SHN_ABS, 0, 0);
  for (const GdbJitSymbol& s : u.symbols)
    if (s.size > 0 && s.offset + uint64_t(s.size) <= u.size)
      symbol(s.name, ELF64_ST_INFO(STB_GLOBAL, STT_FUNC), kText, s.offset, s.size);
  debug_frame(frame, u);
  if (with_lines) debug_abbrev(abbrev), debug_info(info, u), debug_line(line, u);

  Bytes o;
  o.raw(std::vector<uint8_t>(sizeof(Elf64_Ehdr), 0).data(), sizeof(Elf64_Ehdr));
  Bytes* contents[kSections] = {nullptr, nullptr, &shstrtab, &strtab, &symtab, &frame, &abbrev, &info, &line};
  uint64_t offsets[kSections] = {};
  for (int s = kShstrtab; s < nsections; s++) {
    o.align(8);
    offsets[s] = o.size();
    o.raw(contents[s]->b.data(), contents[s]->size());
  }
  o.align(8);
  uint64_t shoff = o.size();
  for (int s = 0; s < nsections; s++) {
    Elf64_Shdr h{};
    h.sh_name = name_at[s];
    h.sh_offset = offsets[s];
    h.sh_size = contents[s] ? contents[s]->size() : 0;
    h.sh_addralign = 1;
    switch (s) {
      case kNull: h.sh_name = 0; break;
      case kText:
        h.sh_type = SHT_NOBITS;  // the code itself stays where it is
        h.sh_flags = SHF_ALLOC | SHF_EXECINSTR;
        h.sh_addr = u.start;
        h.sh_size = u.size;
        h.sh_addralign = 16;
        break;
      case kShstrtab: case kStrtab: h.sh_type = SHT_STRTAB; break;
      case kSymtab:
        h.sh_type = SHT_SYMTAB;
        h.sh_link = kStrtab;
        h.sh_info = 2;  // the first global symbol: after the null and the file symbol
        h.sh_entsize = sizeof(Elf64_Sym);
        h.sh_addralign = 8;
        break;
      default: h.sh_type = SHT_PROGBITS; break;
    }
    o.raw(&h, sizeof h);
  }
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
  eh.e_type = ET_REL;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_shoff = shoff;
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = uint16_t(nsections);
  eh.e_shstrndx = kShstrtab;
  std::memcpy(o.b.data(), &eh, sizeof eh);
  return std::move(o.b);
}

struct GdbJit::Entry {
  uintptr_t start;
  std::vector<uint8_t> object;
  jit_code_entry entry;
};

namespace {

// Links or unlinks `e` and tells gdb (the call is where its breakpoint sits).
void notify(jit_code_entry* e, bool add) {
  std::lock_guard lock(g_descriptor_mutex);
  if (add) {
    e->prev_entry = nullptr;
    e->next_entry = __jit_debug_descriptor.first_entry;
    if (e->next_entry) e->next_entry->prev_entry = e;
    __jit_debug_descriptor.first_entry = e;
  } else {
    if (e->prev_entry) e->prev_entry->next_entry = e->next_entry;
    else __jit_debug_descriptor.first_entry = e->next_entry;
    if (e->next_entry) e->next_entry->prev_entry = e->prev_entry;
  }
  __jit_debug_descriptor.relevant_entry = e;
  __jit_debug_descriptor.action_flag = add ? 1 : 2;
  __jit_debug_register_code();
  __jit_debug_descriptor.action_flag = 0;
}

}  // namespace

void GdbJit::add(const GdbJitUnit& u) {
  auto e = std::make_unique<Entry>();
  e->start = u.start;
  e->object = build_gdb_jit_object(u);
  e->entry = {nullptr, nullptr, reinterpret_cast<const char*>(e->object.data()), e->object.size()};
  notify(&e->entry, true);
  entries_.push_back(std::move(e));
}

void GdbJit::remove(uintptr_t start) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) { return e->start == start; });
  if (it == entries_.end()) return;
  notify(&(*it)->entry, false);
  entries_.erase(it);
}

GdbJit::GdbJit() = default;

GdbJit::~GdbJit() {
  for (auto& e : entries_) notify(&e->entry, false);
}

}  // namespace gene::jit
