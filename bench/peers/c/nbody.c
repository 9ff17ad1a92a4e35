/* nbody: AWFY NBody, 5 bodies, dt = 0.01, STEPS = 100000 plus the 1-step check
   (peer of corpus/bench/nbody.gene); bodies are structs. */
#include <math.h>
#include "repr.h"
#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24
typedef struct { double x, y, z, vx, vy, vz, mass; } Body;
static Body body(double x, double y, double z, double vx, double vy, double vz, double mass) {
  Body b = {x, y, z, vx * DAYS_PER_YEAR, vy * DAYS_PER_YEAR, vz * DAYS_PER_YEAR, mass * SOLAR_MASS};
  return b;
}
static void create_bodies(Body *bodies) {
  bodies[0] = body(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0);
  bodies[1] = body(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
                   1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
                   9.54791938424326609e-04);
  bodies[2] = body(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
                   -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
                   2.85885980666130812e-04);
  bodies[3] = body(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
                   2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
                   4.36624404335156298e-05);
  bodies[4] = body(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
                   2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
                   5.15138902046611451e-05);
  double px = 0.0, py = 0.0, pz = 0.0;
  for (int i = 0; i < 5; i++) {
    px += bodies[i].vx * bodies[i].mass;
    py += bodies[i].vy * bodies[i].mass;
    pz += bodies[i].vz * bodies[i].mass;
  }
  bodies[0].vx = 0.0 - px / SOLAR_MASS;
  bodies[0].vy = 0.0 - py / SOLAR_MASS;
  bodies[0].vz = 0.0 - pz / SOLAR_MASS;
}
static void advance(Body *bodies, int n, double dt) {
  for (int i = 0; i < n; i++) {
    Body *ib = &bodies[i];
    for (int j = i + 1; j < n; j++) {
      Body *jb = &bodies[j];
      double dx = ib->x - jb->x, dy = ib->y - jb->y, dz = ib->z - jb->z;
      double d_squared = dx * dx + dy * dy + dz * dz;
      double distance = sqrt(d_squared);
      double mag = dt / (d_squared * distance);
      ib->vx = ib->vx - dx * jb->mass * mag;
      ib->vy = ib->vy - dy * jb->mass * mag;
      ib->vz = ib->vz - dz * jb->mass * mag;
      jb->vx = jb->vx + dx * ib->mass * mag;
      jb->vy = jb->vy + dy * ib->mass * mag;
      jb->vz = jb->vz + dz * ib->mass * mag;
    }
  }
  for (int i = 0; i < n; i++) {
    bodies[i].x = bodies[i].x + dt * bodies[i].vx;
    bodies[i].y = bodies[i].y + dt * bodies[i].vy;
    bodies[i].z = bodies[i].z + dt * bodies[i].vz;
  }
}
static double energy(Body *bodies, int n) {
  double e = 0.0;
  for (int i = 0; i < n; i++) {
    Body *ib = &bodies[i];
    e += 0.5 * ib->mass * (ib->vx * ib->vx + ib->vy * ib->vy + ib->vz * ib->vz);
    for (int j = i + 1; j < n; j++) {
      Body *jb = &bodies[j];
      double dx = ib->x - jb->x, dy = ib->y - jb->y, dz = ib->z - jb->z;
      double distance = sqrt(dx * dx + dy * dy + dz * dz);
      e -= ib->mass * jb->mass / distance;
    }
  }
  return e;
}
static double run(int steps) {
  Body bodies[5];
  create_bodies(bodies);
  for (int i = 0; i < steps; i++) advance(bodies, 5, 0.01);
  return energy(bodies, 5);
}
int main(void) {
  if (run(1) != -0.16907495402506745) { fprintf(stderr, "nbody: 1 step\n"); return 1; }
  volatile int STEPS = 100000;
  double result = run(STEPS);
  if (result != -0.16907985939165887) { fprintf(stderr, "nbody: wrong energy\n"); return 1; }
  char s[64];
  float_repr(result, s);
  printf("nbody %d steps, energy = %s\n", (int)STEPS, s);
  return 0;
}
