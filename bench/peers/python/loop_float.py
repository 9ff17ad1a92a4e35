# loop_float: midpoint-rule integration of 4/(1+x^2) on [0,1], N = 15000000
# (peer of corpus/bench/loop_float.gene)
def integrate_pi(n):
    h = 1.0 / n
    s = 0.0
    i = 0
    while i < n:
        x = (i + 0.5) * h
        s += 4.0 / (1.0 + x * x)
        i += 1
    return s * h
result = integrate_pi(15000000)
assert abs(result - 3.141592653589793) < 1e-9, "loop_float: not pi"
print("loop_float: pi ~", result)
