-- bounce: AWFY Bounce, 100 balls x 50 steps, ITER = 500 (peer of corpus/bench/bounce.gene)
local seed = 74755
local function next_random()
  seed = (seed * 1309 + 13849) % 65536
  return seed
end
local function new_ball()
  local x = next_random() % 500
  local y = next_random() % 500
  local x_vel = next_random() % 300 - 150
  local y_vel = next_random() % 300 - 150
  return {x = x, y = y, x_vel = x_vel, y_vel = y_vel}
end
local function bounce(ball)
  local x_limit, y_limit = 500, 500
  local bounced = false
  ball.x = ball.x + ball.x_vel
  ball.y = ball.y + ball.y_vel
  if ball.x > x_limit then ball.x = x_limit; ball.x_vel = 0 - math.abs(ball.x_vel); bounced = true end
  if ball.x < 0 then ball.x = 0; ball.x_vel = math.abs(ball.x_vel); bounced = true end
  if ball.y > y_limit then ball.y = y_limit; ball.y_vel = 0 - math.abs(ball.y_vel); bounced = true end
  if ball.y < 0 then ball.y = 0; ball.y_vel = math.abs(ball.y_vel); bounced = true end
  return bounced
end
local function benchmark()
  seed = 74755
  local bounces = 0
  local balls = {}
  for i = 1, 100 do balls[#balls + 1] = new_ball() end
  for i = 1, 50 do
    for _, ball in ipairs(balls) do
      if bounce(ball) then bounces = bounces + 1 end
    end
  end
  return bounces
end
local result = 0
for it = 1, 500 do
  result = benchmark()
  assert(result == 1331, "bounce: wrong bounce count")
end
print("bounce: bounces = " .. result)
