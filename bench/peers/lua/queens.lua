-- queens: AWFY Queens, 8 queens solved 10 times per benchmark, ITER = 1000 (peer of corpus/bench/queens.gene)
-- arrays are 0-based here to mirror the Gene indices
local free_rows, free_maxs, free_mins, queen_rows

local function filled(n, v)
  local a = {}
  for i = 0, n - 1 do a[i] = v end
  return a
end
local function get_row_column(r, c)
  return free_rows[r] and free_maxs[c + r] and free_mins[c - r + 7]
end
local function set_row_column(r, c, v)
  free_rows[r] = v
  free_maxs[c + r] = v
  free_mins[c - r + 7] = v
end
local function place_queen(c)
  for r = 0, 7 do
    if get_row_column(r, c) then
      queen_rows[r] = c
      set_row_column(r, c, false)
      if c == 7 then return true end
      if place_queen(c + 1) then return true end
      set_row_column(r, c, true)
    end
  end
  return false
end
local function queens()
  free_rows = filled(8, true)
  free_maxs = filled(16, true)
  free_mins = filled(16, true)
  queen_rows = filled(8, -1)
  return place_queen(0)
end
local function benchmark()
  local result = true
  for i = 1, 10 do result = result and queens() end
  return result
end
local result
for it = 1, 1000 do
  result = benchmark()
  assert(result == true, "queens: no solution")
end
local parts = {}
for i = 0, 7 do parts[#parts + 1] = tostring(queen_rows[i]) end
print("queens: solved = " .. tostring(result) .. " rows = [" .. table.concat(parts, " ") .. "]")
