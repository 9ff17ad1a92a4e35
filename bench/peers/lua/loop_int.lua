-- loop_int: sum of i % 7 for i < 35000000 (peer of corpus/bench/loop_int.gene)
local function sum_mod7(n)
  local s = 0
  local i = 0
  while i < n do
    s = s + i % 7
    i = i + 1
  end
  return s
end
local function expected(n)
  local full = math.floor(n / 7)
  local rest = n - full * 7
  return full * 21 + math.floor(rest * (rest - 1) / 2)
end
local N = 35000000
local result = sum_mod7(N)
assert(result == expected(N), "loop_int: wrong sum")
print("loop_int: sum of i % 7 for i < " .. N .. " = " .. result)
