# maps: insert/lookup/miss/update/delete of 2000 int + 2000 string keys, ROUNDS = 400
# (peer of corpus/bench/maps.gene)
def one_round(n):
    m = {}
    for i in range(n):
        m[i] = i * 3
        m["k" + str(i)] = i
    assert len(m) == 2 * n, "maps: wrong size after insert"
    total = 0
    for i in range(n):
        total += m.get(i)
        total += m.get("k" + str(i))
    misses = 0
    for i in range(n, 2 * n):
        if m.get(i) is None:
            misses += 1
        if ("k" + str(i)) not in m:
            misses += 1
    for i in range(n):
        m[i] = m.get(i) + 1
    for i in range(n):
        if i % 2 == 0:
            del m["k" + str(i)]
    sum2 = 0
    for k in list(m.keys()):
        sum2 += m.get(k)
    return [total, misses, len(m), sum2]
N = 2000
ROUNDS = 400
r = None
for it in range(ROUNDS):
    r = one_round(N)
    assert r[0] == 2 * N * (N - 1), "maps: wrong lookup sum"
    assert r[1] == 2 * N, "maps: wrong miss count"
    assert r[2] == N + N // 2, "maps: wrong size after delete"
    assert r[3] == 3 * N * (N - 1) // 2 + N + (N // 2) * (N // 2), "maps: wrong final sum"
print("maps: lookups sum =", r[0], "misses =", r[1], "size =", r[2], "final sum =", r[3])
