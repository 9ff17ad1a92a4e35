// The body a unit without active code offers the compiled calls that have already checked
// their callee (UnitState::call_body): it runs the frame record the caller pushed in the
// interpreter, as the call helper would have after pushing it, so such a call needs no
// "has code?" test in front of it.
#pragma once

namespace gene::jit {

// Entered as a compiled body (the fixed registers of jit/codegen/register_roles.h set, the
// callee's record pushed and published, its arguments in place); returns in al whether the
// frame returned (its result in its callee slot) or raised.
extern "C" const char gene_jit_interpreted_callee[];

}  // namespace gene::jit
