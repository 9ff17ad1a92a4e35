-- towers: AWFY Towers, 13 disks as linked lists, ITER = 300 (peer of corpus/bench/towers.gene)
local piles
local moves_done = 0

local function push_disk(disk, pile)
  local top = piles[pile]
  if top ~= nil and disk.size >= top.size then
    error("Cannot put a big disk on a smaller one")
  end
  disk.next = top
  piles[pile] = disk
end
local function pop_disk_from(pile)
  local top = piles[pile]
  if top == nil then error("Attempting to remove a disk from an empty pile") end
  piles[pile] = top.next
  top.next = nil
  return top
end
local function move_top_disk(from, to)
  push_disk(pop_disk_from(from), to)
  moves_done = moves_done + 1
end
local function build_tower_at(pile, disks)
  local i = disks
  while i >= 0 do
    push_disk({size = i, next = nil}, pile)
    i = i - 1
  end
end
local function move_disks(disks, from, to)
  if disks == 1 then
    move_top_disk(from, to)
  else
    local other = 3 - from - to
    move_disks(disks - 1, from, other)
    move_top_disk(from, to)
    move_disks(disks - 1, other, to)
  end
end
local function benchmark()
  piles = {}
  build_tower_at(0, 13)
  moves_done = 0
  move_disks(13, 0, 1)
  return moves_done
end
local result = 0
for it = 1, 300 do
  result = benchmark()
  assert(result == 8191, "towers: wrong move count")
end
print("towers: moves = " .. result)
