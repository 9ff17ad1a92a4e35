# queens: AWFY Queens, 8 queens solved 10 times per benchmark, ITER = 1000 (peer of corpus/bench/queens.gene)
free_rows = free_maxs = free_mins = queen_rows = None
def filled(n, v):
    a = []
    for i in range(n):
        a.append(v)
    return a
def get_row_column(r, c):
    return free_rows[r] and free_maxs[c + r] and free_mins[c - r + 7]
def set_row_column(r, c, v):
    free_rows[r] = v
    free_maxs[c + r] = v
    free_mins[c - r + 7] = v
def place_queen(c):
    for r in range(8):
        if get_row_column(r, c):
            queen_rows[r] = c
            set_row_column(r, c, False)
            if c == 7:
                return True
            if place_queen(c + 1):
                return True
            set_row_column(r, c, True)
    return False
def queens():
    global free_rows, free_maxs, free_mins, queen_rows
    free_rows = filled(8, True)
    free_maxs = filled(16, True)
    free_mins = filled(16, True)
    queen_rows = filled(8, -1)
    return place_queen(0)
def benchmark():
    result = True
    for i in range(10):
        result = result and queens()
    return result
result = None
for it in range(1000):
    result = benchmark()
    assert result is True, "queens: no solution"
print("queens: solved =", "true" if result else "false", "rows = [" + " ".join(str(r) for r in queen_rows) + "]")
