# towers: AWFY Towers, 13 disks as linked lists, ITER = 300 (peer of corpus/bench/towers.gene)
piles = None
moves_done = 0
def push_disk(disk, pile):
    top = piles[pile]
    if top is not None and disk["size"] >= top["size"]:
        raise Exception("Cannot put a big disk on a smaller one")
    disk["next"] = top
    piles[pile] = disk
def pop_disk_from(pile):
    top = piles[pile]
    if top is None:
        raise Exception("Attempting to remove a disk from an empty pile")
    piles[pile] = top["next"]
    top["next"] = None
    return top
def move_top_disk(frm, to):
    global moves_done
    push_disk(pop_disk_from(frm), to)
    moves_done += 1
def build_tower_at(pile, disks):
    i = disks
    while i >= 0:
        push_disk({"size": i, "next": None}, pile)
        i -= 1
def move_disks(disks, frm, to):
    if disks == 1:
        move_top_disk(frm, to)
    else:
        other = 3 - frm - to
        move_disks(disks - 1, frm, other)
        move_top_disk(frm, to)
        move_disks(disks - 1, other, to)
def benchmark():
    global piles, moves_done
    piles = [None, None, None]
    build_tower_at(0, 13)
    moves_done = 0
    move_disks(13, 0, 1)
    return moves_done
result = 0
for it in range(300):
    result = benchmark()
    assert result == 8191, "towers: wrong move count"
print("towers: moves =", result)
