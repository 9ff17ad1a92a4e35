/* loop_float: midpoint-rule integration of 4/(1+x^2) on [0,1], N = 15000000
   (peer of corpus/bench/loop_float.gene) */
#include <math.h>
#include "repr.h"
static double integrate_pi(long n) {
  double h = 1.0 / n, s = 0.0;
  long i = 0;
  while (i < n) {
    double x = (i + 0.5) * h;
    s += 4.0 / (1.0 + x * x);
    i += 1;
  }
  return s * h;
}
int main(void) {
  volatile long N = 15000000;
  double result = integrate_pi(N);
  if (!(fabs(result - 3.141592653589793) < 1e-9)) { fprintf(stderr, "loop_float: not pi\n"); return 1; }
  char s[64];
  float_repr(result, s);
  printf("loop_float: pi ~ %s\n", s);
  return 0;
}
