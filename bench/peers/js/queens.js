// queens: AWFY Queens, 8 queens solved 10 times per benchmark, ITER = 1000 (peer of corpus/bench/queens.gene)
let freeRows, freeMaxs, freeMins, queenRows;
function filled(n, v) { const a = []; for (let i = 0; i < n; i++) a.push(v); return a; }
function getRowColumn(r, c) { return freeRows[r] && freeMaxs[c + r] && freeMins[c - r + 7]; }
function setRowColumn(r, c, v) { freeRows[r] = v; freeMaxs[c + r] = v; freeMins[c - r + 7] = v; }
function placeQueen(c) {
  for (let r = 0; r < 8; r++) {
    if (getRowColumn(r, c)) {
      queenRows[r] = c;
      setRowColumn(r, c, false);
      if (c === 7) return true;
      if (placeQueen(c + 1)) return true;
      setRowColumn(r, c, true);
    }
  }
  return false;
}
function queens() {
  freeRows = filled(8, true); freeMaxs = filled(16, true); freeMins = filled(16, true); queenRows = filled(8, -1);
  return placeQueen(0);
}
function benchmark() { let result = true; for (let i = 0; i < 10; i++) result = result && queens(); return result; }
let result;
for (let it = 0; it < 1000; it++) { result = benchmark(); if (result !== true) throw new Error("queens: no solution"); }
console.log("queens: solved = " + result + " rows = [" + queenRows.join(" ") + "]");
