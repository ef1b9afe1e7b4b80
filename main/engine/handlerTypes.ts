import type { MethodName, MethodOutput, MethodParsedInput } from '../../preload/contract';
import type { Engine } from './engine';

/**
 * Handlers for some of the contract's methods: each gets the engine and its input already
 * validated against the method's schema. Areas (studies, wizard, launch) each export a
 * `HandlersFor<their methods>` and main/engine/handlers.ts merges them.
 */
export type HandlersFor<K extends MethodName> = {
  [M in K]: (engine: Engine, input: MethodParsedInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
};
