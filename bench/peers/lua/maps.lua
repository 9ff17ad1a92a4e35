-- maps: insert/lookup/miss/update/delete of 2000 int + 2000 string keys, ROUNDS = 400
-- (peer of corpus/bench/maps.gene). Lua tables have no O(1) size, so the map is a table
-- plus an element count kept up to date on insert and delete.
local function map_set(m, k, v)
  local t = m.t
  if t[k] == nil then m.size = m.size + 1 end
  t[k] = v
end
local function map_del(m, k)
  local t = m.t
  if t[k] ~= nil then m.size = m.size - 1; t[k] = nil end
end

local function one_round(n)
  local m = {t = {}, size = 0}
  for i = 0, n - 1 do
    map_set(m, i, i * 3)
    map_set(m, "k" .. i, i)
  end
  assert(m.size == 2 * n, "maps: wrong size after insert")
  local t = m.t
  local sum = 0
  for i = 0, n - 1 do
    sum = sum + t[i]
    sum = sum + t["k" .. i]
  end
  local misses = 0
  for i = n, 2 * n - 1 do
    if t[i] == nil then misses = misses + 1 end
    if t["k" .. i] == nil then misses = misses + 1 end
  end
  for i = 0, n - 1 do map_set(m, i, t[i] + 1) end
  for i = 0, n - 1 do
    if i % 2 == 0 then map_del(m, "k" .. i) end
  end
  local sum2 = 0
  for k, v in pairs(t) do sum2 = sum2 + t[k] end
  return {sum, misses, m.size, sum2}
end

local N, ROUNDS = 2000, 400
local r
for it = 1, ROUNDS do
  r = one_round(N)
  assert(r[1] == 2 * N * (N - 1), "maps: wrong lookup sum")
  assert(r[2] == 2 * N, "maps: wrong miss count")
  assert(r[3] == N + math.floor(N / 2), "maps: wrong size after delete")
  local h = math.floor(N / 2)
  assert(r[4] == math.floor(3 * N * (N - 1) / 2) + N + h * h, "maps: wrong final sum")
end
print("maps: lookups sum = " .. r[1] .. " misses = " .. r[2] .. " size = " .. r[3] .. " final sum = " .. r[4])
