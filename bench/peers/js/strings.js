// strings: build a 2000-word text by concatenation, count "gene " by naive matching and
// count vowels char by char; ROUNDS = 100 (peer of corpus/bench/strings.gene)
let seed = 74755;
function nextRandom() { seed = (seed * 1309 + 13849) % 65536; return seed; }
const words = ["gene", "lisp", "jit", "interp", "baseline", "tier", "engine", "closure", "map", "string"];
const wordVowels = [2, 1, 1, 2, 4, 2, 3, 3, 1, 1];
function buildText(n) {
  let s = "", genes = 0, vowels = 0;
  for (let i = 0; i < n; i++) {
    const k = nextRandom() % 10;
    const w = words[k];
    if (w === "gene") genes += 1;
    vowels += wordVowels[k];
    s = s + w + " ";
  }
  return [s, genes, vowels];
}
function countOccurrences(text, pat) {
  let n = 0;
  const m = pat.length, first = pat[0], last = text.length - m;
  for (let i = 0; i <= last; i++) if (text[i] === first && text.substring(i, i + m) === pat) n += 1;
  return n;
}
function countVowels(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "a" || c === "e" || c === "i" || c === "o" || c === "u") n += 1;
  }
  return n;
}
let totalGenes = 0, totalVowels = 0;
for (let r = 0; r < 100; r++) {
  const built = buildText(2000);
  const text = built[0];
  const found = countOccurrences(text, "gene ");
  if (found !== built[1]) throw new Error("strings: wrong occurrence count");
  totalGenes += found;
  const vowels = countVowels(text);
  if (vowels !== built[2]) throw new Error("strings: wrong vowel count");
  totalVowels += vowels;
}
console.log("strings: 'gene' occurrences = " + totalGenes + " vowels = " + totalVowels);
