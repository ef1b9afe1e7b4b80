/**
 * Building blocks of the contract's schemas, shared by every contract module (preload/contract.ts
 * and the per-area ones it merges), kept apart so those modules never import each other at run time.
 */
import { z } from 'zod';

/** Phantom marker carrying a method's output type through the map without runtime cost. */
export function returns<T>(): T {
  return undefined as unknown as T;
}

export const id = z.number().int().positive();
export const hyperValue = z.union([z.string().max(4096), z.number(), z.boolean()]);
export const hyperparameters = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.\-]*$/, 'a hyperparameter name is letters, digits, _ . -').max(128), hyperValue)
  .refine((r) => Object.keys(r).length <= 256, 'at most 256 hyperparameters');

