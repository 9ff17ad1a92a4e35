-- storage: AWFY Storage, tree of depth 7 / fan-out 4, ITER = 250 (peer of corpus/bench/storage.gene)
-- Lua tables cannot hold nil elements, so the empty slots hold false
local seed = 74755
local function next_random()
  seed = (seed * 1309 + 13849) % 65536
  return seed
end
local count = 0
local function new_array(n)
  local a = {}
  for i = 1, n do a[i] = false end
  return a
end
local function build_tree_depth(depth)
  count = count + 1
  if depth == 1 then
    return new_array(next_random() % 10 + 1)
  end
  local arr = new_array(4)
  for i = 1, 4 do arr[i] = build_tree_depth(depth - 1) end
  return arr
end
local function benchmark()
  seed = 74755
  count = 0
  build_tree_depth(7)
  return count
end
local result = 0
for it = 1, 250 do
  result = benchmark()
  assert(result == 5461, "storage: wrong node count")
end
print("storage: nodes = " .. result)
