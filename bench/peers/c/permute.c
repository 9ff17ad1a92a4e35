/* permute: AWFY Permute, 6 elements, ITER = 500 (peer of corpus/bench/permute.gene) */
#include <stdio.h>
#include <stdlib.h>
static int count;
static int *v;
static void swap(int i, int j) { int tmp = v[i]; v[i] = v[j]; v[j] = tmp; }
static void permute(int n) {
  count++;
  if (n != 0) {
    int n1 = n - 1;
    permute(n1);
    for (int i = n1; i >= 0; i--) { swap(n1, i); permute(n1); swap(n1, i); }
  }
}
static int benchmark(void) {
  count = 0;
  v = calloc(6, sizeof(int));
  permute(6);
  free(v);
  return count;
}
int main(void) {
  int result = 0;
  for (int it = 0; it < 500; it++) {
    result = benchmark();
    if (result != 8660) { fprintf(stderr, "permute: wrong count\n"); return 1; }
  }
  printf("permute: count = %d\n", result);
  return 0;
}
