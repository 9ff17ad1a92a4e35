/* bounce: AWFY Bounce, 100 balls x 50 steps, ITER = 500 (peer of corpus/bench/bounce.gene) */
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
typedef struct { long x, y, x_vel, y_vel; } Ball;
static long seed = 74755;
static long next_random(void) { seed = (seed * 1309 + 13849) % 65536; return seed; }
static Ball *new_ball(void) {
  Ball *b = malloc(sizeof(Ball));
  b->x = next_random() % 500;
  b->y = next_random() % 500;
  b->x_vel = next_random() % 300 - 150;
  b->y_vel = next_random() % 300 - 150;
  return b;
}
static bool bounce(Ball *ball) {
  long x_limit = 500, y_limit = 500;
  bool bounced = false;
  ball->x += ball->x_vel;
  ball->y += ball->y_vel;
  if (ball->x > x_limit) { ball->x = x_limit; ball->x_vel = 0 - labs(ball->x_vel); bounced = true; }
  if (ball->x < 0) { ball->x = 0; ball->x_vel = labs(ball->x_vel); bounced = true; }
  if (ball->y > y_limit) { ball->y = y_limit; ball->y_vel = 0 - labs(ball->y_vel); bounced = true; }
  if (ball->y < 0) { ball->y = 0; ball->y_vel = labs(ball->y_vel); bounced = true; }
  return bounced;
}
static int benchmark(void) {
  seed = 74755;
  int ball_count = 100, bounces = 0;
  Ball *balls[100];
  for (int i = 0; i < ball_count; i++) balls[i] = new_ball();
  for (int i = 0; i < 50; i++)
    for (int j = 0; j < ball_count; j++)
      if (bounce(balls[j])) bounces++;
  for (int i = 0; i < ball_count; i++) free(balls[i]);
  return bounces;
}
int main(void) {
  int result = 0;
  for (int it = 0; it < 500; it++) {
    result = benchmark();
    if (result != 1331) { fprintf(stderr, "bounce: wrong bounce count\n"); return 1; }
  }
  printf("bounce: bounces = %d\n", result);
  return 0;
}
