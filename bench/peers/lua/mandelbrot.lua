-- mandelbrot: AWFY Mandelbrot, size 500 (checksum 191) plus size-1 check (peer of corpus/bench/mandelbrot.gene)
-- like the Gene port, << is * 2^k and xor is done bit by bit (no bit ops in Lua 5.1/LuaJIT syntax)
local function xor8(a, b)
  local r, bit = 0, 1
  for i = 1, 8 do
    if a % 2 ~= b % 2 then r = r + bit end
    a = math.floor(a / 2)
    b = math.floor(b / 2)
    bit = bit * 2
  end
  return r
end
local function pow2(k)
  local p = 1
  for i = 1, k do p = p * 2 end
  return p
end
local function mandelbrot(size)
  local sum, byte_acc, bit_num = 0, 0, 0
  local y = 0
  while y < size do
    local ci = 2.0 * y / size - 1.0
    local x = 0
    while x < size do
      local zr, zrzr, zi, zizi = 0.0, 0.0, 0.0, 0.0
      local cr = 2.0 * x / size - 1.5
      local z = 0
      local not_done = true
      local escape = 0
      while not_done and z < 50 do
        zr = zrzr - zizi + cr
        zi = 2.0 * zr * zi + ci
        zrzr = zr * zr
        zizi = zi * zi
        if zrzr + zizi > 4.0 then
          not_done = false
          escape = 1
        end
        z = z + 1
      end
      byte_acc = byte_acc * 2 + escape
      bit_num = bit_num + 1
      if bit_num == 8 then
        sum = xor8(sum, byte_acc)
        byte_acc = 0
        bit_num = 0
      elseif x == size - 1 then
        byte_acc = byte_acc * pow2(8 - bit_num)
        sum = xor8(sum, byte_acc)
        byte_acc = 0
        bit_num = 0
      end
      x = x + 1
    end
    y = y + 1
  end
  return sum
end
local SIZE = 500
assert(mandelbrot(1) == 128, "mandelbrot: size 1")
local result = mandelbrot(SIZE)
assert(result == 191, "mandelbrot: wrong checksum")
print("mandelbrot " .. SIZE .. " checksum = " .. result)
