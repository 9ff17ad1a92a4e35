/* storage: AWFY Storage, tree of depth 7 / fan-out 4 with random-length leaf arrays,
   ITER = 250 (peer of corpus/bench/storage.gene) */
#include <stdio.h>
#include <stdlib.h>
typedef struct Arr { int n; struct Arr **items; } Arr;
static long seed = 74755;
static long next_random(void) { seed = (seed * 1309 + 13849) % 65536; return seed; }
static int count;
static Arr *new_array(int n) {
  Arr *a = malloc(sizeof(Arr));
  a->n = n;
  a->items = calloc(n, sizeof(Arr *));
  return a;
}
static void free_tree(Arr *a) {
  if (!a) return;
  for (int i = 0; i < a->n; i++) free_tree(a->items[i]);
  free(a->items);
  free(a);
}
static Arr *build_tree_depth(int depth) {
  count++;
  if (depth == 1) return new_array(next_random() % 10 + 1);
  Arr *arr = new_array(4);
  for (int i = 0; i < 4; i++) arr->items[i] = build_tree_depth(depth - 1);
  return arr;
}
static int benchmark(void) {
  seed = 74755;
  count = 0;
  free_tree(build_tree_depth(7));
  return count;
}
int main(void) {
  int result = 0;
  for (int it = 0; it < 250; it++) {
    result = benchmark();
    if (result != 5461) { fprintf(stderr, "storage: wrong node count\n"); return 1; }
  }
  printf("storage: nodes = %d\n", result);
  return 0;
}
