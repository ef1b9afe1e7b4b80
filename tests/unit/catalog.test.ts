import { describe, expect, it } from 'vitest';
import {
  ARCHITECTURE_FAMILIES,
  architectureChoices,
  familiesForTask,
  findFamily,
  OWN_SCRIPT,
  startingSize,
  TASK_TYPE_LABELS,
  TASK_TYPES,
} from '../../main/playbook/catalog/architectures';
import { budgetTier, optimizerNuisanceForBudget, TRIALS_FOR_BETA2 } from '../../main/playbook/catalog/optimizerBudget';
import { getOptimizer, OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults, primaryOptimizers, variantsOf } from '../../main/playbook/catalog/optimizers';

describe('architecture catalog integrity', () => {
  it('has unique family ids, none colliding with "my own script"', () => {
    const ids = ARCHITECTURE_FAMILIES.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(OWN_SCRIPT.id);
  });

  it('offers at least one proven family for every task type, and a label for each', () => {
    for (const task of TASK_TYPES) {
      expect(familiesForTask(task).length, task).toBeGreaterThan(0);
      expect(TASK_TYPE_LABELS[task]).toBeTruthy();
    }
  });

  for (const f of ARCHITECTURE_FAMILIES) {
    describe(f.name, () => {
      it('names the paper to reproduce', () => {
        expect(f.paper.title.trim()).not.toBe('');
        expect(f.paper.authors.length).toBeGreaterThan(0);
        for (const a of f.paper.authors) expect(a.trim()).not.toBe('');
        // Deep learning papers worth reproducing: after backpropagation's revival, not in the future.
        expect(f.paper.year).toBeGreaterThanOrEqual(1986);
        expect(f.paper.year).toBeLessThanOrEqual(new Date().getFullYear());
        expect(f.paper.url).toMatch(/^https:\/\/\S+$/);
        expect(f.paper.venue.trim()).not.toBe('');
        expect(f.taskTypes.length).toBeGreaterThan(0);
      });

      it('has size hyperparameters with starting values inside sane ranges', () => {
        expect(f.size.length).toBeGreaterThan(0);
        const names = f.size.map((h) => h.name);
        expect(new Set(names).size).toBe(names.length);
        for (const h of f.size) {
          expect(h.name, h.label).toMatch(/^[a-z][a-z0-9_]*$/);
          if (h.kind === 'categorical') {
            expect(h.choices).toContain(h.start);
            expect(new Set(h.choices).size).toBe(h.choices.length);
          } else {
            expect(h.min, h.name).toBeLessThan(h.max);
            expect(h.start, h.name).toBeGreaterThanOrEqual(h.min);
            expect(h.start, h.name).toBeLessThanOrEqual(h.max);
            expect(h.min, h.name).toBeGreaterThanOrEqual(0);
            if (h.kind === 'integer') {
              expect(Number.isInteger(h.start) && Number.isInteger(h.min) && Number.isInteger(h.max), h.name).toBe(true);
              expect(h.min, `${h.name}: a size of zero is no model`).toBeGreaterThanOrEqual(1);
            }
            if (h.name === 'dropout') expect(h.max).toBeLessThan(1);
          }
        }
      });

      it('has the playbook size knobs: a depth or count of layers/blocks, and a width', () => {
        expect(f.size.some((h) => /layer|depth|block|levels/.test(h.name))).toBe(true);
        expect(f.size.some((h) => /width|size|channels|dim|embd|d_model|d_token|hidden|widen/.test(h.name))).toBe(true);
      });

      it('keeps attention heads dividing the width where both are given', () => {
        const heads = f.size.find((h) => h.name === 'num_heads' || h.name === 'n_head');
        const width = f.size.find((h) => ['hidden_size', 'n_embd', 'd_model', 'd_token', 'encoder_dim'].includes(h.name));
        if (heads && width && heads.kind === 'integer' && width.kind === 'integer') expect(width.start % heads.start).toBe(0);
        else expect(heads === undefined || width === undefined).toBe(true);
      });
    });
  }

  it('pre-fills starting values by name', () => {
    expect(startingSize(findFamily('resnet')!)).toEqual({ depth: 18, width: 64, activation: 'relu' });
    expect(findFamily('no-such-family')).toBeUndefined();
  });

  it('always offers "my own script", last', () => {
    for (const task of TASK_TYPES) {
      const choices = architectureChoices(task);
      expect(choices.at(-1)).toBe(OWN_SCRIPT);
      expect(choices.length).toBe(familiesForTask(task).length + 1);
    }
  });
});

