import type { ZodError } from 'zod';
import type { ApiErrorShape } from '../../preload/contract';

/** An error meant for the person at the screen: its message says what is wrong and what would be right. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly issues?: ApiErrorShape['issues'],
  ) {
    super(message);
  }

  static fromZod(err: ZodError, what: string): ApiError {
    const issues = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = issues[0];
    return new ApiError(first ? `${what}: ${first.path ? `${first.path}: ` : ''}${first.message}` : what, issues);
  }

  toShape(): ApiErrorShape {
    return this.issues ? { message: this.message, issues: this.issues } : { message: this.message };
  }
}

/** The shape sent across the boundary for any error; unexpected ones keep their message but not their stack. */
export function errorShape(e: unknown): ApiErrorShape {
  if (e instanceof ApiError) return e.toShape();
  return { message: e instanceof Error ? e.message : String(e) };
}
