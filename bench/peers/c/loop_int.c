/* loop_int: sum of i % 7 for i < 35000000 (peer of corpus/bench/loop_int.gene) */
#include <stdio.h>
static long sum_mod7(long n) {
  long s = 0, i = 0;
  while (i < n) { s += i % 7; i += 1; }
  return s;
}
static long expected(long n) {
  long full = n / 7, rest = n - full * 7;
  return full * 21 + rest * (rest - 1) / 2;
}
int main(void) {
  volatile long N = 35000000; /* volatile: keep the compiler from folding the whole loop */
  long n = N;
  long result = sum_mod7(n);
  if (result != expected(n)) { fprintf(stderr, "loop_int: wrong sum\n"); return 1; }
  printf("loop_int: sum of i %% 7 for i < %ld = %ld\n", n, result);
  return 0;
}
