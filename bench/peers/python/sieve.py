# sieve: AWFY Sieve, 5000 flags, ITER = 1000 (peer of corpus/bench/sieve.gene)
def sieve(flags, size):
    prime_count = 0
    i = 2
    while i <= size:
        if flags[i - 1]:
            prime_count += 1
            k = i + i
            while k <= size:
                flags[k - 1] = False
                k += i
        i += 1
    return prime_count
def benchmark():
    flags = []
    for i in range(5000):
        flags.append(True)
    return sieve(flags, 5000)
result = 0
for it in range(1000):
    result = benchmark()
    assert result == 669, "sieve: wrong prime count"
print("sieve: primes below 5000 =", result)
