// permute: AWFY Permute, 6 elements, ITER = 500 (peer of corpus/bench/permute.gene)
let count = 0, v = null;
function swap(i, j) { const tmp = v[i]; v[i] = v[j]; v[j] = tmp; }
function permute(n) {
  count++;
  if (n !== 0) {
    const n1 = n - 1;
    permute(n1);
    for (let i = n1; i >= 0; i--) { swap(n1, i); permute(n1); swap(n1, i); }
  }
}
function benchmark() { count = 0; v = [0, 0, 0, 0, 0, 0]; permute(6); return count; }
let result = 0;
for (let it = 0; it < 500; it++) { result = benchmark(); if (result !== 8660) throw new Error("permute: wrong count"); }
console.log("permute: count = " + result);
