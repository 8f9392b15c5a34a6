/*
 * GEMM kernels for tfjs's wasm backend (wasm simd128): convolution and its gradients as im2col +
 * GEMM (NHWC) and batched matrix products with either operand transposed.
 *
 * The module imports tfjs's own wasm memory, so it reads and writes tensors where they live;
 * scratch (the im2col rows, a transposed filter) is malloc'ed by the caller on that heap. No
 * libc, no static data; the shadow stack is set by the caller (exported __stack_pointer).
 * Build: packages/models/wasm/build.sh (Debian clang 16 + lld, --target=wasm32); train-kernels.wasm and
 * train-kernels-fma.wasm beside this file are committed so that a fresh clone needs no compiler.
 *
 * Geometry (tfjs's computeConv2DInfo): x [B, H, W, Ci], filter [KH, KW, Ci, Co], dy [B, OH, OW, Co],
 * strides sh, sw, pads top, left (bottom/right implied by OH, OW). Row m = (b, i, j) of the
 * im2col matrix col [M = B*OH*OW, K = KH*KW*Ci] holds x[b, i*sh + kh - top, j*sw + kw - left, ci]
 * at column (kh*KW + kw)*Ci + ci (zero outside the input).
 * Sums run in a fixed order (same inputs, same numbers).
 */
#include <wasm_simd128.h>

#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store((p), (v))
#define SPLAT(p) wasm_v128_load32_splat(p)
/* acc += a * b: one fused multiply-add where the module is built with relaxed SIMD (-mrelaxed-simd,
 * train-kernels-fma.wasm; V8 emits vfmadd on CPUs with FMA3, else a multiply and an add), a
 * multiply then an add in the baseline module. Either way each product is added in k order. */
#ifdef __wasm_relaxed_simd__
#define MADD(acc, a, b) acc = __builtin_wasm_relaxed_madd_f32x4((a), (b), acc)
#else
#define MADD(acc, a, b) acc = wasm_f32x4_add(acc, wasm_f32x4_mul((a), (b)))
#endif

static void fill_zero(float *p, int n) {
  int i = 0;
  v128_t z = wasm_f32x4_splat(0.0f);
  for (; i + 4 <= n; i += 4) ST(p + i, z);
  for (; i < n; i++) p[i] = 0.0f;
}

static void copy_floats(float *d, const float *s, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) ST(d + i, LD(s + i));
  for (; i < n; i++) d[i] = s[i];
}

static void add_floats(float *d, const float *s, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) ST(d + i, wasm_f32x4_add(LD(d + i), LD(s + i)));
  for (; i < n; i++) d[i] += s[i];
}

/* col [n, K] <- im2col rows m0 .. m0+n-1. */
static void im2col(const float *x, float *col, int m0, int n, int H, int W, int Ci, int OH, int OW,
                   int KH, int KW, int sh, int sw, int top, int left) {
  int K = KH * KW * Ci;
  int j = m0 % OW, i = (m0 / OW) % OH, b = m0 / (OW * OH);
  for (int r = 0; r < n; r++) {
    float *row = col + (long)r * K;
    int w0 = j * sw - left;
    for (int kh = 0; kh < KH; kh++) {
      float *dst = row + kh * KW * Ci;
      int h = i * sh + kh - top;
      if (h < 0 || h >= H) {
        fill_zero(dst, KW * Ci);
        continue;
      }
      const float *src = x + ((long)(b * H + h) * W) * Ci;
      if (w0 >= 0 && w0 + KW <= W) {
        copy_floats(dst, src + (long)w0 * Ci, KW * Ci); /* consecutive kw are consecutive w */
      } else {
        for (int kw = 0; kw < KW; kw++) {
          int w = w0 + kw;
          if (w < 0 || w >= W) fill_zero(dst + kw * Ci, Ci);
          else copy_floats(dst + kw * Ci, src + (long)w * Ci, Ci);
        }
      }
    }
    if (++j == OW) {
      j = 0;
      if (++i == OH) i = 0, b++;
    }
  }
}

