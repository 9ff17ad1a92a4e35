# storage: AWFY Storage, tree of depth 7 / fan-out 4, ITER = 250 (peer of corpus/bench/storage.gene)
seed = 74755
count = 0
def next_random():
    global seed
    seed = (seed * 1309 + 13849) % 65536
    return seed
def new_array(n):
    a = []
    for i in range(n):
        a.append(None)
    return a
def build_tree_depth(depth):
    global count
    count += 1
    if depth == 1:
        return new_array(next_random() % 10 + 1)
    arr = new_array(4)
    for i in range(4):
        arr[i] = build_tree_depth(depth - 1)
    return arr
def benchmark():
    global seed, count
    seed = 74755
    count = 0
    build_tree_depth(7)
    return count
result = 0
for it in range(250):
    result = benchmark()
    assert result == 5461, "storage: wrong node count"
print("storage: nodes =", result)
