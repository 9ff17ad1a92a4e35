# loop_int: sum of i % 7 for i < 35000000 (peer of corpus/bench/loop_int.gene)
def sum_mod7(n):
    s = 0
    i = 0
    while i < n:
        s += i % 7
        i += 1
    return s
def expected(n):
    full = n // 7
    rest = n - full * 7
    return full * 21 + rest * (rest - 1) // 2
N = 35000000
result = sum_mod7(N)
assert result == expected(N), "loop_int: wrong sum"
print("loop_int: sum of i % 7 for i <", N, "=", result)
