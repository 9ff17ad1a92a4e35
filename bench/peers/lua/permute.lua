-- permute: AWFY Permute, 6 elements, ITER = 500 (peer of corpus/bench/permute.gene)
local count = 0
local v

local function swap(i, j)
  local tmp = v[i]
  v[i] = v[j]
  v[j] = tmp
end
local function permute(n)
  count = count + 1
  if n ~= 0 then
    local n1 = n - 1
    permute(n1)
    local i = n1
    while i >= 0 do
      swap(n1, i)
      permute(n1)
      swap(n1, i)
      i = i - 1
    end
  end
end
local function benchmark()
  count = 0
  v = {[0] = 0, 0, 0, 0, 0, 0}
  permute(6)
  return count
end
local result = 0
for it = 1, 500 do
  result = benchmark()
  assert(result == 8660, "permute: wrong count")
end
print("permute: count = " .. result)
