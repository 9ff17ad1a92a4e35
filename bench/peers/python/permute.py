# permute: AWFY Permute, 6 elements, ITER = 500 (peer of corpus/bench/permute.gene)
count = 0
v = None
def swap(i, j):
    tmp = v[i]
    v[i] = v[j]
    v[j] = tmp
def permute(n):
    global count
    count += 1
    if n != 0:
        n1 = n - 1
        permute(n1)
        i = n1
        while i >= 0:
            swap(n1, i)
            permute(n1)
            swap(n1, i)
            i -= 1
def benchmark():
    global count, v
    count = 0
    v = [0, 0, 0, 0, 0, 0]
    permute(6)
    return count
result = 0
for it in range(500):
    result = benchmark()
    assert result == 8660, "permute: wrong count"
print("permute: count =", result)
