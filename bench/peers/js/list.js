// list: AWFY List, lists of 15/10/6 and the Takeuchi-like tail, ITER = 700 (peer of corpus/bench/list.gene)
function makeList(length) { return length === 0 ? null : { val: length, next: makeList(length - 1) }; }
function listLength(e) { const n = e.next; return n === null ? 1 : 1 + listLength(n); }
function isShorterThan(x, y) {
  let xTail = x, yTail = y;
  while (yTail !== null) { if (xTail === null) return true; xTail = xTail.next; yTail = yTail.next; }
  return false;
}
function tail(x, y, z) {
  if (isShorterThan(y, x)) return tail(tail(x.next, y, z), tail(y.next, z, x), tail(z.next, x, y));
  return z;
}
function benchmark() { return listLength(tail(makeList(15), makeList(10), makeList(6))); }
let result = 0;
for (let it = 0; it < 700; it++) { result = benchmark(); if (result !== 10) throw new Error("list: wrong length"); }
console.log("list: length = " + result);
