// The reference interpreter end to end (interp/run.h): programs run in-process through
// run_source, checking stdout, result, error kind and line, and exit status (SPEC §3, §3.1).
#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace gene {
namespace {

using test::max_depth;
using test::output_of;
using test::result_of;
using test::run;
using test::runtime_error_of;
using test::stress;

// ------------------------------------------------------------------------------ arithmetic
TEST(InterpArithmetic, IntFastPaths) {
  EXPECT_EQ(result_of("[(1 + 2) (7 - 10) (6 * 7) (+ 1 2 3 4) (- 10 1 2) (* 2 3 4) (- 5) (+ 5)]"),
            "[3 -3 42 10 7 24 -5 5]");
  EXPECT_EQ(result_of("(var i 5) [(i + 1) (i - 1) (i % 3) (i + -7) (i - -7)]"), "[6 4 2 -2 12]");
}

TEST(InterpArithmetic, FloatsAndMixedOperands) {
  EXPECT_EQ(result_of("[(1 + 2.5) (2.5 + 1) (1.5 * 2) (3 - 0.5) (0.1 + 0.2) (- 2.5) (+ 1.5)]"),
            "[3.5 3.5 3.0 2.5 0.30000000000000004 -2.5 1.5]");
  EXPECT_EQ(result_of("(var x 1.5) [(x + 1) (x - 1) (x % 1)]"), "[2.5 0.5 0.5]");
}

TEST(InterpArithmetic, DivisionAlwaysGivesAFloat) {
  EXPECT_EQ(result_of("[(10 / 5) (7 / 2) (1 / 0) (-1 / 0) (0 / 0) (1.0 / 0) (-7 / 2)]"),
            "[2.0 3.5 inf -inf nan inf -3.5]");
}

TEST(InterpArithmetic, ModuloTruncatesLikeC) {
  EXPECT_EQ(result_of("[(7 % 3) (-7 % 3) (7 % -3) (-7 % -3) (0 % 5)]"), "[1 -1 1 -1 0]");
  // The same through the fused mod_int path and the generic path with a variable divisor.
  EXPECT_EQ(result_of("(var a -7) (var b 3) [(a % 3) (a % b) (140737488355327 % 10) (-140737488355328 % 3)]"),
            "[-1 -1 7 -2]");
  EXPECT_EQ(result_of("[(7.5 % 2) (-7.5 % 2) (1.0 % 0) (1 % 0.0) (5 % 2.5)]"), "[1.5 -1.5 nan nan 0.0]");
  EXPECT_EQ(runtime_error_of("(5 % 0)"), "division_by_zero@1");
  EXPECT_EQ(runtime_error_of("(var z 0)\n(7 % z)"), "division_by_zero@2");
  EXPECT_EQ(runtime_error_of("(var x 7)\n(x\n %\n 0)"), "division_by_zero@2");
}

// `(i += k)` in a function compiles to inc_local: same results and errors as `+`.
TEST(InterpArithmetic, IncLocalPaths) {
  EXPECT_EQ(result_of("(fn f [n] (var i 0) (var s 0) (while (i < n) (s += i) (i += 1)) [i s]) (f 100)"), "[100 4950]");
  EXPECT_EQ(result_of("(fn f [] (var x 1.5) (x += 1) x) (f)"), "2.5");
  EXPECT_EQ(result_of("(fn f [] (var x -3) (x += 1) x) (f)"), "-2");
  EXPECT_EQ(result_of("(fn f [] (var x 140737488355326) (x += 1) x) (f)"), "140737488355327");
  EXPECT_EQ(runtime_error_of("(fn f [] (var x 140737488355327)\n  (x += 1) x)\n(f)"), "integer_overflow@2");
  EXPECT_EQ(runtime_error_of("(fn f [] (var x \"s\")\n  (x += 1) x)\n(f)"), "type_error@2");
  EXPECT_EQ(runtime_error_of("(fn f [] (var x nil)\n  (x += 1) x)\n(f)"), "type_error@2");
  EXPECT_EQ(result_of("(fn f [] (var x 1) (try (do (x = \"s\") (x += 1) 0) catch e (x = e/kind)) x) (f)"), "type_error");
}

TEST(InterpArithmetic, OverflowAtTheBoundsIsAnError) {
  const char* max = "140737488355327";
  const char* min = "-140737488355328";
  EXPECT_EQ(result_of(std::string("[(") + max + " + 0) (" + min + " - 0) (" + max + " - 1) (" + min + " + 1)]"),
            "[140737488355327 -140737488355328 140737488355326 -140737488355327]");
  EXPECT_EQ(runtime_error_of(std::string("(") + max + " + 1)"), "integer_overflow@1");
  EXPECT_EQ(runtime_error_of(std::string("(var x ") + max + ")\n(x + 1)"), "integer_overflow@2");  // add_int
  EXPECT_EQ(runtime_error_of(std::string("(var x ") + min + ")\n(x - 1)"), "integer_overflow@2");  // sub_int
  EXPECT_EQ(runtime_error_of(std::string("(var x ") + min + ") (var one 1)\n(x - one)"), "integer_overflow@2");
  EXPECT_EQ(runtime_error_of(std::string("(* ") + max + " 2)"), "integer_overflow@1");
  EXPECT_EQ(runtime_error_of(std::string("(* ") + min + " -1)"), "integer_overflow@1");
  EXPECT_EQ(runtime_error_of(std::string("(- ") + min + ")"), "integer_overflow@1");
  EXPECT_EQ(runtime_error_of(std::string("(abs ") + min + ")"), "integer_overflow@1");
  EXPECT_EQ(runtime_error_of(std::string("(var x ") + max + ") (x += 1)"), "integer_overflow@1");
  EXPECT_EQ(runtime_error_of("(* 16777216 16777216)"), "integer_overflow@1");
  EXPECT_EQ(result_of("(* 8388608 16777215)"), "140737479966720");
  EXPECT_EQ(result_of(std::string("[(- ") + max + ") (abs " + max + ") (* " + min + " 1)]"),
            "[-140737488355327 140737488355327 -140737488355328]");
  // Never a silent float: the float path is only taken for float operands.
  EXPECT_EQ(result_of(std::string("(") + max + " + 1.0)"), "140737488355328.0");
}

TEST(InterpArithmetic, TypeErrors) {
  EXPECT_EQ(runtime_error_of("(1 + nil)"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(1 + \"a\")"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(\"a\" - \"b\")"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(var s \"a\")\n(s + 1)"), "type_error@2");  // add_int slow path
  EXPECT_EQ(runtime_error_of("([1] * 2)"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(1 / \"2\")"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(- \"a\")"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(+ \"a\")"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(+ true)"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(true % 2)"), "type_error@1");
}

TEST(InterpArithmetic, StringConcatenation) {
  EXPECT_EQ(result_of("[(\"ab\" + \"cd\") (+ \"a\" \"b\" \"c\") (\"\" + \"\")]"), "[\"abcd\" \"abc\" \"\"]");
}

// ------------------------------------------------------------------------------ comparisons
TEST(InterpCompare, NumbersAcrossIntAndFloat) {
  EXPECT_EQ(result_of("[(1 < 2) (2 < 1) (1 < 1.5) (1.5 <= 1) (2 >= 2.0) (3 > 2.5) (1 == 1.0) (1 != 1.0)]"),
            "[true false true false true true true false]");
  EXPECT_EQ(result_of("[(== 0.0 -0.0) (< -0.0 0.0) (140737488355327 == 140737488355327.0)]"), "[true false true]");
}

TEST(InterpCompare, StringsCompareBytewise) {
  // Bytes compare unsigned: 0xFF sorts after every ASCII byte.
  EXPECT_EQ(result_of("[(\"\xff\" > \"a\") (\"a\xff\" > \"ab\") (\"\xc3\xa9\" > \"z\")]"), "[true true true]");
  EXPECT_EQ(result_of("[(\"a\" < \"b\") (\"ab\" < \"a\") (\"B\" < \"a\") (\"a\" <= \"a\") (\"\" < \"a\")]"),
            "[true false true true true]");
  EXPECT_EQ(result_of("[(\"abc\" == \"abc\") (\"abc\" != \"abd\") ((\"a\" + \"b\") == \"ab\")]"),
            "[true true true]");
}

TEST(InterpCompare, OtherMixesAreTypeErrors) {
  EXPECT_EQ(runtime_error_of("(1 < \"a\")"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(nil < nil)"), "type_error@1");
  EXPECT_EQ(runtime_error_of("([1] <= [1])"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(var x \"s\")\n(if (x > 1) 1)"), "type_error@2");  // fused jump_unless_gt
  EXPECT_EQ(runtime_error_of("(var i 0)\n(while\n  (i < :sym) 1)"), "type_error@3");
}

TEST(InterpCompare, EqualityNeverRaises) {
  EXPECT_EQ(result_of("(var a [1]) (var m {}) [(a == a) ([1] == [1]) (m == m) ({} == {}) (nil == false) (1 == \"1\")"
                      " (:a == :a) (nil == nil) (print == print) (a != [1])]"),
            "[true false true false false false true true true true]");
  EXPECT_EQ(result_of("(var i 1) [(if (i == \"x\") 1 else 2) (if (i != nil) 3 else 4)]"), "[2 3]");
}

TEST(InterpCompare, NanEqualsNothing) {
  EXPECT_EQ(result_of("(var n (0 / 0)) [(n == n) (n != n) (n < 1) (n <= 1) (n > 1) (n >= 1) (1 < n) (n == 1)]"),
            "[false true false false false false false false]");
  EXPECT_EQ(result_of("(var n (sqrt -1)) [(if (n < 1) :y else :n) (if (n >= 1) :y else :n) (if (n == n) :y else :n)"
                      " (if (n != n) :y else :n)]"),
            "[n n n y]");
}

// ------------------------------------------------------------------------------ truthiness
TEST(InterpTruth, OnlyNilAndFalseAreFalsy) {
  EXPECT_EQ(result_of("[(if 0 :t else :f) (if \"\" :t else :f) (if [] :t else :f) (if 0.0 :t else :f)"
                      " (if nil :t else :f) (if false :t else :f) (if (0 / 0) :t else :f) (not 0) (! nil)]"),
            "[t t t t f f t false true]");
}

TEST(InterpTruth, ShortCircuitYieldsTheDecidingOperand) {
  EXPECT_EQ(result_of("[(true && 5) (nil && 5) (false || \"x\") (1 || 2) (nil || false) (0 && nil) (&& 1 2) (|| nil 3)]"),
            "[5 nil \"x\" 1 false nil 2 3]");
  EXPECT_EQ(output_of("(fn t [x] (println x) x) ((t false) && (t 1)) (nil && (t 2)) (1 || (t 3)) (nil || (t 4))"),
            "false\n4\n");
}

// ------------------------------------------------------------------------------ scopes
TEST(InterpScopes, BlocksAndRedeclaration) {
  EXPECT_EQ(result_of("(var x 1) (do (var x 2) x)"), "2");
  EXPECT_EQ(result_of("(var x 1) (do (var x 2)) x"), "1");
  EXPECT_EQ(result_of("(var x 1) (do (var x (x + 1)) x)"), "2");
  EXPECT_EQ(result_of("(var x 1) (var x 5) x"), "5");
  EXPECT_EQ(result_of("(var x) x"), "nil");
  EXPECT_EQ(result_of("(fn f [a] (var a (a + 1)) a) (f 1)"), "2");
  EXPECT_EQ(result_of("(var r (if true (var y 3) y)) r"), "3");
  EXPECT_EQ(result_of("(var y 9) (if true (var y 3)) y"), "9");
  EXPECT_EQ(result_of("(try (throw 1) catch e (var e (e + 1)) e)"), "2");
}

TEST(InterpScopes, VarInAnExpressionOutsideBlocksIsGlobal) {
  EXPECT_EQ(result_of("(println (var g 1)) (g = (g + 1)) g"), "2");
  EXPECT_EQ(result_of("(if (var c 5) c) c"), "5");
  EXPECT_EQ(result_of("(while (var w false) 1) w"), "false");
  EXPECT_EQ(result_of("(fn f [] g2) (var g2 7) (f)"), "7");
}

// SPEC §3.1: "A var outside every block scope (even nested in an expression) is a global";
// the sequence of a `for` is outside the loop body's block scope.
TEST(InterpScopes, VarInAForSequenceIsGlobal) {
  RunOutcome o = run("(for i in [(var q 5)] i) q");
  EXPECT_EQ(o.exit_status, kExitOk) << o.error_kind << ": " << o.error_message;
  EXPECT_EQ(o.result, "5");
}

// ... and inside a function it is a local of the function body, visible after the loop.
TEST(InterpScopes, VarInAForSequenceInAFunctionIsALocalOfTheBody) {
  RunOutcome o = run("(fn f [] (for i in [(var q 5)] i) q) (f)");
  EXPECT_EQ(o.exit_status, kExitOk) << o.error_kind << ": " << o.error_message;
  EXPECT_EQ(o.result, "5");
}

TEST(InterpScopes, GlobalsResolveAtRunTime) {
  EXPECT_EQ(result_of("(fn even? [n] (if (n == 0) true else (odd? (n - 1))))"
                      "(fn odd? [n] (if (n == 0) false else (even? (n - 1)))) [(even? 10) (odd? 7) (even? 3)]"),
            "[true true false]");
  EXPECT_EQ(result_of("(fn f [] (g)) (fn g [] 1) (var r1 (f)) (fn g [] 2) [r1 (f)]"), "[1 2]");
  EXPECT_EQ(runtime_error_of("(fn f [] (g = 1))\n(f)\n(var g 0)"), "undefined_variable@1");
  EXPECT_EQ(runtime_error_of("(println 1)\n(println\n  nope)"), "undefined_variable@3");
  EXPECT_EQ(runtime_error_of("(var x x)"), "undefined_variable@1");
  EXPECT_EQ(result_of("(println = (fn [x] (x * 2))) (println 21)"), "42");
}

TEST(InterpScopes, LocalFunctionsAreNotHoisted) {
  EXPECT_EQ(runtime_error_of("(fn outer []\n  (fn a [] (b))\n  (fn b [] 1)\n  (a))\n(outer)"), "undefined_variable@2");
  EXPECT_EQ(result_of("(fn outer [] (fn fact [n] (if (n < 2) 1 else (n * (fact (n - 1))))) (fact 10)) (outer)"),
            "3628800");
}

// ------------------------------------------------------------------------------ closures
TEST(InterpClosures, CaptureByReference) {
  EXPECT_EQ(result_of("(fn mk [] (var c 0) (fn [] (c += 1))) (var a (mk)) (var b (mk)) (a) (a) (b) [(a) (b)]"),
            "[3 2]");
  EXPECT_EQ(result_of("(fn mk [] (var v 1) (var get (fn [] v)) (var set (fn [x] (v = x))) (set 5) [(get) v])"
                      " (mk)"),
            "[5 5]");
  EXPECT_EQ(result_of("(fn mk [p] (var f (fn [] p)) (p = 9) (f)) (mk 1)"), "9");
  EXPECT_EQ(result_of("(fn a [] (var v 1) (fn b [] (fn c [] (v += 10)))) (var inc ((a))) (inc) (inc)"), "21");
}

TEST(InterpClosures, EachIterationHasFreshVariables) {
  EXPECT_EQ(result_of("(var fs []) (for i in (range 0 3) (fs .push (fn [] i))) [((fs .get 0)) ((fs .get 1)) ((fs .get 2))]"),
            "[0 1 2]");
  EXPECT_EQ(result_of("(var fs []) (for i in [10 20] (fs .push (fn [] i))) [((fs .get 0)) ((fs .get 1))]"), "[10 20]");
  EXPECT_EQ(result_of("(var fs []) (var i 0) (while (i < 3) (var j i) (fs .push (fn [] j)) (i += 1))"
                      " [((fs .get 0)) ((fs .get 2))]"),
            "[0 2]");
  EXPECT_EQ(result_of("(var fs []) (var i 0) (loop (if (i == 2) (break)) (var k (i * 5)) (fs .push (fn [] k)) (i += 1))"
                      " [((fs .get 0)) ((fs .get 1))]"),
            "[0 5]");
}

TEST(InterpClosures, TopLevelBlockLocalsCanBeCaptured) {
  EXPECT_EQ(result_of("(var f nil) (do (var x 1) (f = (fn [] (x += 1)))) (f) (f)"), "3");
  EXPECT_EQ(result_of("(var e2 (try (throw 4) catch e (fn [] e))) (e2)"), "4");
}

TEST(InterpClosures, Recursion) {
  EXPECT_EQ(result_of("(fn fib [n] (if (n < 2) n else ((fib (n - 1)) + (fib (n - 2))))) (fib 20)"), "6765");
  EXPECT_EQ(result_of("(fn f a (a * 2)) (f 4)"), "8");
}

// ------------------------------------------------------------------------------ calls
TEST(InterpCalls, ArityAndCallability) {
  EXPECT_EQ(runtime_error_of("(fn f [a b] a)\n(f 1)"), "arity_mismatch@2");
  EXPECT_EQ(runtime_error_of("((fn [] 1) 2)"), "arity_mismatch@1");
  EXPECT_EQ(runtime_error_of("(5 1 2)"), "not_callable@1");
  EXPECT_EQ(runtime_error_of("(var s \"f\")\n(s)"), "not_callable@2");
  EXPECT_EQ(runtime_error_of("(nil)"), "not_callable@1");
  EXPECT_EQ(runtime_error_of("(sqrt 1 2)"), "arity_mismatch@1");
  EXPECT_EQ(runtime_error_of("(range 1)"), "arity_mismatch@1");
}

TEST(InterpCalls, EvaluationIsLeftToRightThenChecks) {
  RunOutcome o = run("(5 (println \"arg\"))");
  EXPECT_EQ(o.error_kind, "not_callable");
  EXPECT_EQ(o.stdout_text, "arg\n");
  o = run("(nope (println \"arg\"))");
  EXPECT_EQ(o.error_kind, "undefined_variable");
  EXPECT_EQ(o.stdout_text, "");
  o = run("(fn f [a] a) (f (print 1) (print 2))");
  EXPECT_EQ(o.error_kind, "arity_mismatch");
  EXPECT_EQ(o.stdout_text, "12");
  EXPECT_EQ(output_of("(fn t [x] (print x) x) (var a [0 0]) ((t a) .set (t 0) (t 1))"), "[0 0]01");
  o = run("(fn t [x] (print x) x) (var a [0]) (a/5 = (t 7))");
  EXPECT_EQ(o.error_kind, "index_out_of_range");
  EXPECT_EQ(o.stdout_text, "7") << "a path assignment evaluates the value before storing";
  // A compound assignment reads its target before evaluating the value.
  EXPECT_EQ(result_of("(var x 1) (x += (do (x = 10) 5)) x"), "6");
  EXPECT_EQ(result_of("(var m {^k 1}) (m/k += (do (m/k = 10) 5)) m/k"), "6");
  EXPECT_EQ(result_of("(fn f [] (var y 1) (y *= (do (y = 10) 3)) y) (f)"), "3");
}

// ------------------------------------------------------------------------------ control flow
TEST(InterpControl, IfElifElse) {
  EXPECT_EQ(result_of("(fn c [x] (if (x < 0) :neg elif (x == 0) :zero elif (x < 10) :small else :big))"
                      " [(c -1) (c 0) (c 5) (c 50)]"),
            "[neg zero small big]");
  EXPECT_EQ(result_of("[(if false 1) (if true) (if false 1 else) (if true 1 2 3)]"), "[nil nil nil 3]");
}

TEST(InterpControl, BreakAndContinueValues) {
  EXPECT_EQ(result_of("(var i 0) (while true (i += 1) (if (i > 5) (break (i * 10))))"), "60");
  EXPECT_EQ(result_of("(var i 0) (while (i < 3) (i += 1))"), "nil");
  EXPECT_EQ(result_of("(loop (break))"), "nil");
  EXPECT_EQ(result_of("(loop (break :done))"), "done");
  EXPECT_EQ(result_of("(for i in (range 0 5) (if (i == 3) (break i)))"), "3");
  EXPECT_EQ(result_of("(for i in (range 0 5) i)"), "nil");
  EXPECT_EQ(result_of("(for i in [] 1)"), "nil");
  EXPECT_EQ(result_of("(var s 0) (for i in (range 0 10) (if ((i % 2) == 0) (continue)) (s += i)) s"), "25");
  EXPECT_EQ(result_of("(var i 0) (while (if (i > 3) (break 7) else true) (i += 1))"), "7");
  EXPECT_EQ(output_of("(println (while true (println 1 2 (break 3))))"), "3\n");
  EXPECT_EQ(result_of("(var n 0) (var i 0) (while (i < 10) (i += 1) (if ((i % 3) == 0) (continue)) (n += 1)) n"), "7");
  EXPECT_EQ(result_of("(var r []) (for i in (range 0 3) (for j in (range 0 3) (if (j == 1) (continue))"
                      " (if (i == 2) (break)) (r .push [i j]))) r"),
            "[[0 0] [0 2] [1 0] [1 2]]");
}

// A break value may itself contain a loop (compiler.cpp break_form).
TEST(InterpControl, BreakValueContainingALoop) {
  // The outer break leaves operands under its value (`unwind 2`), so its count must be exact.
  EXPECT_EQ(result_of("(loop (println 1 (break (loop (break 3)))))"), "3");
  EXPECT_EQ(result_of("(fn f [] (while true (print 1 2 (break [(loop (break 4))])))) (f)"), "[4]");
  EXPECT_EQ(result_of("(loop (break (loop (break 3))))"), "3");
  EXPECT_EQ(result_of("[1 (loop (break [2 (loop (break 3))]))]"), "[1 [2 3]]");
  EXPECT_EQ(result_of("(var i 0) (while true (break (while true (i += 1) (if (i > 2) (break i)))))"), "3");
  EXPECT_EQ(result_of("(fn f [] (loop (break (for x in [5 6] (break x))))) (f)"), "5");
}

TEST(InterpControl, ReturnFromAnywhereInAFunction) {
  EXPECT_EQ(result_of("(fn f [n] (while true (if (n > 3) (return n)) (n += 1))) (f 0)"), "4");
  EXPECT_EQ(result_of("(fn f [] (for x in [1 2 3] (if (x == 2) (return (x * 100)))) :none) (f)"), "200");
  EXPECT_EQ(result_of("(fn f [] (try (return 1) catch e 2)) (f)"), "1");
  EXPECT_EQ(result_of("(fn f [] (println 1 (return 5))) (f)"), "5");
  EXPECT_EQ(result_of("(fn f [] (return)) (f)"), "nil");
  EXPECT_EQ(result_of("(fn f []) (f)"), "nil");
}

TEST(InterpControl, ForOverRangeAndArrays) {
  EXPECT_EQ(output_of("(for i in (range 0 3) (print i)) (for i in (range 3 0) (print :x)) (for i in (range -2 1) (print i))"),
            "012-2-10");
  EXPECT_EQ(result_of("(var a [1 2 3]) (for x in a (if (x < 4) (a .push (x + 3)))) a"), "[1 2 3 4 5 6]");
  EXPECT_EQ(result_of("(var a [1 2 3 4]) (var seen []) (for x in a (seen .push x) (a .pop)) seen"), "[1 2]");
  EXPECT_EQ(result_of("(var n 0) (var a [1 2]) (for x in a (a = [9 9 9]) (n += 1)) n"), "2");
  EXPECT_EQ(runtime_error_of("(for x in 5 1)"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(for x in {^a 1} 1)"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(for x in\n (range 0 \"3\") 1)"), "type_error@2");
  EXPECT_EQ(runtime_error_of("(for x in (range 0 1.5) 1)"), "type_error@1");
}

TEST(InterpControl, ForOverRangeWithRedefinedRangeGlobal) {
  EXPECT_EQ(result_of("(range = (fn [a b] [b a])) (var r []) (for i in (range 1 2) (r .push i)) r"), "[2 1]");
  EXPECT_EQ(result_of("(fn range [a b] [:mine a b]) (var r []) (for i in (range 1 2) (r .push i)) r"), "[mine 1 2]");
  EXPECT_EQ(output_of("(var calls 0) (var old range) (range = (fn [a b] (calls += 1) (old a b)))"
                      " (for i in (range 0 3) (print i)) (print calls)"),
            "0121");
  EXPECT_EQ(runtime_error_of("(range = (fn [a b] 5))\n(for i in (range 0 1) 1)"), "type_error@2");
  EXPECT_EQ(runtime_error_of("(range = 5)\n(for i in (range 0 1) 1)"), "not_callable@2");
  EXPECT_EQ(runtime_error_of("(range = (fn [a] [a]))\n(for i in (range 0 1) 1)"), "arity_mismatch@2");
  EXPECT_EQ(runtime_error_of("(range = (fn [a b]\n  (a + \"x\")))\n\n(for i in (range 0 1) 1)"), "type_error@2");
  EXPECT_EQ(result_of("(range = (fn [a b] (throw :r))) (try (for i in (range 0 1) 1) catch e e)"), "r");
  // The sequence is evaluated once, before the loop starts.
  EXPECT_EQ(result_of("(var n 0) (var r []) (for i in (range 0 3) (range = (fn [a b] [:changed])) (r .push i)) r"),
            "[0 1 2]");
  // A local named range is an ordinary function.
  EXPECT_EQ(result_of("(fn f [] (var range (fn [a b] [b])) (var r []) (for i in (range 1 2) (r .push i)) r) (f)"),
            "[2]");
}

// ------------------------------------------------------------------------------ errors
TEST(InterpErrors, TryCatchAcrossCalls) {
  EXPECT_EQ(result_of("(fn thrower [] (throw {^code 42})) (fn mid [] (thrower) 99) (try (mid) catch e e/code)"), "42");
  EXPECT_EQ(result_of("(fn bad [] (1 + \"a\")) (try (bad) catch e [e/kind (e/message .size)])").substr(0, 12),
            "[type_error ");
  EXPECT_EQ(result_of("(fn f [n] (if (n == 0) (throw :bottom) else (f (n - 1)))) (try (f 100) catch e e)"), "bottom");
  EXPECT_EQ(result_of("(var r (try (try (throw 1) catch a (throw (a + 1))) catch b (b * 10))) r"), "20");
  EXPECT_EQ(result_of("(println 1 2 (try (1 + \"a\") catch e 5) 3)"), "nil");
  EXPECT_EQ(output_of("(println 1 2 (try (1 + \"a\") catch e 5) 3)"), "1 2 5 3\n");
  EXPECT_EQ(result_of("(fn f [] (var t 0) (for i in (range 0 100) (t = (try (if ((i % 7) == 0) (throw i) else i)"
                      " catch e (- e)))) t) (f)"),
            "99");
  EXPECT_EQ(result_of("(var n 0) (while (n < 5) (try (if (n == 3) (break :b) else (throw n)) catch e (n += 1)))"), "b");
  EXPECT_EQ(result_of("(try 1 catch e 2)"), "1");
  EXPECT_EQ(result_of("(try catch e 2)"), "nil");
}

TEST(InterpErrors, CaughtRuntimeErrorsAreMaps) {
  const std::pair<const char*, const char*> cases[] = {
      {"(1 + nil)", "type_error"},
      {"(140737488355327 + 1)", "integer_overflow"},
      {"(1 % 0)", "division_by_zero"},
      {"([1] .get 3)", "index_out_of_range"},
      {"undefined_name", "undefined_variable"},
      {"(1 2)", "not_callable"},
      {"((fn [a] a))", "arity_mismatch"},
      {"(assert false)", "assertion_failed"},
  };
  for (auto [expr, kind] : cases) {
    std::string src = std::string("(var e2 (try ") + expr + " catch e e)) [e2/kind ((e2 .keys) .size) (e2/message == nil)]";
    EXPECT_EQ(result_of(src), std::string("[") + kind + " 2 false]") << expr;
  }
  EXPECT_EQ(result_of("(try (assert (1 > 2) \"custom\") catch e e)"), "{^kind assertion_failed ^message \"custom\"}");
  EXPECT_EQ(result_of("(try (assert nil) catch e e/kind)"), "assertion_failed");
  EXPECT_EQ(result_of("[(assert true) (assert 0 \"m\")]"), "[nil nil]");
}

TEST(InterpErrors, UncaughtErrorsReportKindAndLine) {
  EXPECT_EQ(runtime_error_of("(throw \"boom\")"), "uncaught_throw@1");
  EXPECT_EQ(runtime_error_of("(try (throw 5) catch e\n  (throw e))"), "uncaught_throw@2");
  EXPECT_EQ(runtime_error_of("(try (1 / \"a\") catch e (throw e))"), "uncaught_throw@1");
  EXPECT_EQ(runtime_error_of("(fn f [a]\n  (a +\n    1))\n(f nil)"), "type_error@2");
  EXPECT_EQ(runtime_error_of("(var x 1)\n(println\n  (x\n    +\n    \"a\"))"), "type_error@3");
  EXPECT_EQ(runtime_error_of("(var a [1 2])\n(println\n  a/5)"), "index_out_of_range@3");
  EXPECT_EQ(runtime_error_of("(var a [1])\n(a\n  .get\n  5)"), "index_out_of_range@2");
  EXPECT_EQ(runtime_error_of("(var m {^a 1})\n(m/a/b =\n  5)"), "type_error@2");
  RunOutcome o = run("(throw [1 \"a\"])");
  EXPECT_EQ(o.error_message, "[1 \"a\"]");
}

TEST(InterpErrors, OutputBeforeAnErrorIsKept) {
  RunOutcome o = run("(println \"x\" 1)\n(print \"partial\")\n(1 + nil)");
  EXPECT_EQ(o.exit_status, kExitRuntimeError);
  EXPECT_EQ(o.stdout_text, "x 1\npartial");
  EXPECT_TRUE(o.ended_midline);
  EXPECT_EQ(o.error_line, 3);
  EXPECT_EQ(format_error("p.gene", o), "error[type_error]: " + o.error_message + "\n  at p.gene:3\n");
}

TEST(InterpErrors, StackOverflowAtMaxDepth) {
  const char* rec = "(fn f [n] (if (n == 0) 0 else (1 + (f (n - 1)))))\n";
  // The default limit: 10000 active calls are fine, the call beyond is stack_overflow.
  EXPECT_EQ(result_of(std::string(rec) + "(f 9999)"), "9999");
  EXPECT_EQ(runtime_error_of(std::string(rec) + "(f 10000)"), "stack_overflow@1");
  // A small --max-depth.
  EXPECT_EQ(result_of(std::string(rec) + "(f 4)", max_depth(5)), "4");
  EXPECT_EQ(runtime_error_of(std::string(rec) + "(f 5)", max_depth(5)), "stack_overflow@1");
  EXPECT_EQ(runtime_error_of("(fn f [] (f))\n(f)", max_depth(1)), "stack_overflow@1");
  EXPECT_EQ(runtime_error_of("(fn f [n]\n  (f (n + 1)))\n(f 0)"), "stack_overflow@2");
}

TEST(InterpErrors, StackOverflowIsCatchableOnceUnwound) {
  EXPECT_EQ(result_of("(var d 0) (fn f [n] (d = n) (f (n + 1))) (try (f 1) catch e [e/kind d])", max_depth(50)),
            "[stack_overflow 50]");
  // Catchable repeatedly, and the depth is back to normal afterwards.
  EXPECT_EQ(result_of("(fn f [] (f)) (var k []) (k .push (try (f) catch e e/kind)) (k .push (try (f) catch e e/kind))"
                      " (fn g [n] (if (n == 0) :ok else (g (n - 1)))) (k .push (g 9000)) k"),
            "[stack_overflow stack_overflow ok]");
  // A try inside the recursion catches at the level where it is.
  EXPECT_EQ(result_of("(fn f [n] (if (n == 10) (try (f (n + 1)) catch e n) else (f (n + 1)))) (f 0)", max_depth(20)),
            "10");
}

TEST(InterpErrors, DeepRecursionThroughARedefinedRangeIsStackOverflow) {
  EXPECT_EQ(result_of("(range = (fn [a b] (for i in (range 0 1) 0) [1])) (try (for i in (range 0 1) 0) catch e e/kind)"),
            "stack_overflow");
}

// ------------------------------------------------------------------------------ builtins
TEST(InterpBuiltins, PrintAndStr) {
  EXPECT_EQ(output_of("(print 1 2) (print \"a\" \"b\") (println) (println \"x\" nil [nil \"q\"] :s 1.0)"),
            "1 2a b\nx  [nil \"q\"] s 1.0\n");
  EXPECT_EQ(result_of("(str 1 \"a\" nil :b [1 \"c\"] 2.5)"), "\"1ab[1 \\\"c\\\"]2.5\"");
  EXPECT_EQ(result_of("(str)"), "\"\"");
}

TEST(InterpBuiltins, Numeric) {
  EXPECT_EQ(result_of("[(sqrt 4) (sqrt 2.25) (sqrt -1) (floor 2.5) (floor -2.5) (floor 3) (abs -3) (abs -2.5)"
                      " (abs 3) (int 2.7) (int -2.7) (int 5) (float 3) (float 2.5)]"),
            "[2.0 1.5 nan 2.0 -3.0 3 3 2.5 3 2 -2 5 3.0 2.5]");
  EXPECT_EQ(result_of("[(int 140737488355327.0) (int -140737488355328.0) (floor -0.5) (floor -0.0)]"),
            "[140737488355327 -140737488355328 -1.0 -0.0]");
  EXPECT_EQ(runtime_error_of("(int (0 / 0))"), "integer_overflow@1");
  EXPECT_EQ(runtime_error_of("(int (1 / 0))"), "integer_overflow@1");
  EXPECT_EQ(runtime_error_of("(int 140737488355328.0)"), "integer_overflow@1");
  EXPECT_EQ(runtime_error_of("(int 1e300)"), "integer_overflow@1");
  EXPECT_EQ(runtime_error_of("(sqrt \"4\")"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(floor nil)"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(abs [1])"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(int \"1\")"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(float :a)"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(float)"), "arity_mismatch@1");
  EXPECT_EQ(runtime_error_of("(range 0 \"1\")"), "type_error@1");
  EXPECT_EQ(result_of("[(range 0 3) (range 3 0) (range -1 1)]"), "[[0 1 2] [] [-1 0]]");
}

TEST(InterpBuiltins, ArrayMethods) {
  EXPECT_EQ(result_of("(var a [1 2]) [(a .push 3) (a .size) (a .get 2) (a .set 0 9) (a .pop) a]"),
            "[nil 3 3 nil 3 [9 2]]");
  EXPECT_EQ(result_of("(var a [1 2]) (a/1 = 5) (a/0 += 1) [a a/1]"), "[[2 5] 5]");
  EXPECT_EQ(runtime_error_of("([1] .get 1)"), "index_out_of_range@1");
  EXPECT_EQ(runtime_error_of("([1] .get -1)"), "index_out_of_range@1");
  EXPECT_EQ(runtime_error_of("(var a [1])\na/-1"), "index_out_of_range@2");
  EXPECT_EQ(runtime_error_of("([1] .set 1 0)"), "index_out_of_range@1");
  EXPECT_EQ(runtime_error_of("([] .pop)"), "index_out_of_range@1");
  EXPECT_EQ(runtime_error_of("([1] .get 0.0)"), "type_error@1");
  EXPECT_EQ(runtime_error_of("([1] .get \"0\")"), "type_error@1");
  EXPECT_EQ(runtime_error_of("([1] .keys)"), "type_error@1");
  EXPECT_EQ(runtime_error_of("([1] .push)"), "arity_mismatch@1");
  EXPECT_EQ(runtime_error_of("([1] .size 1)"), "arity_mismatch@1");
  EXPECT_EQ(runtime_error_of("(var a [1])\na/k"), "type_error@2");
}

TEST(InterpBuiltins, MapMethods) {
  EXPECT_EQ(result_of("(var m {^a 1 ^b 2 ^c 3}) (m .set :a 9) (m .del :b) (m .del :zz) (m .set :b 7)"
                      " [m (m .get :q) (m .has :c) (m .has :q) (m .size) (m .keys)]"),
            "[{^a 9 ^c 3 ^b 7} nil true false 3 [a c b]]");
  EXPECT_EQ(result_of("(var m {}) (m .set :a 1) (m .set \"a\" 2) (m .set 1 3) [m (m .get \"a\") (m .get :a) (m .get 1)]"),
            "[{^a 1 \"a\" 2 1 3} 2 1 3]");
  EXPECT_EQ(result_of("{^a 1 ^b 2 ^a 3}"), "{^a 3 ^b 2}");
  EXPECT_EQ(result_of("(var m {^a {^b 1}}) (m/a/b = 2) (m/c = 3) [m m/zz]"), "[{^a {^b 2} ^c 3} nil]");
  EXPECT_EQ(result_of("(var m {}) [(m .set :k nil) (m .del :k) (m .get :k)]"), "[nil nil nil]");
  EXPECT_EQ(runtime_error_of("({} .set 1.5 1)"), "type_error@1");
  EXPECT_EQ(runtime_error_of("({} .get [1])"), "type_error@1");
  EXPECT_EQ(runtime_error_of("({} .has nil)"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(var m {^a 1})\nm/0"), "type_error@2");
  EXPECT_EQ(runtime_error_of("(var m {^a 1})\n(m/0 = 1)"), "type_error@2");
  EXPECT_EQ(runtime_error_of("(var m {})\nm/a/b"), "type_error@2");
  EXPECT_EQ(runtime_error_of("({} .push 1)"), "type_error@1");
  EXPECT_EQ(runtime_error_of("({} .keys 1)"), "arity_mismatch@1");
}

TEST(InterpBuiltins, StringMethods) {
  EXPECT_EQ(result_of("(var s \"abc\") [(s .size) (s .get 0) (s .get 2) (s .substr 1) (s .substr 0 3) (s .substr 1 1)"
                      " (s .substr 3)]"),
            "[3 \"a\" \"c\" \"bc\" \"abc\" \"\" \"\"]");
  // Strings are byte strings: size, get and substr count bytes.
  EXPECT_EQ(result_of("(var s \"caf\xc3\xa9\") [(s .size) ((s .get 3) .size) ((s .substr 3) == \"\xc3\xa9\")]"),
            "[5 1 true]");
  EXPECT_EQ(result_of("(var s \"h\\n\") [(s .size) (s .get 1)]"), "[2 \"\\n\"]");
  EXPECT_EQ(runtime_error_of("(\"abc\" .substr 10 \"x\")"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(\"abc\" .substr 2 1)"), "index_out_of_range@1");
  EXPECT_EQ(runtime_error_of("(\"abc\" .substr -1)"), "index_out_of_range@1");
  EXPECT_EQ(runtime_error_of("(\"abc\" .substr 0 4)"), "index_out_of_range@1");
  EXPECT_EQ(runtime_error_of("(\"abc\" .get 3)"), "index_out_of_range@1");
  EXPECT_EQ(runtime_error_of("(\"abc\" .substr)"), "arity_mismatch@1");
  EXPECT_EQ(runtime_error_of("(\"abc\" .push \"d\")"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(var s \"abc\")\ns/0"), "type_error@2");
  EXPECT_EQ(runtime_error_of("(5 .size)"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(nil .size)"), "type_error@1");
  EXPECT_EQ(runtime_error_of("(:sym .size)"), "type_error@1");
}

TEST(InterpBuiltins, BuiltinsAreValues) {
  EXPECT_EQ(result_of("(var p println) [p (p == println)]"), "[<fn println> true]");
  EXPECT_EQ(output_of("(fn twice [f x] (f x) (f x)) (twice print 7)"), "77");
}

// ------------------------------------------------------------------------------ gc stress
// Allocation-heavy programs give identical observable behaviour with a collection at every
// allocation.
TEST(InterpGcStress, IdenticalOutcomes) {
  const char* programs[] = {
      "(var s \"\") (for i in (range 0 200) (s = (str s i \",\"))) (println (s .size)) (s .get 0)",
      "(var m {}) (for i in (range 0 300) (m .set (str \"k\" i) [i {^v i}])) (for i in (range 0 300)"
      " (if ((i % 3) == 0) (m .del (str \"k\" i)))) [(m .size) (m .get \"k298\") ((m .keys) .get 0)]",
      "(fn mk [n] (if (n == 0) nil else [n (mk (n - 1))])) (var l (mk 200)) (var c 0)"
      " (while (l != nil) (c += l/0) (l = l/1)) c",
      "(fn mk [] (var c 0) (fn [] (c += 1) [c (str c)])) (var fs []) (for i in (range 0 50) (fs .push (mk)))"
      " (for f in fs (f) (f)) ((fs .get 7))",
      "(var r []) (for i in (range 0 100) (r .push (try (if ((i % 2) == 0) (1 + \"a\") else (throw [i])) catch e e)))"
      " [(r .get 0) (r .get 1) (r .size)]",
      "(var a []) (a .push a) (var m {^a a}) (m/m = m) (println a m) (str a m)",
      "(var words []) (for i in (range 0 100) (words .push ((str \"w\" i) + \"!\"))) (var t \"\")"
      " (for w in words (t = (t + (w .substr 0 2)))) (t .size)",
      "(range = (fn [a b] (var out []) (var i a) (while (i < b) (out .push [i]) (i += 1)) out))"
      " (var s []) (for p in (range 0 20) (s .push p/0)) s",
      "(fn f [n] (if (n == 0) [] else (do (var x (f (n - 1))) (x .push {^n n}) x))) ((f 500) .size)",
      "(var e2 nil) (fn f [n] (var a [n]) (f (n + 1))) (try (f 0) catch e (e2 = e)) e2",
  };
  for (const char* src : programs) {
    RunOutcome normal = run(src);
    VMOptions vm = stress();
    vm.max_depth = 300;
    RunOutcome stressed = run(src, vm);
    VMOptions shallow;
    shallow.max_depth = 300;
    RunOutcome normal_shallow = run(src, shallow);
    EXPECT_EQ(normal.exit_status, kExitOk) << src << "\n" << normal.error_message;
    EXPECT_EQ(normal_shallow.exit_status, stressed.exit_status) << src;
    EXPECT_EQ(normal_shallow.stdout_text, stressed.stdout_text) << src;
    EXPECT_EQ(normal_shallow.result, stressed.result) << src;
    EXPECT_EQ(normal_shallow.error_kind, stressed.error_kind) << src;
    EXPECT_EQ(normal_shallow.error_line, stressed.error_line) << src;
    EXPECT_GT(stressed.heap.collections, normal_shallow.heap.collections) << src;
  }
}

TEST(InterpGcStress, ResultsAreTheExpectedOnes) {
  EXPECT_EQ(result_of("(var m {}) (for i in (range 0 300) (m .set (str \"k\" i) [i {^v i}])) (for i in (range 0 300)"
                      " (if ((i % 3) == 0) (m .del (str \"k\" i)))) [(m .size) (m .get \"k298\") ((m .keys) .get 0)]",
                      stress()),
            "[200 [298 {^v 298}] \"k1\"]");
  EXPECT_EQ(result_of("(fn mk [n] (if (n == 0) nil else [n (mk (n - 1))])) (var l (mk 100)) (var c 0)"
                      " (while (l != nil) (c += l/0) (l = l/1)) c",
                      stress()),
            "5050");
}

// ------------------------------------------------------------------------------ result
TEST(InterpResult, IsTheValueOfTheLastTopLevelForm) {
  EXPECT_EQ(result_of("1 2 3"), "3");
  EXPECT_EQ(result_of("(var x 4)"), "4");
  EXPECT_EQ(result_of("(fn f [] 1)"), "<fn f>");
  EXPECT_EQ(result_of("(fn [] 1)"), "<fn>");
  EXPECT_EQ(result_of("(var x 1) (x = 7)"), "7");
  EXPECT_EQ(result_of("(var x 1) (x += 2)"), "3");
  EXPECT_EQ(result_of("(var a [1]) (a/0 = 5)"), "5");
  EXPECT_EQ(result_of("[\"a\" nil true 1.0 :s]"), "[\"a\" nil true 1.0 s]");
  EXPECT_EQ(result_of("(var x 5) [(x += 1) (x -= 2) (x *= 3) (x /= 2) x]"), "[6 4 12 6.0 6.0]");
}

}  // namespace
}  // namespace gene
