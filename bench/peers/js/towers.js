// towers: AWFY Towers, 13 disks as linked lists, ITER = 300 (peer of corpus/bench/towers.gene)
let piles = null, movesDone = 0;
function pushDisk(disk, pile) {
  const top = piles[pile];
  if (top !== null && disk.size >= top.size) throw new Error("Cannot put a big disk on a smaller one");
  disk.next = top; piles[pile] = disk;
}
function popDiskFrom(pile) {
  const top = piles[pile];
  if (top === null) throw new Error("Attempting to remove a disk from an empty pile");
  piles[pile] = top.next; top.next = null; return top;
}
function moveTopDisk(from, to) { pushDisk(popDiskFrom(from), to); movesDone += 1; }
function buildTowerAt(pile, disks) { for (let i = disks; i >= 0; i--) pushDisk({ size: i, next: null }, pile); }
function moveDisks(disks, from, to) {
  if (disks === 1) moveTopDisk(from, to);
  else { const other = 3 - from - to; moveDisks(disks - 1, from, other); moveTopDisk(from, to); moveDisks(disks - 1, other, to); }
}
function benchmark() { piles = [null, null, null]; buildTowerAt(0, 13); movesDone = 0; moveDisks(13, 0, 1); return movesDone; }
let result = 0;
for (let it = 0; it < 300; it++) { result = benchmark(); if (result !== 8191) throw new Error("towers: wrong move count"); }
console.log("towers: moves = " + result);
