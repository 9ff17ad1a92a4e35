// fib: naive doubly-recursive Fibonacci, fib(32) computed 4 times (peer of corpus/bench/fib.gene)
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
let result = 0;
for (let i = 0; i < 4; i++) { result = fib(32); if (result !== 2178309) throw new Error("fib 32"); }
console.log("fib(32) = " + result);
