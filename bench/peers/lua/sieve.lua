-- sieve: AWFY Sieve, 5000 flags, ITER = 1000 (peer of corpus/bench/sieve.gene)
local function sieve(flags, size)
  local prime_count = 0
  local i = 2
  while i <= size do
    if flags[i] then
      prime_count = prime_count + 1
      local k = i + i
      while k <= size do
        flags[k] = false
        k = k + i
      end
    end
    i = i + 1
  end
  return prime_count
end
local function benchmark()
  local flags = {}
  for i = 1, 5000 do flags[i] = true end
  return sieve(flags, 5000)
end
local result = 0
for it = 1, 1000 do
  result = benchmark()
  assert(result == 669, "sieve: wrong prime count")
end
print("sieve: primes below 5000 = " .. result)
