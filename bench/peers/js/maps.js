// maps: insert/lookup/miss/update/delete of 2000 int + 2000 string keys, ROUNDS = 400
// (peer of corpus/bench/maps.gene); a Map keeps int and string keys distinct, like Gene.
function oneRound(n) {
  const m = new Map();
  for (let i = 0; i < n; i++) { m.set(i, i * 3); m.set("k" + i, i); }
  if (m.size !== 2 * n) throw new Error("maps: wrong size after insert");
  let sum = 0;
  for (let i = 0; i < n; i++) { sum += m.get(i); sum += m.get("k" + i); }
  let misses = 0;
  for (let i = n; i < 2 * n; i++) {
    if (m.get(i) === undefined) misses += 1;
    if (!m.has("k" + i)) misses += 1;
  }
  for (let i = 0; i < n; i++) m.set(i, m.get(i) + 1);
  for (let i = 0; i < n; i++) if (i % 2 === 0) m.delete("k" + i);
  let sum2 = 0;
  for (const k of m.keys()) sum2 += m.get(k);
  return [sum, misses, m.size, sum2];
}
const N = 2000, ROUNDS = 400;
let r = null;
for (let it = 0; it < ROUNDS; it++) {
  r = oneRound(N);
  if (r[0] !== 2 * N * (N - 1)) throw new Error("maps: wrong lookup sum");
  if (r[1] !== 2 * N) throw new Error("maps: wrong miss count");
  if (r[2] !== N + N / 2) throw new Error("maps: wrong size after delete");
  if (r[3] !== (3 * N * (N - 1)) / 2 + (N + (N / 2) * (N / 2))) throw new Error("maps: wrong final sum");
}
console.log("maps: lookups sum = " + r[0] + " misses = " + r[1] + " size = " + r[2] + " final sum = " + r[3]);
