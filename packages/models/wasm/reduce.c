/*
 * Per-channel reductions for tfjs's wasm backend on its own heap (see conv-gemm.c for the module):
 * sums over the middle axis of [outer, m, n] accumulated in float64 in row order, and the
 * training-mode BatchNorm of [M, C] (channels last, biased variance) with its gradient.
 */
#include <wasm_simd128.h>

#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store((p), (v))


static void zero_f64(double *a, int n) {
  for (int j = 0; j < n; j++) a[j] = 0.0;
}

static inline void acc_f64(double *a, v128_t v) {
  ST(a, wasm_f64x2_add(LD(a), wasm_f64x2_promote_low_f32x4(v)));
  ST(a + 2, wasm_f64x2_add(LD(a + 2), wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1))));
}

/* out [outer, n] = scale * sum_i x [outer, i, n] (float64 accumulators acc [n]). */
__attribute__((export_name("block_sum"))) void block_sum(const float *x, float *out, double *acc, int outer, int m, int n,
                                                         double scale) {
  int n4 = n & ~3;
  for (int o = 0; o < outer; o++) {
    zero_f64(acc, n);
    const float *p = x + (long)o * m * n;
    for (int i = 0; i < m; i++, p += n) {
      for (int j = 0; j < n4; j += 4) acc_f64(acc + j, LD(p + j));
      for (int j = n4; j < n; j++) acc[j] += p[j];
    }
    for (int j = 0; j < n; j++) out[(long)o * n + j] = (float)(acc[j] * scale);
  }
}

/*
 * Training-mode BatchNorm of x [M, C]: mean = sum x / M, var = sum (x - mean)^2 / M (float64 sums
 * in row order), rstd = 1 / sqrt(var + eps), y = (x - mean) * rstd. acc: 2*C doubles of scratch.
 */
__attribute__((export_name("batch_norm_train"))) void batch_norm_train(const float *x, float *y, float *mean, float *var,
                                                                       float *rstd, double *acc, int M, int C,
                                                                       float eps) {
  int c4 = C & ~3;
  const float *p;
  zero_f64(acc, C);
  p = x;
  for (int i = 0; i < M; i++, p += C) {
    for (int j = 0; j < c4; j += 4) acc_f64(acc + j, LD(p + j));
    for (int j = c4; j < C; j++) acc[j] += p[j];
  }
  for (int j = 0; j < C; j++) mean[j] = (float)(acc[j] / M);
  zero_f64(acc, C);
  p = x;
  for (int i = 0; i < M; i++, p += C) {
    for (int j = 0; j < c4; j += 4) {
      v128_t d = wasm_f32x4_sub(LD(p + j), LD(mean + j));
      acc_f64(acc + j, wasm_f32x4_mul(d, d));
    }
    for (int j = c4; j < C; j++) {
      float d = p[j] - mean[j];
      acc[j] += d * d;
    }
  }
  for (int j = 0; j < C; j++) {
    var[j] = (float)(acc[j] / M);
    rstd[j] = 1.0f / __builtin_sqrtf(var[j] + eps);
  }
  p = x;
  float *q = y;
  for (int i = 0; i < M; i++, p += C, q += C) {
    for (int j = 0; j < c4; j += 4) ST(q + j, wasm_f32x4_mul(wasm_f32x4_sub(LD(p + j), LD(mean + j)), LD(rstd + j)));
    for (int j = c4; j < C; j++) q[j] = (p[j] - mean[j]) * rstd[j];
  }
}

/*
 * Its gradient: dx = rstd * (dy - mean(dy) - y * mean(dy * y)), means over the M rows (float64
 * sums in row order). acc: 2*C doubles, md: 2*C floats of scratch.
 */
__attribute__((export_name("batch_norm_train_grad"))) void batch_norm_train_grad(const float *dy, const float *y,
                                                                                 const float *rstd, float *dx,
                                                                                 double *acc, float *md, int M, int C) {
  int c4 = C & ~3;
  double *s1 = acc, *s2 = acc + C;
  zero_f64(acc, 2 * C);
  const float *p = dy, *q = y;
  for (int i = 0; i < M; i++, p += C, q += C) {
    for (int j = 0; j < c4; j += 4) {
      v128_t d = LD(p + j);
      acc_f64(s1 + j, d);
      acc_f64(s2 + j, wasm_f32x4_mul(d, LD(q + j)));
    }
    for (int j = c4; j < C; j++) {
      s1[j] += p[j];
      s2[j] += p[j] * q[j];
    }
  }
  float *mdy = md, *mdyy = md + C;
  for (int j = 0; j < C; j++) {
    mdy[j] = (float)(s1[j] / M);
    mdyy[j] = (float)(s2[j] / M);
  }
  p = dy;
  q = y;
  float *o = dx;
  for (int i = 0; i < M; i++, p += C, q += C, o += C) {
    for (int j = 0; j < c4; j += 4) {
      v128_t t = wasm_f32x4_sub(wasm_f32x4_sub(LD(p + j), LD(mdy + j)), wasm_f32x4_mul(LD(q + j), LD(mdyy + j)));
      ST(o + j, wasm_f32x4_mul(LD(rstd + j), t));
    }
    for (int j = c4; j < C; j++) o[j] = rstd[j] * ((p[j] - mdy[j]) - q[j] * mdyy[j]);
  }
}
