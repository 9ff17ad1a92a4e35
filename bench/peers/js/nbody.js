// nbody: AWFY NBody, 5 bodies, dt = 0.01, STEPS = 100000 plus the 1-step check
// (peer of corpus/bench/nbody.gene)
const PI = 3.141592653589793;
const SOLAR_MASS = 4 * PI * PI;
const DAYS_PER_YEAR = 365.24;
function body(x, y, z, vx, vy, vz, mass) {
  return { x, y, z, vx: vx * DAYS_PER_YEAR, vy: vy * DAYS_PER_YEAR, vz: vz * DAYS_PER_YEAR, mass: mass * SOLAR_MASS };
}
function createBodies() {
  const bodies = [
    body(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0),
    body(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
         1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
         9.54791938424326609e-04),
    body(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
         -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
         2.85885980666130812e-04),
    body(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
         2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
         4.36624404335156298e-05),
    body(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
         2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
         5.15138902046611451e-05),
  ];
  let px = 0.0, py = 0.0, pz = 0.0;
  for (const b of bodies) { px += b.vx * b.mass; py += b.vy * b.mass; pz += b.vz * b.mass; }
  const sun = bodies[0];
  sun.vx = 0.0 - px / SOLAR_MASS; sun.vy = 0.0 - py / SOLAR_MASS; sun.vz = 0.0 - pz / SOLAR_MASS;
  return bodies;
}
function advance(bodies, dt) {
  const n = bodies.length;
  for (let i = 0; i < n; i++) {
    const ib = bodies[i];
    for (let j = i + 1; j < n; j++) {
      const jb = bodies[j];
      const dx = ib.x - jb.x, dy = ib.y - jb.y, dz = ib.z - jb.z;
      const dSquared = dx * dx + dy * dy + dz * dz;
      const distance = Math.sqrt(dSquared);
      const mag = dt / (dSquared * distance);
      ib.vx = ib.vx - dx * jb.mass * mag;
      ib.vy = ib.vy - dy * jb.mass * mag;
      ib.vz = ib.vz - dz * jb.mass * mag;
      jb.vx = jb.vx + dx * ib.mass * mag;
      jb.vy = jb.vy + dy * ib.mass * mag;
      jb.vz = jb.vz + dz * ib.mass * mag;
    }
  }
  for (const b of bodies) { b.x = b.x + dt * b.vx; b.y = b.y + dt * b.vy; b.z = b.z + dt * b.vz; }
}
function energy(bodies) {
  let e = 0.0;
  const n = bodies.length;
  for (let i = 0; i < n; i++) {
    const ib = bodies[i];
    e += 0.5 * ib.mass * (ib.vx * ib.vx + ib.vy * ib.vy + ib.vz * ib.vz);
    for (let j = i + 1; j < n; j++) {
      const jb = bodies[j];
      const dx = ib.x - jb.x, dy = ib.y - jb.y, dz = ib.z - jb.z;
      e -= (ib.mass * jb.mass) / Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}
function run(steps) { const bodies = createBodies(); for (let i = 0; i < steps; i++) advance(bodies, 0.01); return energy(bodies); }
if (run(1) !== -0.16907495402506745) throw new Error("nbody: 1 step");
const STEPS = 100000;
const result = run(STEPS);
if (result !== -0.16907985939165887) throw new Error("nbody: wrong energy");
console.log("nbody " + STEPS + " steps, energy = " + result);
