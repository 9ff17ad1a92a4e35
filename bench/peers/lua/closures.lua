-- closures: counters, accumulators and higher-order functions, ROUNDS = 32000 over 100 elements
-- (peer of corpus/bench/closures.gene)
local function make_counter()
  local n = 0
  return { function() n = n + 1; return n end, function() return n end }
end
local function make_accumulator(start)
  local total = start
  return function(x) total = total + x; return total end
end
local function map_array(f, a)
  local out = {}
  for _, x in ipairs(a) do out[#out + 1] = f(x) end
  return out
end
local function filter_array(p, a)
  local out = {}
  for _, x in ipairs(a) do if p(x) then out[#out + 1] = x end end
  return out
end
local function fold(f, acc, a)
  for _, x in ipairs(a) do acc = f(acc, x) end
  return acc
end
local function compose(f, g) return function(x) return f(g(x)) end end

local data = {}
for i = 0, 99 do data[#data + 1] = i end
local ROUNDS = 32000
local counter = make_counter()
local inc = counter[1]
local get_count = counter[2]
local acc = make_accumulator(0)
local total = 0
for r = 0, ROUNDS - 1 do
  local k = r % 10
  local add_k = function(x) return x + k end
  local double = function(x) return x * 2 end
  local f = compose(double, add_k)
  local mapped = map_array(f, data)
  local evens = filter_array(function(x) return x % 4 == 0 end, mapped)
  local s = fold(function(a, b) return a + b end, 0, evens)
  for _ = 1, #evens do inc() end
  acc(s)
  total = total + s
end

local check, check_count = 0, 0
for r = 0, ROUNDS - 1 do
  local k = r % 10
  for _, x in ipairs(data) do
    if (x + k) % 2 == 0 then
      check = check + 2 * (x + k)
      check_count = check_count + 1
    end
  end
end
assert(total == check, "closures: wrong total")
assert(acc(0) == check, "closures: wrong accumulator")
assert(get_count() == check_count, "closures: wrong counter")
print("closures: total = " .. total .. " count = " .. get_count())
