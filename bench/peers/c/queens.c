/* queens: AWFY Queens, 8 queens solved 10 times per benchmark, ITER = 1000
   (peer of corpus/bench/queens.gene) */
#include <stdio.h>
#include <stdbool.h>
static bool free_rows[8], free_maxs[16], free_mins[16];
static int queen_rows[8];
static bool get_row_column(int r, int c) { return free_rows[r] && free_maxs[c + r] && free_mins[c - r + 7]; }
static void set_row_column(int r, int c, bool v) { free_rows[r] = v; free_maxs[c + r] = v; free_mins[c - r + 7] = v; }
static bool place_queen(int c) {
  for (int r = 0; r < 8; r++) {
    if (get_row_column(r, c)) {
      queen_rows[r] = c;
      set_row_column(r, c, false);
      if (c == 7) return true;
      if (place_queen(c + 1)) return true;
      set_row_column(r, c, true);
    }
  }
  return false;
}
static bool queens(void) {
  for (int i = 0; i < 8; i++) { free_rows[i] = true; queen_rows[i] = -1; }
  for (int i = 0; i < 16; i++) { free_maxs[i] = true; free_mins[i] = true; }
  return place_queen(0);
}
static bool benchmark(void) {
  bool result = true;
  for (int i = 0; i < 10; i++) result = result && queens();
  return result;
}
int main(void) {
  bool result = false;
  for (int it = 0; it < 1000; it++) {
    result = benchmark();
    if (!result) { fprintf(stderr, "queens: no solution\n"); return 1; }
  }
  printf("queens: solved = %s rows = [", result ? "true" : "false");
  for (int i = 0; i < 8; i++) printf(i ? " %d" : "%d", queen_rows[i]);
  printf("]\n");
  return 0;
}
