# strings: build a 2000-word text by concatenation, count "gene " by naive matching and
# count vowels char by char; ROUNDS = 100 (peer of corpus/bench/strings.gene)
seed = 74755
def next_random():
    global seed
    seed = (seed * 1309 + 13849) % 65536
    return seed
words = ["gene", "lisp", "jit", "interp", "baseline", "tier", "engine", "closure", "map", "string"]
word_vowels = [2, 1, 1, 2, 4, 2, 3, 3, 1, 1]
def build_text(n):
    s = ""
    genes = 0
    vowels = 0
    for i in range(n):
        k = next_random() % 10
        w = words[k]
        if w == "gene":
            genes += 1
        vowels += word_vowels[k]
        s = (s + w) + " "
    return [s, genes, vowels]
def count_occurrences(text, pat):
    n = 0
    m = len(pat)
    first = pat[0]
    i = 0
    last = len(text) - m
    while i <= last:
        if text[i] == first and text[i:i + m] == pat:
            n += 1
        i += 1
    return n
def count_vowels(text):
    n = 0
    for i in range(len(text)):
        c = text[i]
        if c == "a" or c == "e" or c == "i" or c == "o" or c == "u":
            n += 1
    return n
total_genes = 0
total_vowels = 0
for r in range(100):
    built = build_text(2000)
    text = built[0]
    found = count_occurrences(text, "gene ")
    assert found == built[1], "strings: wrong occurrence count"
    total_genes += found
    vowels = count_vowels(text)
    assert vowels == built[2], "strings: wrong vowel count"
    total_vowels += vowels
print("strings: 'gene' occurrences =", total_genes, "vowels =", total_vowels)
