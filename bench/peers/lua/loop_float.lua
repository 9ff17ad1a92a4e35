-- loop_float: midpoint-rule integration of 4/(1+x^2) on [0,1], N = 15000000 (peer of corpus/bench/loop_float.gene)
-- shortest round-trip float formatting, Python repr rules
local function repr(x)
  local s
  for p = 1, 17 do
    s = string.format("%." .. (p - 1) .. "e", x)
    if tonumber(s) == x then break end
  end
  local sign, d1, rest, e = s:match("^(-?)(%d)%.?(%d*)e([-+]%d+)$")
  local digits = (d1 .. rest):gsub("0+$", "")
  if digits == "" then digits = "0" end
  e = tonumber(e)
  if e >= -4 and e < 16 then
    if e >= 0 then
      if #digits <= e + 1 then return sign .. digits .. string.rep("0", e + 1 - #digits) .. ".0" end
      return sign .. digits:sub(1, e + 1) .. "." .. digits:sub(e + 2)
    end
    return sign .. "0." .. string.rep("0", -e - 1) .. digits
  end
  local m = digits:sub(1, 1)
  if #digits > 1 then m = m .. "." .. digits:sub(2) end
  return sign .. m .. "e" .. (e < 0 and "-" or "+") .. string.format("%02d", math.abs(e))
end

local function integrate_pi(n)
  local h = 1.0 / n
  local s = 0.0
  local i = 0
  while i < n do
    local x = (i + 0.5) * h
    s = s + 4.0 / (1.0 + x * x)
    i = i + 1
  end
  return s * h
end
local N = 15000000
local result = integrate_pi(N)
assert(math.abs(result - 3.141592653589793) < 1e-9, "loop_float: not pi")
print("loop_float: pi ~ " .. repr(result))