/* dx rows m0 .. m0+n-1 += col2im(dcol [n, K]) (the adjoint of im2col). */
static void col2im_add(float *dx, const float *dcol, int m0, int n, int H, int W, int Ci, int OH, int OW,
                       int KH, int KW, int sh, int sw, int top, int left) {
  int K = KH * KW * Ci;
  int j = m0 % OW, i = (m0 / OW) % OH, b = m0 / (OW * OH);
  for (int r = 0; r < n; r++) {
    const float *row = dcol + (long)r * K;
    int w0 = j * sw - left;
    for (int kh = 0; kh < KH; kh++) {
      int h = i * sh + kh - top;
      if (h < 0 || h >= H) continue;
      const float *src = row + kh * KW * Ci;
      float *dst = dx + ((long)(b * H + h) * W) * Ci;
      if (w0 >= 0 && w0 + KW <= W) {
        add_floats(dst + (long)w0 * Ci, src, KW * Ci);
      } else {
        for (int kw = 0; kw < KW; kw++) {
          int w = w0 + kw;
          if (w >= 0 && w < W) add_floats(dst + (long)w * Ci, src + kw * Ci, Ci);
        }
      }
    }
    if (++j == OW) {
      j = 0;
      if (++i == OH) i = 0, b++;
    }
  }
}

/* C [K, N] += A[n, K]^T . D[n, N] (reduction over the n rows). Tiles of 4 x 8. */
static void gemm_atb_acc(const float *A, const float *D, float *C, int n, int K, int N) {
  int N8 = N & ~7;
  for (int c = 0; c < N8; c += 8) {
    int k = 0;
    for (; k + 4 <= K; k += 4) {
      float *cp = C + (long)k * N + c;
      v128_t c00 = LD(cp), c01 = LD(cp + 4), c10 = LD(cp + N), c11 = LD(cp + N + 4);
      v128_t c20 = LD(cp + 2 * N), c21 = LD(cp + 2 * N + 4), c30 = LD(cp + 3 * N), c31 = LD(cp + 3 * N + 4);
      const float *a = A + k, *d = D + c;
      for (int m = 0; m < n; m++, a += K, d += N) {
        v128_t d0 = LD(d), d1 = LD(d + 4);
        v128_t a0 = SPLAT(a), a1 = SPLAT(a + 1), a2 = SPLAT(a + 2), a3 = SPLAT(a + 3);
        MADD(c00, a0, d0); MADD(c01, a0, d1);
        MADD(c10, a1, d0); MADD(c11, a1, d1);
        MADD(c20, a2, d0); MADD(c21, a2, d1);
        MADD(c30, a3, d0); MADD(c31, a3, d1);
      }
      ST(cp, c00); ST(cp + 4, c01); ST(cp + N, c10); ST(cp + N + 4, c11);
      ST(cp + 2 * N, c20); ST(cp + 2 * N + 4, c21); ST(cp + 3 * N, c30); ST(cp + 3 * N + 4, c31);
    }
    for (; k < K; k++) {
      float *cp = C + (long)k * N + c;
      v128_t c0 = LD(cp), c1 = LD(cp + 4);
      const float *a = A + k, *d = D + c;
      for (int m = 0; m < n; m++, a += K, d += N) {
        v128_t a0 = SPLAT(a);
        MADD(c0, a0, LD(d)); MADD(c1, a0, LD(d + 4));
      }
      ST(cp, c0); ST(cp + 4, c1);
    }
  }
  for (int c = N8; c < N; c++)
    for (int k = 0; k < K; k++) {
      float s = C[(long)k * N + c];
      for (int m = 0; m < n; m++) s += A[(long)m * K + k] * D[(long)m * N + c];
      C[(long)k * N + c] = s;
    }
}

