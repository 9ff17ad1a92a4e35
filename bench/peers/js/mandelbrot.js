// mandelbrot: AWFY Mandelbrot, size 500 (checksum 191) plus the size-1 check
// (peer of corpus/bench/mandelbrot.gene); JS has bit operators, so << and ^ are used directly.
function mandelbrot(size) {
  let sum = 0, byteAcc = 0, bitNum = 0;
  for (let y = 0; y < size; y++) {
    const ci = (2.0 * y) / size - 1.0;
    for (let x = 0; x < size; x++) {
      let zr = 0.0, zrzr = 0.0, zi = 0.0, zizi = 0.0;
      const cr = (2.0 * x) / size - 1.5;
      let z = 0, notDone = true, escape = 0;
      while (notDone && z < 50) {
        zr = zrzr - zizi + cr;
        zi = 2.0 * zr * zi + ci;
        zrzr = zr * zr;
        zizi = zi * zi;
        if (zrzr + zizi > 4.0) { notDone = false; escape = 1; }
        z += 1;
      }
      byteAcc = (byteAcc << 1) + escape;
      bitNum += 1;
      if (bitNum === 8) { sum ^= byteAcc; byteAcc = 0; bitNum = 0; }
      else if (x === size - 1) { byteAcc <<= 8 - bitNum; sum ^= byteAcc; byteAcc = 0; bitNum = 0; }
    }
  }
  return sum;
}
const SIZE = 500;
if (mandelbrot(1) !== 128) throw new Error("mandelbrot: size 1");
const result = mandelbrot(SIZE);
if (result !== 191) throw new Error("mandelbrot: wrong checksum");
console.log("mandelbrot " + SIZE + " checksum = " + result);
