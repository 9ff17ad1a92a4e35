/* fib: naive doubly-recursive Fibonacci, fib(32) computed 4 times (peer of corpus/bench/fib.gene) */
#include <stdio.h>
#include <stdlib.h>
static long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
int main(void) {
  long result = 0;
  for (int i = 0; i < 4; i++) {
    result = fib(32);
    if (result != 2178309) { fprintf(stderr, "fib 32\n"); return 1; }
  }
  printf("fib(32) = %ld\n", result);
  return 0;
}
