/* Shortest round-trip formatting of a double, laid out by Python's repr rules
   (fixed notation for decimal exponent in [-4, 16), ".0" on integral values, else d.ddde+XX). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static void float_repr(double x, char *out) {
  char buf[64];
  int p;
  for (p = 1; p <= 17; p++) {
    snprintf(buf, sizeof buf, "%.*e", p - 1, x);
    if (strtod(buf, NULL) == x) break;
  }
  char *q = buf, digits[32];
  int nd = 0;
  const char *sign = "";
  if (*q == '-') { sign = "-"; q++; }
  while (*q && *q != 'e') { if (*q != '.') digits[nd++] = *q; q++; }
  int e = atoi(q + 1);
  while (nd > 1 && digits[nd - 1] == '0') nd--;
  digits[nd] = 0;
  if (e >= -4 && e < 16) {
    if (e >= 0) {
      if (nd <= e + 1) {
        sprintf(out, "%s%s%0*d.0", sign, digits, e + 1 - nd, 0);
        if (e + 1 - nd == 0) sprintf(out, "%s%s.0", sign, digits);
      } else {
        sprintf(out, "%s%.*s.%s", sign, e + 1, digits, digits + e + 1);
      }
    } else {
      sprintf(out, "%s0.%0*d%s", sign, -e - 1, 0, digits);
      if (-e - 1 == 0) sprintf(out, "%s0.%s", sign, digits);
    }
  } else {
    if (nd > 1) sprintf(out, "%s%c.%se%c%02d", sign, digits[0], digits + 1, e < 0 ? '-' : '+', abs(e));
    else sprintf(out, "%s%ce%c%02d", sign, digits[0], e < 0 ? '-' : '+', abs(e));
  }
}
