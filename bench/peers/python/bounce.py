# bounce: AWFY Bounce, 100 balls x 50 steps, ITER = 500 (peer of corpus/bench/bounce.gene)
seed = 74755
def next_random():
    global seed
    seed = (seed * 1309 + 13849) % 65536
    return seed
def new_ball():
    x = next_random() % 500
    y = next_random() % 500
    x_vel = next_random() % 300 - 150
    y_vel = next_random() % 300 - 150
    return {"x": x, "y": y, "x_vel": x_vel, "y_vel": y_vel}
def bounce(ball):
    x_limit = 500
    y_limit = 500
    bounced = False
    ball["x"] += ball["x_vel"]
    ball["y"] += ball["y_vel"]
    if ball["x"] > x_limit:
        ball["x"] = x_limit
        ball["x_vel"] = 0 - abs(ball["x_vel"])
        bounced = True
    if ball["x"] < 0:
        ball["x"] = 0
        ball["x_vel"] = abs(ball["x_vel"])
        bounced = True
    if ball["y"] > y_limit:
        ball["y"] = y_limit
        ball["y_vel"] = 0 - abs(ball["y_vel"])
        bounced = True
    if ball["y"] < 0:
        ball["y"] = 0
        ball["y_vel"] = abs(ball["y_vel"])
        bounced = True
    return bounced
def benchmark():
    global seed
    seed = 74755
    bounces = 0
    balls = []
    for i in range(100):
        balls.append(new_ball())
    for i in range(50):
        for ball in balls:
            if bounce(ball):
                bounces += 1
    return bounces
result = 0
for it in range(500):
    result = benchmark()
    assert result == 1331, "bounce: wrong bounce count"
print("bounce: bounces =", result)
