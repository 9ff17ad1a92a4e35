#include "jit/x64/registers.h"

namespace gene::x64 {

namespace {
constexpr const char* kNames64[kNumRegs] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                            "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
constexpr const char* kNames32[kNumRegs] = {"eax",  "ecx",  "edx",  "ebx", "esp",  "ebp",
                                            "esi",  "edi",  "r8d",  "r9d", "r10d", "r11d",
                                            "r12d", "r13d", "r14d", "r15d"};
constexpr const char* kNames8[kNumRegs] = {"al",   "cl",   "dl",   "bl",  "spl",  "bpl",
                                           "sil",  "dil",  "r8b",  "r9b", "r10b", "r11b",
                                           "r12b", "r13b", "r14b", "r15b"};
constexpr const char* kNamesXmm[kNumRegs] = {"xmm0",  "xmm1",  "xmm2",  "xmm3", "xmm4",  "xmm5",
                                             "xmm6",  "xmm7",  "xmm8",  "xmm9", "xmm10", "xmm11",
                                             "xmm12", "xmm13", "xmm14", "xmm15"};
}  // namespace

const char* name(Reg64 r) { return r.code < kNumRegs ? kNames64[r.code] : "?"; }
const char* name(Reg32 r) { return r.code < kNumRegs ? kNames32[r.code] : "?"; }
const char* name(Reg8 r) { return r.code < kNumRegs ? kNames8[r.code] : "?"; }
const char* name(Xmm r) { return r.code < kNumRegs ? kNamesXmm[r.code] : "?"; }

}  // namespace gene::x64
