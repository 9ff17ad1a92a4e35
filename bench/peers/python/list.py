# list: AWFY List, lists of 15/10/6 and the Takeuchi-like tail, ITER = 700 (peer of corpus/bench/list.gene)
def make_list(length):
    if length == 0:
        return None
    return {"val": length, "next": make_list(length - 1)}
def list_length(e):
    n = e["next"]
    return 1 if n is None else 1 + list_length(n)
def is_shorter_than(x, y):
    x_tail = x
    y_tail = y
    while y_tail is not None:
        if x_tail is None:
            return True
        x_tail = x_tail["next"]
        y_tail = y_tail["next"]
    return False
def tail(x, y, z):
    if is_shorter_than(y, x):
        return tail(tail(x["next"], y, z), tail(y["next"], z, x), tail(z["next"], x, y))
    return z
def benchmark():
    return list_length(tail(make_list(15), make_list(10), make_list(6)))
result = 0
for it in range(700):
    result = benchmark()
    assert result == 10, "list: wrong length"
print("list: length =", result)
