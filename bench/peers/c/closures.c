/* closures: counters, accumulators and higher-order functions, ROUNDS = 32000 over 100 elements
   (peer of corpus/bench/closures.gene). C has no closures: each closure is a heap-allocated
   struct holding a code pointer and its captured environment, created where the Gene
   program creates the closure, and every call goes through the code pointer. */
#include <stdio.h>
#include <stdlib.h>
typedef struct Fn Fn;
struct Fn { long (*call)(Fn *self, long a, long b); long k; long *cell; Fn *f, *g; };
typedef struct { long *items; int n, cap; } Vec;

static Fn *mk(long (*call)(Fn *, long, long)) { Fn *f = calloc(1, sizeof(Fn)); f->call = call; return f; }
static void push(Vec *v, long x) {
  if (v->n == v->cap) { v->cap = v->cap ? v->cap * 2 : 8; v->items = realloc(v->items, v->cap * sizeof(long)); }
  v->items[v->n++] = x;
}
/* counter: two closures sharing one captured cell */
static long counter_inc(Fn *self, long a, long b) { (void)a; (void)b; return ++*self->cell; }
static long counter_get(Fn *self, long a, long b) { (void)a; (void)b; return *self->cell; }
static long accumulate(Fn *self, long x, long b) { (void)b; return *self->cell += x; }
static Fn *make_accumulator(long start) {
  Fn *f = mk(accumulate);
  f->cell = malloc(sizeof(long)); *f->cell = start;
  return f;
}
static Vec map_array(Fn *f, Vec a) {
  Vec out = {0};
  for (int i = 0; i < a.n; i++) push(&out, f->call(f, a.items[i], 0));
  return out;
}
static Vec filter_array(Fn *p, Vec a) {
  Vec out = {0};
  for (int i = 0; i < a.n; i++) if (p->call(p, a.items[i], 0)) push(&out, a.items[i]);
  return out;
}
static long fold(Fn *f, long acc, Vec a) {
  for (int i = 0; i < a.n; i++) acc = f->call(f, acc, a.items[i]);
  return acc;
}
static long composed(Fn *self, long x, long b) { (void)b; return self->f->call(self->f, self->g->call(self->g, x, 0), 0); }
static Fn *compose(Fn *f, Fn *g) { Fn *c = mk(composed); c->f = f; c->g = g; return c; }
static long add_k_fn(Fn *self, long x, long b) { (void)b; return x + self->k; }
static long double_fn(Fn *self, long x, long b) { (void)self; (void)b; return x * 2; }
static long mult4_fn(Fn *self, long x, long b) { (void)self; (void)b; return x % 4 == 0; }
static long plus_fn(Fn *self, long a, long b) { (void)self; return a + b; }

int main(void) {
  Vec data = {0};
  for (int i = 0; i < 100; i++) push(&data, i);
  const long ROUNDS = 32000;
  long *cell = malloc(sizeof(long)); *cell = 0;
  Fn *inc = mk(counter_inc), *get_count = mk(counter_get);
  inc->cell = cell; get_count->cell = cell;
  Fn *acc = make_accumulator(0);
  long total = 0;
  for (long r = 0; r < ROUNDS; r++) {
    long k = r % 10;
    Fn *add_k = mk(add_k_fn); add_k->k = k;
    Fn *dbl = mk(double_fn);
    Fn *f = compose(dbl, add_k);
    Vec mapped = map_array(f, data);
    Fn *pred = mk(mult4_fn);
    Vec evens = filter_array(pred, mapped);
    Fn *plus = mk(plus_fn);
    long s = fold(plus, 0, evens);
    for (int i = 0; i < evens.n; i++) inc->call(inc, 0, 0);
    acc->call(acc, s, 0);
    total += s;
    free(add_k); free(dbl); free(f); free(pred); free(plus);
    free(mapped.items); free(evens.items);
  }
  long check = 0, check_count = 0;
  for (long r = 0; r < ROUNDS; r++) {
    long k = r % 10;
    for (int i = 0; i < data.n; i++) {
      long x = data.items[i];
      if ((x + k) % 2 == 0) { check += 2 * (x + k); check_count++; }
    }
  }
  if (total != check) { fprintf(stderr, "closures: wrong total\n"); return 1; }
  if (acc->call(acc, 0, 0) != check) { fprintf(stderr, "closures: wrong accumulator\n"); return 1; }
  if (get_count->call(get_count, 0, 0) != check_count) { fprintf(stderr, "closures: wrong counter\n"); return 1; }
  printf("closures: total = %ld count = %ld\n", total, get_count->call(get_count, 0, 0));
  return 0;
}
