// closures: counters, accumulators and higher-order functions, ROUNDS = 32000 over 100 elements
// (peer of corpus/bench/closures.gene)
function makeCounter() { let n = 0; return [() => (n += 1), () => n]; }
function makeAccumulator(start) { let total = start; return (x) => (total += x); }
function mapArray(f, a) { const out = []; for (const x of a) out.push(f(x)); return out; }
function filterArray(p, a) { const out = []; for (const x of a) if (p(x)) out.push(x); return out; }
function fold(f, acc, a) { for (const x of a) acc = f(acc, x); return acc; }
function compose(f, g) { return (x) => f(g(x)); }
const data = []; for (let i = 0; i < 100; i++) data.push(i);
const ROUNDS = 32000;
const counter = makeCounter();
const inc = counter[0], getCount = counter[1];
const acc = makeAccumulator(0);
let total = 0;
for (let r = 0; r < ROUNDS; r++) {
  const k = r % 10;
  const addK = (x) => x + k;
  const double = (x) => x * 2;
  const f = compose(double, addK);
  const mapped = mapArray(f, data);
  const evens = filterArray((x) => x % 4 === 0, mapped);
  const s = fold((a, b) => a + b, 0, evens);
  for (const x of evens) inc();
  acc(s);
  total += s;
}
let check = 0, checkCount = 0;
for (let r = 0; r < ROUNDS; r++) {
  const k = r % 10;
  for (const x of data) if ((x + k) % 2 === 0) { check += 2 * (x + k); checkCount += 1; }
}
if (total !== check) throw new Error("closures: wrong total");
if (acc(0) !== check) throw new Error("closures: wrong accumulator");
if (getCount() !== checkCount) throw new Error("closures: wrong counter");
console.log("closures: total = " + total + " count = " + getCount());
