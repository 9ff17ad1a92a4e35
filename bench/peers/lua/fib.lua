-- fib: naive doubly-recursive Fibonacci, fib(32) computed 4 times (peer of corpus/bench/fib.gene)
local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end
local result = 0
for i = 0, 3 do
  result = fib(32)
  assert(result == 2178309, "fib 32")
end
print("fib(32) = " .. result)
