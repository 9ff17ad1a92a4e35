/* list: AWFY List, lists of 15/10/6 and the Takeuchi-like tail, ITER = 700
   (peer of corpus/bench/list.gene). Elements are malloc'd and never freed within a run
   (the lists share tails), so each run's nodes are kept in a pool and freed at its end. */
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
typedef struct Elem { long val; struct Elem *next; } Elem;
static Elem **pool; static int pool_n, pool_cap;
static Elem *make_list(long length) {
  if (length == 0) return NULL;
  Elem *e = malloc(sizeof(Elem));
  if (pool_n == pool_cap) { pool_cap = pool_cap ? pool_cap * 2 : 64; pool = realloc(pool, pool_cap * sizeof(Elem *)); }
  pool[pool_n++] = e;
  e->val = length;
  e->next = make_list(length - 1);
  return e;
}
static int list_length(Elem *e) { return e->next == NULL ? 1 : 1 + list_length(e->next); }
static bool is_shorter_than(Elem *x, Elem *y) {
  while (y) {
    if (!x) return true;
    x = x->next; y = y->next;
  }
  return false;
}
static Elem *tail(Elem *x, Elem *y, Elem *z) {
  if (is_shorter_than(y, x))
    return tail(tail(x->next, y, z), tail(y->next, z, x), tail(z->next, x, y));
  return z;
}
static int benchmark(void) {
  pool_n = 0;
  Elem *a = make_list(15), *b = make_list(10), *c = make_list(6);
  int r = list_length(tail(a, b, c));
  for (int i = 0; i < pool_n; i++) free(pool[i]);
  return r;
}
int main(void) {
  int result = 0;
  for (int it = 0; it < 700; it++) {
    result = benchmark();
    if (result != 10) { fprintf(stderr, "list: wrong length\n"); return 1; }
  }
  printf("list: length = %d\n", result);
  return 0;
}
