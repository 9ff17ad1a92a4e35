/* strings: build a 2000-word text by concatenation, count "gene " by naive matching and
   count vowels char by char; ROUNDS = 100 (peer of corpus/bench/strings.gene).
   Strings are immutable here as in Gene: each concatenation allocates a new string and
   copies both parts; substr compares in place (memcmp) rather than allocating. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static long seed = 74755;
static long next_random(void) { seed = (seed * 1309 + 13849) % 65536; return seed; }
static const char *words[] = {"gene", "lisp", "jit", "interp", "baseline", "tier", "engine", "closure", "map", "string"};
static const int word_vowels[] = {2, 1, 1, 2, 4, 2, 3, 3, 1, 1};
static char *concat(const char *a, size_t la, const char *b, size_t lb) {
  char *s = malloc(la + lb + 1);
  memcpy(s, a, la); memcpy(s + la, b, lb); s[la + lb] = 0;
  return s;
}
static char *build_text(int n, size_t *len, int *genes, int *vowels) {
  char *s = concat("", 0, "", 0);
  size_t l = 0;
  *genes = 0; *vowels = 0;
  for (int i = 0; i < n; i++) {
    int k = next_random() % 10;
    const char *w = words[k];
    size_t wl = strlen(w);
    if (strcmp(w, "gene") == 0) (*genes)++;
    *vowels += word_vowels[k];
    char *t = concat(s, l, w, wl); free(s);
    s = concat(t, l + wl, " ", 1); free(t);
    l += wl + 1;
  }
  *len = l;
  return s;
}
static int count_occurrences(const char *text, size_t tl, const char *pat) {
  int n = 0;
  size_t m = strlen(pat);
  char first = pat[0];
  for (long i = 0, last = (long)tl - (long)m; i <= last; i++)
    if (text[i] == first && memcmp(text + i, pat, m) == 0) n++;
  return n;
}
static int count_vowels(const char *text, size_t tl) {
  int n = 0;
  for (size_t i = 0; i < tl; i++) {
    char c = text[i];
    if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') n++;
  }
  return n;
}
int main(void) {
  long total_genes = 0, total_vowels = 0;
  for (int r = 0; r < 100; r++) {
    size_t tl; int genes, vowels;
    char *text = build_text(2000, &tl, &genes, &vowels);
    int found = count_occurrences(text, tl, "gene ");
    if (found != genes) { fprintf(stderr, "strings: wrong occurrence count\n"); return 1; }
    total_genes += found;
    int v = count_vowels(text, tl);
    if (v != vowels) { fprintf(stderr, "strings: wrong vowel count\n"); return 1; }
    total_vowels += v;
    free(text);
  }
  printf("strings: 'gene' occurrences = %ld vowels = %ld\n", total_genes, total_vowels);
  return 0;
}
