/* maps: insert/lookup/miss/update/delete of 2000 int + 2000 string keys, ROUNDS = 400
   (peer of corpus/bench/maps.gene). A small open-addressing hash map (linear probing,
   tombstones, growth at 3/4 load) whose keys are ints or malloc'd strings, as in Gene;
   each string key is built with snprintf ("k" + i) where the Gene program calls str. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
typedef struct { int state; /* 0 empty, 1 used, 2 deleted */ int is_str; long i; char *s; long val; } Slot;
typedef struct { Slot *slots; size_t cap, size, used; } Map;

static uint64_t hash_key(int is_str, long i, const char *s) {
  uint64_t h;
  if (is_str) { h = 1469598103934665603ULL; for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL; }
  else { h = (uint64_t)i * 0x9E3779B97F4A7C15ULL; h ^= h >> 32; }
  return h;
}
static int key_eq(Slot *sl, int is_str, long i, const char *s) {
  return sl->is_str == is_str && (is_str ? strcmp(sl->s, s) == 0 : sl->i == i);
}
static Slot *find(Map *m, int is_str, long i, const char *s) {
  size_t mask = m->cap - 1, idx = hash_key(is_str, i, s) & mask;
  for (;;) {
    Slot *sl = &m->slots[idx];
    if (sl->state == 0) return NULL;
    if (sl->state == 1 && key_eq(sl, is_str, i, s)) return sl;
    idx = (idx + 1) & mask;
  }
}
static void map_init(Map *m) { m->cap = 8; m->size = m->used = 0; m->slots = calloc(m->cap, sizeof(Slot)); }
static void map_set(Map *m, int is_str, long i, const char *s, long val);
static void grow(Map *m) {
  Slot *old = m->slots; size_t oc = m->cap;
  m->cap = m->size * 2 >= oc ? oc * 2 : oc;
  m->slots = calloc(m->cap, sizeof(Slot)); m->size = m->used = 0;
  for (size_t j = 0; j < oc; j++) if (old[j].state == 1) {
    size_t mask = m->cap - 1, idx = hash_key(old[j].is_str, old[j].i, old[j].s) & mask;
    while (m->slots[idx].state) idx = (idx + 1) & mask;
    m->slots[idx] = old[j]; m->size++; m->used++;
  }
  free(old);
}
/* takes ownership of s when a new key is inserted, frees it otherwise */
static void map_set(Map *m, int is_str, long i, const char *s, long val) {
  Slot *sl = find(m, is_str, i, s);
  if (sl) { sl->val = val; if (is_str) free((char *)s); return; }
  if ((m->used + 1) * 4 > m->cap * 3) grow(m);
  size_t mask = m->cap - 1, idx = hash_key(is_str, i, s) & mask;
  while (m->slots[idx].state == 1) idx = (idx + 1) & mask;
  sl = &m->slots[idx];
  if (sl->state == 0) m->used++;
  sl->state = 1; sl->is_str = is_str; sl->i = i; sl->s = (char *)s; sl->val = val;
  m->size++;
}
static void map_del(Map *m, int is_str, long i, const char *s) {
  Slot *sl = find(m, is_str, i, s);
  if (sl) { sl->state = 2; if (sl->is_str) free(sl->s); sl->s = NULL; m->size--; }
}
static void map_free(Map *m) {
  for (size_t j = 0; j < m->cap; j++) if (m->slots[j].state == 1 && m->slots[j].is_str) free(m->slots[j].s);
  free(m->slots);
}
static char *kstr(long i) { char *s = malloc(24); snprintf(s, 24, "k%ld", i); return s; }

static void one_round(long n, long r[4]) {
  Map m; map_init(&m);
  for (long i = 0; i < n; i++) {
    map_set(&m, 0, i, NULL, i * 3);
    map_set(&m, 1, 0, kstr(i), i);
  }
  if (m.size != (size_t)(2 * n)) { fprintf(stderr, "maps: wrong size after insert\n"); exit(1); }
  long sum = 0;
  for (long i = 0; i < n; i++) {
    sum += find(&m, 0, i, NULL)->val;
    char *k = kstr(i); sum += find(&m, 1, 0, k)->val; free(k);
  }
  long misses = 0;
  for (long i = n; i < 2 * n; i++) {
    if (!find(&m, 0, i, NULL)) misses++;
    char *k = kstr(i); if (!find(&m, 1, 0, k)) misses++; free(k);
  }
  for (long i = 0; i < n; i++) map_set(&m, 0, i, NULL, find(&m, 0, i, NULL)->val + 1);
  for (long i = 0; i < n; i++)
    if (i % 2 == 0) { char *k = kstr(i); map_del(&m, 1, 0, k); free(k); }
  long sum2 = 0;
  for (size_t j = 0; j < m.cap; j++) {   /* iterate keys, then look each one up */
    Slot *sl = &m.slots[j];
    if (sl->state == 1) sum2 += find(&m, sl->is_str, sl->i, sl->s)->val;
  }
  r[0] = sum; r[1] = misses; r[2] = (long)m.size; r[3] = sum2;
  map_free(&m);
}
int main(void) {
  const long N = 2000, ROUNDS = 400;
  long r[4];
  for (long it = 0; it < ROUNDS; it++) {
    one_round(N, r);
    if (r[0] != 2 * N * (N - 1)) { fprintf(stderr, "maps: wrong lookup sum\n"); return 1; }
    if (r[1] != 2 * N) { fprintf(stderr, "maps: wrong miss count\n"); return 1; }
    if (r[2] != N + N / 2) { fprintf(stderr, "maps: wrong size after delete\n"); return 1; }
    if (r[3] != 3 * N * (N - 1) / 2 + N + (N / 2) * (N / 2)) { fprintf(stderr, "maps: wrong final sum\n"); return 1; }
  }
  printf("maps: lookups sum = %ld misses = %ld size = %ld final sum = %ld\n", r[0], r[1], r[2], r[3]);
  return 0;
}