/* C [n, N] = A [n, K] . B [K, N]. Tiles of 4 x 8. */
static void gemm_ab(const float *A, const float *B, float *C, int n, int K, int N) {
  int N8 = N & ~7;
  int m = 0;
  for (; m + 4 <= n; m += 4) {
    const float *a = A + (long)m * K;
    float *cp = C + (long)m * N;
    for (int c = 0; c < N8; c += 8) {
      v128_t z = wasm_f32x4_splat(0.0f);
      v128_t c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
      const float *bp = B + c;
      for (int k = 0; k < K; k++, bp += N) {
        v128_t b0 = LD(bp), b1 = LD(bp + 4);
        v128_t a0 = SPLAT(a + k), a1 = SPLAT(a + K + k), a2 = SPLAT(a + 2 * K + k), a3 = SPLAT(a + 3 * K + k);
        MADD(c00, a0, b0); MADD(c01, a0, b1);
        MADD(c10, a1, b0); MADD(c11, a1, b1);
        MADD(c20, a2, b0); MADD(c21, a2, b1);
        MADD(c30, a3, b0); MADD(c31, a3, b1);
      }
      ST(cp + c, c00); ST(cp + c + 4, c01); ST(cp + N + c, c10); ST(cp + N + c + 4, c11);
      ST(cp + 2 * N + c, c20); ST(cp + 2 * N + c + 4, c21); ST(cp + 3 * N + c, c30); ST(cp + 3 * N + c + 4, c31);
    }
  }
  for (; m < n; m++) {
    const float *a = A + (long)m * K;
    float *cp = C + (long)m * N;
    for (int c = 0; c < N8; c += 8) {
      v128_t c0 = wasm_f32x4_splat(0.0f), c1 = c0;
      const float *bp = B + c;
      for (int k = 0; k < K; k++, bp += N) {
        v128_t a0 = SPLAT(a + k);
        MADD(c0, a0, LD(bp)); MADD(c1, a0, LD(bp + 4));
      }
      ST(cp + c, c0); ST(cp + c + 4, c1);
    }
  }
  for (int mm = 0; mm < n; mm++)
    for (int c = N8; c < N; c++) {
      float s = 0.0f;
      for (int k = 0; k < K; k++) s += A[(long)mm * K + k] * B[(long)k * N + c];
      C[(long)mm * N + c] = s;
    }
}

/* dst [cols, rows] = src [rows, cols]^T */
static void transpose(const float *src, float *dst, int rows, int cols) {
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++) dst[(long)c * rows + r] = src[(long)r * cols + c];
}

/* True when im2col(x) is x itself ([M, K] row-major): a 1x1 stride-1 unpadded filter, or a
 * filter covering the whole unpadded input (one output pixel). */
static int col_is_input(int H, int W, int OH, int OW, int KH, int KW, int sh, int sw, int top, int left) {
  if (top != 0 || left != 0) return 0;
  if (KH == 1 && KW == 1 && sh == 1 && sw == 1) return 1;
  return OH == 1 && OW == 1 && KH == H && KW == W;
}

/*
 * Conv2DBackpropFilter: dw [KH, KW, Ci, Co] = im2col(x)^T . dy, summed over m in chunks of
 * `mc` rows (col: scratch of mc*K floats).
 */
__attribute__((export_name("conv_filter_grad"))) void conv_filter_grad(
    const float *x, const float *dy, float *dw, float *col, int B, int H, int W, int Ci, int OH, int OW, int Co,
    int KH, int KW, int sh, int sw, int top, int left, int mc) {
  int K = KH * KW * Ci;
  int M = B * OH * OW;
  fill_zero(dw, K * Co);
  int direct = col_is_input(H, W, OH, OW, KH, KW, sh, sw, top, left);
  /* with no im2col copy, chunks of at least 256 rows (fewer passes over dw when K is large) */
  if (direct && mc < 256) mc = 256;
  for (int m0 = 0; m0 < M; m0 += mc) {
    int n = M - m0 < mc ? M - m0 : mc;
    if (direct) {
      /* x is its own im2col; chunks of rows keep each GEMM's operand in cache */
      gemm_atb_acc(x + (long)m0 * K, dy + (long)m0 * Co, dw, n, K, Co);
      continue;
    }
    im2col(x, col, m0, n, H, W, Ci, OH, OW, KH, KW, sh, sw, top, left);
    gemm_atb_acc(col, dy + (long)m0 * Co, dw, n, K, Co);
  }
}

