// sieve: AWFY Sieve, 5000 flags, ITER = 1000 (peer of corpus/bench/sieve.gene)
function sieve(flags, size) {
  let primeCount = 0;
  for (let i = 2; i <= size; i++) {
    if (flags[i - 1]) { primeCount++; for (let k = i + i; k <= size; k += i) flags[k - 1] = false; }
  }
  return primeCount;
}
function benchmark() { const flags = []; for (let i = 0; i < 5000; i++) flags.push(true); return sieve(flags, 5000); }
let result = 0;
for (let it = 0; it < 1000; it++) { result = benchmark(); if (result !== 669) throw new Error("sieve: wrong prime count"); }
console.log("sieve: primes below 5000 = " + result);
