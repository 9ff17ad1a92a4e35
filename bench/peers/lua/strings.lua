-- strings: build a 2000-word text by concatenation, count "gene " by naive matching and
-- count vowels char by char; ROUNDS = 100 (peer of corpus/bench/strings.gene)
local seed = 74755
local function next_random()
  seed = (seed * 1309 + 13849) % 65536
  return seed
end
local words = {"gene", "lisp", "jit", "interp", "baseline", "tier", "engine", "closure", "map", "string"}
local word_vowels = {2, 1, 1, 2, 4, 2, 3, 3, 1, 1}

local function build_text(n)
  local s = ""
  local genes, vowels = 0, 0
  for i = 1, n do
    local k = next_random() % 10
    local w = words[k + 1]
    if w == "gene" then genes = genes + 1 end
    vowels = vowels + word_vowels[k + 1]
    s = s .. w .. " "
  end
  return s, genes, vowels
end
local sub = string.sub
local function count_occurrences(text, pat)
  local n = 0
  local m = #pat
  local first = sub(pat, 1, 1)
  local i = 1
  local last = #text - m + 1
  while i <= last do
    if sub(text, i, i) == first and sub(text, i, i + m - 1) == pat then n = n + 1 end
    i = i + 1
  end
  return n
end
local function count_vowels(text)
  local n = 0
  for i = 1, #text do
    local c = sub(text, i, i)
    if c == "a" or c == "e" or c == "i" or c == "o" or c == "u" then n = n + 1 end
  end
  return n
end
local total_genes, total_vowels = 0, 0
for r = 1, 100 do
  local text, genes, vowels = build_text(2000)
  local found = count_occurrences(text, "gene ")
  assert(found == genes, "strings: wrong occurrence count")
  total_genes = total_genes + found
  local v = count_vowels(text)
  assert(v == vowels, "strings: wrong vowel count")
  total_vowels = total_vowels + v
end
print("strings: 'gene' occurrences = " .. total_genes .. " vowels = " .. total_vowels)