/*
 * Conv2DBackpropInput: dx [B, H, W, Ci] = col2im(dy . w^T), in chunks of `mc` rows of dy
 * (col: scratch of mc*K floats; wt: scratch of K*Co floats for the transposed filter).
 */
__attribute__((export_name("conv_input_grad"))) void conv_input_grad(
    const float *dy, const float *w, float *dx, float *col, float *wt, int B, int H, int W, int Ci, int OH, int OW,
    int Co, int KH, int KW, int sh, int sw, int top, int left, int mc) {
  int K = KH * KW * Ci;
  int M = B * OH * OW;
  transpose(w, wt, K, Co);
  if (col_is_input(H, W, OH, OW, KH, KW, sh, sw, top, left)) {
    gemm_ab(dy, wt, dx, M, Co, K);
    return;
  }
  fill_zero(dx, B * H * W * Ci);
  for (int m0 = 0; m0 < M; m0 += mc) {
    int n = M - m0 < mc ? M - m0 : mc;
    gemm_ab(dy + (long)m0 * Co, wt, col, n, Co, K);
    col2im_add(dx, col, m0, n, H, W, Ci, OH, OW, KH, KW, sh, sw, top, left);
  }
}

/*
 * BatchMatMul: C[b] [M, N] = op(A[b]) . op(B[b]) for b < batch, op = transpose where ta / tb (not
 * both); A[b] = A + b*sa, B[b] = B + b*sb floats (stride 0: one matrix for every b).
 * scratch: K*N floats (B^T when tb).
 */
__attribute__((export_name("batch_matmul"))) void batch_matmul(const float *A, const float *B, float *C, float *scratch,
                                                               int batch, int M, int K, int N, int ta, int tb, int sa,
                                                               int sb) {
  for (int b = 0; b < batch; b++) {
    const float *a = A + (long)b * sa, *bb = B + (long)b * sb;
    float *c = C + (long)b * M * N;
    if (ta) {
      /* a is [K, M]: C = a^T . bb, a sum over the K rows */
      fill_zero(c, M * N);
      gemm_atb_acc(a, bb, c, K, M, N);
    } else if (tb) {
      /* bb is [N, K] */
      if (b == 0 || sb != 0) transpose(bb, scratch, N, K);
      gemm_ab(a, scratch, c, M, K, N);
    } else {
      gemm_ab(a, bb, c, M, K, N);
    }
  }
}

/*
 * Conv2D: y [B, OH, OW, Co] = im2col(x) . w [K, Co], in chunks of `mc` rows (col: scratch of
 * mc*K floats; unused when x is its own im2col).
 */
__attribute__((export_name("conv_forward"))) void conv_forward(
    const float *x, const float *w, float *y, float *col, int B, int H, int W, int Ci, int OH, int OW, int Co,
    int KH, int KW, int sh, int sw, int top, int left, int mc) {
  int K = KH * KW * Ci;
  int M = B * OH * OW;
  if (col_is_input(H, W, OH, OW, KH, KW, sh, sw, top, left)) {
    gemm_ab(x, w, y, M, K, Co);
    return;
  }
  for (int m0 = 0; m0 < M; m0 += mc) {
    int n = M - m0 < mc ? M - m0 : mc;
    im2col(x, col, m0, n, H, W, Ci, OH, OW, KH, KW, sh, sw, top, left);
    gemm_ab(col, w, y + (long)m0 * Co, n, K, Co);
  }
}