describe('optimizer catalog integrity', () => {
  it('has every offered optimizer, with AdamW as a variant of Adam', () => {
    expect(OPTIMIZERS.map((o) => o.id).sort()).toEqual([...OPTIMIZER_IDS].sort());
    expect(primaryOptimizers().map((o) => o.id)).toEqual(['sgd-nesterov', 'adam', 'nadam']);
    expect(variantsOf('adam').map((o) => o.id)).toEqual(['adamw']);
  });

  for (const o of OPTIMIZERS) {
    describe(o.name, () => {
      it('gives every hyperparameter a default of the right kind, qualified by the optimizer', () => {
        expect(o.paper.title).not.toBe('');
        expect(o.paper.url).toMatch(/^https:\/\//);
        for (const h of o.hyperparameters) {
          expect(h.id).toBe(`${o.id}.${h.name}`);
          expect(h.defaultSource.trim()).not.toBe('');
          if (h.kind === 'boolean') expect(typeof h.default).toBe('boolean');
          else {
            expect(typeof h.default).toBe('number');
            expect(Number.isFinite(h.default)).toBe(true);
            expect(h.default as number).toBeGreaterThanOrEqual(0);
          }
        }
      });

      it('has exactly one learning rate, the only one not fixed early on', () => {
        const lr = o.hyperparameters.filter((h) => h.role === 'learning-rate');
        expect(lr).toHaveLength(1);
        expect(lr[0]!.default as number).toBeGreaterThan(0);
        expect(o.hyperparameters.filter((h) => !h.fixedEarly)).toEqual(lr);
      });

      it('has a search range, containing the default, exactly for the hyperparameters of the budget rule', () => {
        for (const h of o.hyperparameters) {
          expect(h.search !== undefined, h.id).toBe(h.budgetTier !== null);
          if (!h.search) continue;
          expect(h.search.min).toBeLessThan(h.search.max);
          expect(h.default as number).toBeGreaterThanOrEqual(h.search.min);
          expect(h.default as number).toBeLessThanOrEqual(h.search.max);
          if (h.search.scale === 'log') expect(h.search.min).toBeGreaterThan(0);
          if (h.search.scale === 'log-one-minus') expect(h.search.max).toBeLessThan(1);
        }
      });
    });
  }

  it("shows all four of Adam's hyperparameters with the paper's defaults", () => {
    expect(optimizerDefaults('adam')).toMatchObject({ learning_rate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    for (const id of ['nadam', 'adamw'] as const) {
      expect(Object.keys(optimizerDefaults(id))).toEqual(expect.arrayContaining(['learning_rate', 'beta1', 'beta2', 'epsilon']));
    }
    expect(optimizerDefaults('sgd-nesterov')).toMatchObject({ momentum: 0.9, nesterov: true });
  });

  it("treats the optimizers' learning rates as different hyperparameters", () => {
    const ids = OPTIMIZERS.map((o) => o.hyperparameters.find((h) => h.role === 'learning-rate')!.id);
    expect(new Set(ids).size).toBe(OPTIMIZERS.length);
    const all = OPTIMIZERS.flatMap((o) => o.hyperparameters.map((h) => h.id));
    expect(new Set(all).size).toBe(all.length);
  });

  it('refuses an unknown optimizer', () => {
    expect(() => getOptimizer('rmsprop' as never)).toThrow(/unknown optimizer/);
  });
});

describe("the FAQ's budget rule for optimizer hyperparameters", () => {
  const tuned = (id: Parameters<typeof optimizerNuisanceForBudget>[0], n: number) => optimizerNuisanceForBudget(id, n).nuisance.map((h) => h.name);

  it('tunes only the learning rate below 10 trials', () => {
    expect(tuned('adam', 1)).toEqual(['learning_rate']);
    expect(tuned('adam', 9)).toEqual(['learning_rate']);
  });

  it('adds beta1 from 10 to 24 trials', () => {
    expect(tuned('adam', 10)).toEqual(['learning_rate', 'beta1']);
    expect(tuned('adam', 24)).toEqual(['learning_rate', 'beta1']);
  });

  it('adds epsilon from 25 trials', () => {
    expect(tuned('adam', 25)).toEqual(['learning_rate', 'beta1', 'epsilon']);
    expect(tuned('adam', TRIALS_FOR_BETA2 - 1)).toEqual(['learning_rate', 'beta1', 'epsilon']);
  });

  it('adds beta2 with far more trials, and never weight decay', () => {
    expect(tuned('adam', TRIALS_FOR_BETA2)).toEqual(['learning_rate', 'beta1', 'beta2', 'epsilon']);
    expect(tuned('adamw', 1000)).not.toContain('weight_decay');
    expect(tuned('nadam', 1000)).not.toContain('momentum_decay');
  });

  it('uses momentum in the place of beta1 for SGD, which has no epsilon or beta2', () => {
    expect(tuned('sgd-nesterov', 5)).toEqual(['learning_rate']);
    expect(tuned('sgd-nesterov', 10)).toEqual(['learning_rate', 'momentum']);
    expect(tuned('sgd-nesterov', 500)).toEqual(['learning_rate', 'momentum']);
  });

  it('keeps everything else fixed, and says which rule applied', () => {
    const plan = optimizerNuisanceForBudget('adam', 12);
    expect(plan.fixed.map((h) => h.name).sort()).toEqual(['beta2', 'epsilon', 'weight_decay']);
    expect(plan.nuisance.length + plan.fixed.length).toBe(getOptimizer('adam').hyperparameters.length);
    expect(plan.explanation).toMatch(/12 trials.*learning rate and β1/);
  });

  it('refuses a budget that is not a positive whole number', () => {
    for (const bad of [0, -3, 2.5, NaN]) expect(() => budgetTier(bad)).toThrow(RangeError);
  });
});
