#include "harness/diff.h"

#include <algorithm>
#include <vector>

namespace gene::harness {

namespace {

struct Line {
  std::string text;
  bool newline = true;  // false only for a last line without '\n'
  bool operator==(const Line&) const = default;
};

std::vector<Line> split(const std::string& s) {
  std::vector<Line> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) {
      out.push_back({s.substr(start), false});
      break;
    }
    out.push_back({s.substr(start, nl - start), true});
    start = nl + 1;
  }
  return out;
}

enum class Op { Keep, Del, Add };
struct Edit {
  Op op;
  size_t a, b;  // line index in a (Keep/Del) and in b (Keep/Add)
};

// Edit script from a to b. Common prefix and suffix are trimmed first (outputs usually differ in
// a few places); the middle uses an LCS table when it is small enough, else it is reported as
// replaced wholesale, which stays readable and bounded for huge outputs.
std::vector<Edit> edit_script(const std::vector<Line>& a, const std::vector<Line>& b) {
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre && a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) ++suf;
  size_t n = a.size() - pre - suf, m = b.size() - pre - suf;

  std::vector<Edit> out;
  for (size_t i = 0; i < pre; ++i) out.push_back({Op::Keep, i, i});
  if (n * m <= 4'000'000) {
    // lcs[i][j]: LCS length of a[pre+i..] and b[pre+j..].
    std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
      for (size_t j = m; j-- > 0;)
        lcs[i][j] = a[pre + i] == b[pre + j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[pre + i] == b[pre + j]) {
        out.push_back({Op::Keep, pre + i++, pre + j++});
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        out.push_back({Op::Del, pre + i++, pre + j});  // deletions first, as diff -u prints them
      } else {
        out.push_back({Op::Add, pre + i, pre + j++});
      }
    }
  } else {
    for (size_t i = 0; i < n; ++i) out.push_back({Op::Del, pre + i, pre});
    for (size_t j = 0; j < m; ++j) out.push_back({Op::Add, pre + n, pre + j});
  }
  for (size_t k = 0; k < suf; ++k) out.push_back({Op::Keep, pre + n + k, pre + m + k});
  return out;
}

}  // namespace

std::string unified_diff(const std::string& a_text, const std::string& b_text, const std::string& a_label,
                         const std::string& b_label, const DiffOptions& opts) {
  if (a_text == b_text) return "";
  auto a = split(a_text), b = split(b_text);
  auto edits = edit_script(a, b);

  std::string out = opts.indent + "--- " + a_label + "\n" + opts.indent + "+++ " + b_label + "\n";
  int printed = 0, suppressed = 0;
  auto emit = [&](char mark, const Line& l) {
    if (printed >= opts.max_lines) {
      ++suppressed;
      return;
    }
    ++printed;
    out += opts.indent + mark + l.text + "\n";
    if (!l.newline) out += opts.indent + "\\ No newline at end of file\n";
  };

  const size_t ctx = size_t(std::max(opts.context, 0));
  size_t k = 0;
  while (k < edits.size()) {
    // Find the next change, then extend the hunk while changes are within 2*context lines.
    while (k < edits.size() && edits[k].op == Op::Keep) ++k;
    if (k == edits.size()) break;
    size_t begin = k >= ctx ? k - ctx : 0, end = k;
    for (;;) {
      while (end < edits.size() && edits[end].op != Op::Keep) ++end;
      size_t next = end;
      while (next < edits.size() && edits[next].op == Op::Keep) ++next;
      if (next < edits.size() && next - end <= 2 * ctx) {
        end = next;
        continue;
      }
      end = std::min(end + ctx, edits.size());
      break;
    }
    size_t a_start = edits[begin].a, b_start = edits[begin].b, a_count = 0, b_count = 0;
    for (size_t i = begin; i < end; ++i) {
      if (edits[i].op != Op::Add) ++a_count;
      if (edits[i].op != Op::Del) ++b_count;
    }
    // Unified diff numbers lines from 1; an empty side is given as the line before it.
    auto range = [](size_t start, size_t count) {
      return std::to_string(count ? start + 1 : start) + (count == 1 ? "" : "," + std::to_string(count));
    };
    if (printed < opts.max_lines) out += opts.indent + "@@ -" + range(a_start, a_count) + " +" + range(b_start, b_count) + " @@\n";
    for (size_t i = begin; i < end; ++i) {
      const Edit& e = edits[i];
      if (e.op == Op::Keep) emit(' ', a[e.a]);
      else if (e.op == Op::Del) emit('-', a[e.a]);
      else emit('+', b[e.b]);
    }
    k = end;
  }
  if (suppressed) out += opts.indent + "... " + std::to_string(suppressed) + " more diff lines not shown\n";
  return out;
}

}  // namespace gene::harness
