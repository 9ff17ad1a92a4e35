// bounce: AWFY Bounce, 100 balls x 50 steps, ITER = 500 (peer of corpus/bench/bounce.gene)
let seed = 74755;
function nextRandom() { seed = (seed * 1309 + 13849) % 65536; return seed; }
function newBall() {
  const x = nextRandom() % 500, y = nextRandom() % 500;
  const xVel = (nextRandom() % 300) - 150, yVel = (nextRandom() % 300) - 150;
  return { x, y, xVel, yVel };
}
function bounce(ball) {
  const xLimit = 500, yLimit = 500;
  let bounced = false;
  ball.x += ball.xVel; ball.y += ball.yVel;
  if (ball.x > xLimit) { ball.x = xLimit; ball.xVel = 0 - Math.abs(ball.xVel); bounced = true; }
  if (ball.x < 0) { ball.x = 0; ball.xVel = Math.abs(ball.xVel); bounced = true; }
  if (ball.y > yLimit) { ball.y = yLimit; ball.yVel = 0 - Math.abs(ball.yVel); bounced = true; }
  if (ball.y < 0) { ball.y = 0; ball.yVel = Math.abs(ball.yVel); bounced = true; }
  return bounced;
}
function benchmark() {
  seed = 74755;
  let bounces = 0;
  const balls = [];
  for (let i = 0; i < 100; i++) balls.push(newBall());
  for (let i = 0; i < 50; i++) for (const ball of balls) if (bounce(ball)) bounces += 1;
  return bounces;
}
let result = 0;
for (let it = 0; it < 500; it++) { result = benchmark(); if (result !== 1331) throw new Error("bounce: wrong bounce count"); }
console.log("bounce: bounces = " + result);
