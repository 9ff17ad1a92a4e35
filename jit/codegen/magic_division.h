// Division by a constant without idiv, for `mod_int` and constant `%` in every tier.
#pragma once
#include <cstdint>

namespace gene::jit {

// n % d for a constant d > 0 without idiv: q = n / d by multiplying with d's "magic"
// reciprocal (Hacker's Delight, ch. 10), then r = n - q * d. Truncating, like C.
struct Magic {
  int64_t multiplier;
  int shift;
};
inline Magic signed_magic(uint64_t d) {
  const uint64_t two63 = uint64_t(1) << 63;
  uint64_t anc = two63 - 1 - two63 % d;
  int p = 63;
  uint64_t q1 = two63 / anc, r1 = two63 - q1 * anc;
  uint64_t q2 = two63 / d, r2 = two63 - q2 * d;
  uint64_t delta;
  do {
    p++;
    q1 *= 2;
    r1 *= 2;
    if (r1 >= anc) q1++, r1 -= anc;
    q2 *= 2;
    r2 *= 2;
    if (r2 >= d) q2++, r2 -= d;
    delta = d - r2;
  } while (q1 < delta || (q1 == delta && r1 == 0));
  return {int64_t(q2 + 1), p - 64};
}

}  // namespace gene::jit
