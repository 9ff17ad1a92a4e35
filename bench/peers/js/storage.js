// storage: AWFY Storage, tree of depth 7 / fan-out 4, ITER = 250 (peer of corpus/bench/storage.gene)
let seed = 74755, count = 0;
function nextRandom() { seed = (seed * 1309 + 13849) % 65536; return seed; }
function newArray(n) { const a = []; for (let i = 0; i < n; i++) a.push(null); return a; }
function buildTreeDepth(depth) {
  count += 1;
  if (depth === 1) return newArray((nextRandom() % 10) + 1);
  const arr = newArray(4);
  for (let i = 0; i < 4; i++) arr[i] = buildTreeDepth(depth - 1);
  return arr;
}
function benchmark() { seed = 74755; count = 0; buildTreeDepth(7); return count; }
let result = 0;
for (let it = 0; it < 250; it++) { result = benchmark(); if (result !== 5461) throw new Error("storage: wrong node count"); }
console.log("storage: nodes = " + result);
