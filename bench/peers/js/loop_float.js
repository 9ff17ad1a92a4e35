// loop_float: midpoint-rule integration of 4/(1+x^2) on [0,1], N = 15000000
// (peer of corpus/bench/loop_float.gene); JS number->string is already shortest round-trip
function integratePi(n) {
  const h = 1.0 / n; let s = 0.0, i = 0;
  while (i < n) { const x = (i + 0.5) * h; s += 4.0 / (1.0 + x * x); i += 1; }
  return s * h;
}
const result = integratePi(15000000);
if (!(Math.abs(result - 3.141592653589793) < 1e-9)) throw new Error("loop_float: not pi");
console.log("loop_float: pi ~ " + result);
