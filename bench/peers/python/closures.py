# closures: counters, accumulators and higher-order functions, ROUNDS = 32000 over 100 elements
# (peer of corpus/bench/closures.gene)
def make_counter():
    n = 0
    def inc():
        nonlocal n
        n += 1
        return n
    def get():
        return n
    return [inc, get]
def make_accumulator(start):
    total = start
    def add(x):
        nonlocal total
        total += x
        return total
    return add
def map_array(f, a):
    out = []
    for x in a:
        out.append(f(x))
    return out
def filter_array(p, a):
    out = []
    for x in a:
        if p(x):
            out.append(x)
    return out
def fold(f, acc, a):
    for x in a:
        acc = f(acc, x)
    return acc
def compose(f, g):
    return lambda x: f(g(x))

data = list(range(100))
ROUNDS = 32000
counter = make_counter()
inc = counter[0]
get_count = counter[1]
acc = make_accumulator(0)
total = 0
for r in range(ROUNDS):
    k = r % 10
    add_k = lambda x: x + k
    double = lambda x: x * 2
    f = compose(double, add_k)
    mapped = map_array(f, data)
    evens = filter_array(lambda x: x % 4 == 0, mapped)
    s = fold(lambda a, b: a + b, 0, evens)
    for x in evens:
        inc()
    acc(s)
    total += s
check = 0
check_count = 0
for r in range(ROUNDS):
    k = r % 10
    for x in data:
        if (x + k) % 2 == 0:
            check += 2 * (x + k)
            check_count += 1
assert total == check, "closures: wrong total"
assert acc(0) == check, "closures: wrong accumulator"
assert get_count() == check_count, "closures: wrong counter"
print("closures: total =", total, "count =", get_count())
