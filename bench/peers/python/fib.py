# fib: naive doubly-recursive Fibonacci, fib(32) computed 4 times (peer of corpus/bench/fib.gene)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
result = 0
for i in range(4):
    result = fib(32)
    assert result == 2178309, "fib 32"
print("fib(32) =", result)
