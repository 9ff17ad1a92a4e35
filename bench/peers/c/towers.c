/* towers: AWFY Towers, 13 disks as linked lists, ITER = 300 (peer of corpus/bench/towers.gene) */
#include <stdio.h>
#include <stdlib.h>
typedef struct Disk { int size; struct Disk *next; } Disk;
static Disk *piles[3];
static int moves_done;
static void push_disk(Disk *disk, int pile) {
  Disk *top = piles[pile];
  if (top && disk->size >= top->size) { fprintf(stderr, "Cannot put a big disk on a smaller one\n"); exit(1); }
  disk->next = top;
  piles[pile] = disk;
}
static Disk *pop_disk_from(int pile) {
  Disk *top = piles[pile];
  if (!top) { fprintf(stderr, "Attempting to remove a disk from an empty pile\n"); exit(1); }
  piles[pile] = top->next;
  top->next = NULL;
  return top;
}
static void move_top_disk(int from, int to) { push_disk(pop_disk_from(from), to); moves_done++; }
static void build_tower_at(int pile, int disks) {
  for (int i = disks; i >= 0; i--) {
    Disk *d = malloc(sizeof(Disk));
    d->size = i; d->next = NULL;
    push_disk(d, pile);
  }
}
static void move_disks(int disks, int from, int to) {
  if (disks == 1) move_top_disk(from, to);
  else {
    int other = 3 - from - to;
    move_disks(disks - 1, from, other);
    move_top_disk(from, to);
    move_disks(disks - 1, other, to);
  }
}
static void free_piles(void) {
  for (int p = 0; p < 3; p++) while (piles[p]) { Disk *n = piles[p]->next; free(piles[p]); piles[p] = n; }
}
static int benchmark(void) {
  piles[0] = piles[1] = piles[2] = NULL;
  build_tower_at(0, 13);
  moves_done = 0;
  move_disks(13, 0, 1);
  free_piles();
  return moves_done;
}
int main(void) {
  int result = 0;
  for (int it = 0; it < 300; it++) {
    result = benchmark();
    if (result != 8191) { fprintf(stderr, "towers: wrong move count\n"); return 1; }
  }
  printf("towers: moves = %d\n", result);
  return 0;
}
