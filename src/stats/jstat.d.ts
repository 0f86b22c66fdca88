/** The few jStat functions that src/stats uses (jstat ships no types). */
declare module 'jstat' {
  interface JStat {
    /** Regularized incomplete beta function I_x(a, b). */
    ibeta(x: number, a: number, b: number): number;
    /** Complementary error function. */
    erfc(x: number): number;
    /** Regularized lower incomplete gamma function P(a, x). */
    lowRegGamma(a: number, x: number): number;
    /** Natural log of the gamma function. */
    gammaln(x: number): number;
    normal: {
      /** Quantile of the normal distribution. */
      inv(p: number, mean: number, std: number): number;
    };
  }
  const jStat: JStat;
  export default jStat;
}
