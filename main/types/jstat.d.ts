/**
 * The few functions of jstat (https://jstat.github.io) that Tunebench uses. jstat ships no
 * types and @types/jstat is not worth a dependency for three functions; the signatures are from
 * its documentation (distributions: studentt, normal).
 */
declare module 'jstat' {
  interface JStatStatic {
    studentt: {
      /** The density of Student's t with `dof` degrees of freedom at x. */
      pdf(x: number, dof: number): number;
      /** P(T ≤ x) for Student's t with `dof` degrees of freedom (any positive real). */
      cdf(x: number, dof: number): number;
      /** The x with P(T ≤ x) = p. */
      inv(p: number, dof: number): number;
    };
    normal: {
      cdf(x: number, mean: number, std: number): number;
      inv(p: number, mean: number, std: number): number;
    };
  }
  const jStat: JStatStatic;
  export default jStat;
}
