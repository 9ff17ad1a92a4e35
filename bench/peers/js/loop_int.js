// loop_int: sum of i % 7 for i < 35000000 (peer of corpus/bench/loop_int.gene)
function sumMod7(n) { let s = 0, i = 0; while (i < n) { s += i % 7; i += 1; } return s; }
function expected(n) { const full = Math.floor(n / 7), rest = n - full * 7; return full * 21 + (rest * (rest - 1)) / 2; }
const N = 35000000;
const result = sumMod7(N);
if (result !== expected(N)) throw new Error("loop_int: wrong sum");
console.log("loop_int: sum of i % 7 for i < " + N + " = " + result);
