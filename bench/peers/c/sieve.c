/* sieve: AWFY Sieve, 5000 flags, ITER = 1000 (peer of corpus/bench/sieve.gene) */
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
static int sieve(bool *flags, int size) {
  int prime_count = 0;
  for (int i = 2; i <= size; i++) {
    if (flags[i - 1]) {
      prime_count++;
      for (int k = i + i; k <= size; k += i) flags[k - 1] = false;
    }
  }
  return prime_count;
}
static int benchmark(void) {
  bool *flags = malloc(5000 * sizeof(bool)); /* fresh array per run, like the Gene port */
  for (int i = 0; i < 5000; i++) flags[i] = true;
  int r = sieve(flags, 5000);
  free(flags);
  return r;
}
int main(void) {
  int result = 0;
  for (int it = 0; it < 1000; it++) {
    result = benchmark();
    if (result != 669) { fprintf(stderr, "sieve: wrong prime count\n"); return 1; }
  }
  printf("sieve: primes below 5000 = %d\n", result);
  return 0;
}
