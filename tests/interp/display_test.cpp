// Display rules (SPEC §3 and §3.1 "Display"): floats exactly like Python's repr, strings raw at
// top level and quoted inside collections, nil, nesting, cycles, map keys, functions.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "interp/display.h"
#include "interp/heap.h"
#include "interp/object.h"
#include "interp/proto.h"
#include "test_util.h"

namespace gene {
namespace {

std::string repr(double d) {
  std::string s;
  append_float(s, d);
  return s;
}

TEST(DisplayInt, EveryDigitCountAndSignMatchesStdToString) {
  // append_int writes two digits a step from a table: each length, both signs, the 48-bit ends.
  std::vector<int64_t> cases = {0, -1, 140737488355327, -140737488355328};
  for (int64_t p = 1; p <= 100000000000000; p *= 10)
    for (int64_t v : {p - 1, p, p + 1, 7 * p + 3}) {
      cases.push_back(v);
      cases.push_back(-v);
    }
  for (int64_t v : cases) {
    std::string s = "x";
    append_int(s, v);
    EXPECT_EQ(s, "x" + std::to_string(v));
  }
}

double opaque(double d) {
  volatile double v = d;
  return v;
}

struct FloatCase {
  double value;
  const char* python;  // repr(value) in CPython
};

TEST(DisplayFloat, MatchesPythonRepr) {
  const FloatCase cases[] = {
      {2.0, "2.0"},
      {3.14, "3.14"},
      {1e16, "1e+16"},
      {1e21, "1e+21"},
      {1e22, "1e+22"},
      {1.5e-05, "1.5e-05"},
      {2.5e-05, "2.5e-05"},
      {0.0001, "0.0001"},
      {0.00011, "0.00011"},
      {0.00015000000000000001, "0.00015000000000000001"},
      {0.0, "0.0"},
      {-0.0, "-0.0"},
      {0.1 + 0.2, "0.30000000000000004"},
      {0.1, "0.1"},
      {123456789012345.67, "123456789012345.67"},
      {1e-07, "1e-07"},
      {5e-324, "5e-324"},
      {1e-323, "1e-323"},
      {1.7976931348623157e+308, "1.7976931348623157e+308"},
      {1e15, "1000000000000000.0"},
      {9999999999999998.0, "9999999999999998.0"},
      {12345678901234567.0, "1.2345678901234568e+16"},
      {9007199254740992.0, "9007199254740992.0"},
      {1.23e-300, "1.23e-300"},
      {-1.5e-10, "-1.5e-10"},
      {1e100, "1e+100"},
      {2.0 / 3.0, "0.6666666666666666"},
      {1.0 / 3.0, "0.3333333333333333"},
      {100.0, "100.0"},
      {-2.5, "-2.5"},
      {1.5e2, "150.0"},
      {0.25, "0.25"},
      {123456789.125, "123456789.125"},
      {4.35, "4.35"},
      {1e-5, "1e-05"},
      {0.001, "0.001"},
      {1e5, "100000.0"},
      {-1e16, "-1e+16"},
      {1.5e16, "1.5e+16"},
      {140737488355327.0, "140737488355327.0"},
  };
  for (const FloatCase& c : cases) EXPECT_EQ(repr(c.value), c.python) << "value " << c.python;
}

TEST(DisplayFloat, SpecialValues) {
  EXPECT_EQ(repr(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(repr(-std::numeric_limits<double>::infinity()), "-inf");
  double nan = opaque(0.0) / opaque(0.0);  // x86 produces the negative default NaN
  EXPECT_EQ(repr(nan), "nan");
  EXPECT_EQ(repr(-nan), "nan");
  EXPECT_EQ(repr(std::copysign(std::numeric_limits<double>::quiet_NaN(), -1.0)), "nan");
  EXPECT_EQ(repr(std::sqrt(opaque(-1.0))), "nan");
}

TEST(DisplayFloat, ShortestDigitsReadBack) {
  // Every printed finite float reads back (strtod) to the same double.
  const double samples[] = {0.1, 0.7, 1.0 / 7, 2.0 / 3, 1e-310, 6.02214076e23, 299792458.0, 1.1e-4,
                            9.999999999999999e15, 123.456, 1e16 + 2, 5e-5};
  for (double d : samples) {
    std::string s = repr(d);
    EXPECT_EQ(std::strtod(s.c_str(), nullptr), d) << s;
    EXPECT_TRUE(s.find('.') != std::string::npos || s.find('e') != std::string::npos) << s;
  }
}

TEST(DisplayFloat, ThroughPrograms) {
  using test::output_of;
  EXPECT_EQ(output_of("(println (10 / 5) (1 / 0) (-1 / 0) (0 / 0) (sqrt -1) 1e999 -1e999)"),
            "2.0 inf -inf nan nan inf -inf\n");
  EXPECT_EQ(output_of("(println (0.1 + 0.2) 1e16 1.5e-5 -0.0 (float 3) 2.5e-1 1e5)"),
            "0.30000000000000004 1e+16 1.5e-05 -0.0 3.0 0.25 100000.0\n");
  EXPECT_EQ(test::result_of("[1.0 -0.0 (0 / 0)]"), "[1.0 -0.0 nan]");
}

class DisplayValues : public ::testing::Test {
 protected:
  Heap heap;
  Value str(const char* s) { return Value::object(heap.new_string(s)); }
  Value sym(const char* s) { return Value::object(heap.intern(s)); }
  Value arr(std::initializer_list<Value> items) {
    Array* a = heap.new_array();
    a->items.assign(items);
    return Value::object(a);
  }
  Map* map() { return heap.new_map(); }
};

TEST_F(DisplayValues, Scalars) {
  EXPECT_EQ(to_display(Value::integer(42)), "42");
  EXPECT_EQ(to_display(Value::integer(-10)), "-10");
  EXPECT_EQ(to_display(Value::integer(kIntMin)), "-140737488355328");
  EXPECT_EQ(to_display(Value::integer(kIntMax)), "140737488355327");
  EXPECT_EQ(to_display(Value::boolean(true)), "true");
  EXPECT_EQ(to_display(Value::boolean(false)), "false");
  EXPECT_EQ(to_display_nested(Value::boolean(false)), "false");
  EXPECT_EQ(to_display(sym("name")), "name");
  EXPECT_EQ(to_display_nested(sym("name")), "name");
}

TEST_F(DisplayValues, NilIsEmptyAtTopLevelAndNilInside) {
  EXPECT_EQ(to_display(Value::nil()), "");
  EXPECT_EQ(to_display_nested(Value::nil()), "nil");
  EXPECT_EQ(to_display(arr({Value::integer(1), str("a"), Value::nil()})), "[1 \"a\" nil]");
}

TEST_F(DisplayValues, StringsRawAtTopLevelQuotedInside) {
  Value s = str("a\"b\\c\nd\te\rf");
  EXPECT_EQ(to_display(s), "a\"b\\c\nd\te\rf");
  EXPECT_EQ(to_display_nested(s), "\"a\\\"b\\\\c\\nd\\te\\rf\"");
  EXPECT_EQ(to_display(arr({s})), "[\"a\\\"b\\\\c\\nd\\te\\rf\"]");
  EXPECT_EQ(to_display(str("")), "");
  EXPECT_EQ(to_display_nested(str("")), "\"\"");
  // Other bytes are not escaped.
  EXPECT_EQ(to_display_nested(str("caf\xc3\xa9 #")), "\"caf\xc3\xa9 #\"");
}

TEST_F(DisplayValues, NestedCollections) {
  Map* m = map();
  m->set(sym("a"), Value::integer(1));
  m->set(sym("b"), arr({Value::integer(2)}));
  EXPECT_EQ(to_display(Value::object(m)), "{^a 1 ^b [2]}");
  EXPECT_EQ(to_display(arr({})), "[]");
  EXPECT_EQ(to_display(Value::object(map())), "{}");
  EXPECT_EQ(to_display(arr({arr({arr({})}), Value::number(2.0)})), "[[[]] 2.0]");
}

TEST_F(DisplayValues, MapKeysBySort) {
  Map* m = map();
  m->set(sym("a"), Value::integer(1));
  m->set(str("s"), Value::integer(2));
  m->set(Value::integer(3), Value::integer(4));
  m->set(str("x y"), str("v"));
  m->set(Value::integer(-5), Value::nil());
  EXPECT_EQ(to_display(Value::object(m)), "{^a 1 \"s\" 2 3 4 \"x y\" \"v\" -5 nil}");
}

TEST_F(DisplayValues, SelfContainingCollections) {
  Value a = arr({Value::integer(1)});
  as_array(a)->items.push_back(a);
  EXPECT_EQ(to_display(a), "[1 [...]]");

  Map* m = map();
  m->set(sym("self"), Value::object(m));
  m->set(sym("n"), Value::integer(1));
  EXPECT_EQ(to_display(Value::object(m)), "{^self {...} ^n 1}");

  // a -> b -> a: the inner occurrence of a is the cycle.
  Value outer = arr({});
  Value inner = arr({outer});
  as_array(outer)->items.push_back(inner);
  EXPECT_EQ(to_display(outer), "[[[...]]]");

  // A map inside an array inside the same map.
  Map* mm = map();
  mm->set(sym("xs"), arr({Value::object(mm)}));
  EXPECT_EQ(to_display(Value::object(mm)), "{^xs [{...}]}");
}

TEST_F(DisplayValues, SharedButAcyclicIsPrintedInFull) {
  Value shared = arr({Value::integer(1)});
  EXPECT_EQ(to_display(arr({shared, shared})), "[[1] [1]]");
}

bool dummy_builtin(VM&, Value*, int, Value&) { return true; }

TEST_F(DisplayValues, Functions) {
  Proto named;
  named.name = "f";
  Proto anon;
  anon.name = "";
  EXPECT_EQ(to_display(Value::object(heap.new_closure(&named))), "<fn f>");
  EXPECT_EQ(to_display(Value::object(heap.new_closure(&anon))), "<fn>");
  EXPECT_EQ(to_display(Value::object(heap.new_builtin("print", dummy_builtin))), "<fn print>");
  EXPECT_EQ(to_display_nested(Value::object(heap.new_closure(&named))), "<fn f>");
  EXPECT_EQ(test::output_of("(fn f [] 1) (println f (fn [] 2) print str [f])"), "<fn f> <fn> <fn print> <fn str> [<fn f>]\n");
}

TEST(DisplayPrograms, PrintPrintlnAndStr) {
  using test::output_of;
  EXPECT_EQ(output_of("(print 1 \"a\" nil :s) (print) (println) (println [1 \"a\" nil] {^k \"v\"})"),
            "1 a  s\n[1 \"a\" nil] {^k \"v\"}\n");
  EXPECT_EQ(output_of("(println (str 1 \"b\" nil [\"c\"] 2.0 :d))"), "1b[\"c\"]2.0d\n");
  EXPECT_EQ(output_of("(var a [1]) (a .push a) (var m {^a 1}) (m/me = m) (println a m)"),
            "[1 [...]] {^a 1 ^me {...}}\n");
}

// Ints take a shortcut (std::to_chars, no display walk) that must print exactly std::to_string.
TEST_F(DisplayValues, IntsMatchToString) {
  std::vector<int64_t> cases = {0,     1,       -1,      9,       10,          -10,
                                12345, -98765, kIntMax, kIntMin, kIntMax - 1, kIntMin + 1};
  for (int64_t p = 1; p <= kIntMax / 10; p *= 10)
    for (int64_t d : {p - 1, p, p + 1}) cases.insert(cases.end(), {d, -d});
  for (int64_t i : cases) {
    EXPECT_EQ(to_display(Value::integer(i)), std::to_string(i));
    EXPECT_EQ(to_display_nested(Value::integer(i)), std::to_string(i));
    std::string s = "k";
    append_int(s, i);
    EXPECT_EQ(s, std::string("k").append(std::to_string(i)));
  }
  EXPECT_EQ(to_display(arr({Value::integer(-7), str("x"), Value::integer(kIntMin)})),
            "[-7 \"x\" -140737488355328]");
}

TEST(DisplayPrograms, StrOfStringsAndIntsIsTheirDisplay) {
  using test::output_of;
  EXPECT_EQ(output_of("(println (str \"k\" 0 \"/\" -5 \"/\" 140737488355327 \"/\" -140737488355328))"),
            "k0/-5/140737488355327/-140737488355328\n");
  EXPECT_EQ(output_of("(println (str) (str \"\") (str \"ab\" \"cd\") (str 1.5 nil true -0.0 1e300 [1 \"s\"]))"),
            "  abcd 1.5true-0.01e+300[1 \"s\"]\n");
  EXPECT_EQ(output_of("(var m {}) (for i in (range -3 3) (m .set (str \"k\" i) i))"
                      "(println (m .get \"k-3\") (m .keys))"),
            "-3 [\"k-3\" \"k-2\" \"k-1\" \"k0\" \"k1\" \"k2\"]\n");
}

TEST(DisplayPrograms, ResultUsesCollectionDisplay) {
  using test::result_of;
  EXPECT_EQ(result_of("\"abc\""), "\"abc\"");
  EXPECT_EQ(result_of("nil"), "nil");
  EXPECT_EQ(result_of("(println 1)"), "nil");
  EXPECT_EQ(result_of(":sym"), "sym");
  EXPECT_EQ(result_of("(var m {}) (m .set \"k\" 1) (m .set 2 :v) m"), "{\"k\" 1 2 v}");
  EXPECT_EQ(result_of(""), "nil");
}

}  // namespace
}  // namespace gene
