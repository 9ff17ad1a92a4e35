/* mandelbrot: AWFY Mandelbrot, size 500 (checksum 191) plus the size-1 check
   (peer of corpus/bench/mandelbrot.gene). C has bit operators, so << and ^ are used directly. */
#include <stdio.h>
#include <stdbool.h>
static int mandelbrot(int size) {
  int sum = 0, byte_acc = 0, bit_num = 0;
  for (int y = 0; y < size; y++) {
    double ci = 2.0 * y / size - 1.0;
    for (int x = 0; x < size; x++) {
      double zr = 0.0, zrzr = 0.0, zi = 0.0, zizi = 0.0;
      double cr = 2.0 * x / size - 1.5;
      int z = 0, escape = 0;
      bool not_done = true;
      while (not_done && z < 50) {
        zr = zrzr - zizi + cr;
        zi = 2.0 * zr * zi + ci;
        zrzr = zr * zr;
        zizi = zi * zi;
        if (zrzr + zizi > 4.0) { not_done = false; escape = 1; }
        z++;
      }
      byte_acc = (byte_acc << 1) + escape;
      bit_num++;
      if (bit_num == 8) {
        sum ^= byte_acc; byte_acc = 0; bit_num = 0;
      } else if (x == size - 1) {
        byte_acc <<= (8 - bit_num);
        sum ^= byte_acc; byte_acc = 0; bit_num = 0;
      }
    }
  }
  return sum;
}
int main(void) {
  volatile int SIZE = 500;
  if (mandelbrot(1) != 128) { fprintf(stderr, "mandelbrot: size 1\n"); return 1; }
  int result = mandelbrot(SIZE);
  if (result != 191) { fprintf(stderr, "mandelbrot: wrong checksum\n"); return 1; }
  printf("mandelbrot %d checksum = %d\n", (int)SIZE, result);
  return 0;
}
