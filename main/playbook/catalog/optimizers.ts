/**
 * The wizard's optimizer catalog (issue 4, step 3), as data.
 *
 * The playbook: "start with the most popular optimizer for the type of problem at hand" — SGD
 * with Nesterov momentum or Adam/NAdam — and "be aware of all of its hyperparameters": Adam has
 * four (learning rate, β1, β2, ε), all shown here with their defaults. Early on, everything but
 * the learning rate stays fixed at its default ({@link OptimizerHyperparameter.fixedEarly});
 * which ones to tune later, as nuisance hyperparameters, follows the FAQ's budget rule
 * (./optimizerBudget.ts), driven by each hyperparameter's {@link OptimizerHyperparameter.budgetTier}.
 *
 * The learning rates of different optimizers are different hyperparameters (the playbook, on
 * conditional hyperparameters): a good Adam learning rate says nothing about SGD's. So every
 * hyperparameter has an id qualified by its optimizer (`adam.learning_rate`), while `name` is
 * what the script reads.
 */

export const OPTIMIZER_IDS = ['sgd-nesterov', 'adam', 'nadam', 'adamw'] as const;
export type OptimizerId = (typeof OPTIMIZER_IDS)[number];

/**
 * What a hyperparameter does, in the words of the FAQ's budget rule. SGD's momentum plays the
 * part of Adam's β1 (both average past gradients), so it shares the role `first-moment`.
 */
export type OptimizerRole = 'learning-rate' | 'first-moment' | 'second-moment' | 'epsilon' | 'weight-decay' | 'nesterov' | 'momentum-schedule';

/**
 * How a tuned hyperparameter is searched. `log-one-minus` samples 1 − value on a log scale, the
 * playbook's advice for momentum-like values near 1 (0.9 → 0.99 is as big a change as 0.99 → 0.999).
 */
export interface SearchRange {
  min: number;
  max: number;
  scale: 'log' | 'linear' | 'log-one-minus';
}

/** One hyperparameter of an optimizer, with its default and its place in the playbook's rules. */
export interface OptimizerHyperparameter {
  /** Unique across optimizers: `<optimizer>.<name>` (see the module comment). */
  id: string;
  /** The name a script conventionally reads (the flag or override). */
  name: string;
  label: string;
  /** How papers write it (β1, ε), for the wizard's table. */
  symbol: string;
  role: OptimizerRole;
  kind: 'real' | 'boolean';
  default: number | boolean;
  /** Where the default comes from, shown next to it. */
  defaultSource: string;
  /** The playbook: keep it at its default in the first rounds; tune only the learning rate. */
  fixedEarly: boolean;
  /**
   * Position in the FAQ's budget rule: 1 is tuned with any budget (the learning rate), 2 from
   * 10 trials (β1, momentum), 3 from 25 (ε), 4 with far more (β2). Null: not part of that rule
   * (weight decay is a regularisation question, answered by its own study).
   */
  budgetTier: 1 | 2 | 3 | 4 | null;
  /** Present exactly when `budgetTier` is: the range a study searches it over. */
  search?: SearchRange;
}

/** An optimizer the wizard offers. */
export interface Optimizer {
  id: OptimizerId;
  name: string;
  /** AdamW is offered as a variant of Adam, not as a separate first choice. */
  variantOf: OptimizerId | null;
  paper: { title: string; authors: readonly string[]; year: number; url: string };
  /** What the optimizer is called in the frameworks, so the user finds it in their script. */
  frameworkNames: { pytorch: string; optax: string; keras: string };
  hyperparameters: readonly OptimizerHyperparameter[];
}

// Shared search ranges. The learning rate's spans four decades around the usual values, wide
// enough that a well-tuned value is not at a boundary on typical problems; the study's boundary
// check says when it is.
const ADAM_LR: SearchRange = { min: 1e-5, max: 1e-1, scale: 'log' };
const SGD_LR: SearchRange = { min: 1e-3, max: 10, scale: 'log' };
const FIRST_MOMENT: SearchRange = { min: 0.5, max: 0.999, scale: 'log-one-minus' };
const SECOND_MOMENT: SearchRange = { min: 0.9, max: 0.9999, scale: 'log-one-minus' };
// ε is far from "negligible": values up to 1 change Adam into momentum SGD, which is why the
// playbook lists it among the tuned hyperparameters once the budget allows.
const EPSILON: SearchRange = { min: 1e-10, max: 1, scale: 'log' };

/** The hyperparameters Adam, NAdam and AdamW share, under one optimizer's id. */
function adamFamily(optimizer: OptimizerId, lr: number, lrSource: string, weightDecay: number, weightDecaySource: string): OptimizerHyperparameter[] {
  return [
    { id: `${optimizer}.learning_rate`, name: 'learning_rate', label: 'Learning rate', symbol: 'η', role: 'learning-rate', kind: 'real', default: lr, defaultSource: lrSource, fixedEarly: false, budgetTier: 1, search: ADAM_LR },
    { id: `${optimizer}.beta1`, name: 'beta1', label: 'β1 (first-moment decay)', symbol: 'β1', role: 'first-moment', kind: 'real', default: 0.9, defaultSource: 'Kingma & Ba (2015); PyTorch, Optax and Keras', fixedEarly: true, budgetTier: 2, search: FIRST_MOMENT },
    { id: `${optimizer}.beta2`, name: 'beta2', label: 'β2 (second-moment decay)', symbol: 'β2', role: 'second-moment', kind: 'real', default: 0.999, defaultSource: 'Kingma & Ba (2015); PyTorch, Optax and Keras', fixedEarly: true, budgetTier: 4, search: SECOND_MOMENT },
    {
      id: `${optimizer}.epsilon`,
      name: 'epsilon',
      label: 'ε (denominator offset)',
      symbol: 'ε',
      role: 'epsilon',
      kind: 'real',
      default: 1e-8,
      // Keras uses 1e-7: a script written for Keras keeps its own default, shown by the wizard.
      defaultSource: 'Kingma & Ba (2015); PyTorch and Optax (Keras: 1e-7)',
      fixedEarly: true,
      budgetTier: 3,
      search: EPSILON,
    },
    { id: `${optimizer}.weight_decay`, name: 'weight_decay', label: 'Weight decay', symbol: 'λ', role: 'weight-decay', kind: 'real', default: weightDecay, defaultSource: weightDecaySource, fixedEarly: true, budgetTier: null },
  ];
}

export const OPTIMIZERS: readonly Optimizer[] = [
  {
    id: 'sgd-nesterov',
    name: 'SGD with Nesterov momentum',
    variantOf: null,
    paper: {
      title: 'On the importance of initialization and momentum in deep learning',
      authors: ['Ilya Sutskever', 'James Martens', 'George Dahl', 'Geoffrey Hinton'],
      year: 2013,
      url: 'https://proceedings.mlr.press/v28/sutskever13.html',
    },
    frameworkNames: { pytorch: 'torch.optim.SGD(nesterov=True)', optax: 'optax.sgd(nesterov=True)', keras: 'keras.optimizers.SGD(nesterov=True)' },
    hyperparameters: [
      {
        id: 'sgd-nesterov.learning_rate',
        name: 'learning_rate',
        label: 'Learning rate',
        symbol: 'η',
        role: 'learning-rate',
        kind: 'real',
        // There is no framework-wide default worth the name for SGD; 0.1 at batch size 256 is
        // the ResNet recipe (He et al., 2016), the most reproduced starting point.
        default: 0.1,
        defaultSource: 'He et al. (2016), ResNet on ImageNet at batch size 256',
        fixedEarly: false,
        budgetTier: 1,
        search: SGD_LR,
      },
      { id: 'sgd-nesterov.momentum', name: 'momentum', label: 'Momentum', symbol: 'μ', role: 'first-moment', kind: 'real', default: 0.9, defaultSource: 'Sutskever et al. (2013); the usual value in PyTorch, Optax and Keras examples', fixedEarly: true, budgetTier: 2, search: FIRST_MOMENT },
      { id: 'sgd-nesterov.nesterov', name: 'nesterov', label: 'Nesterov momentum', symbol: 'nesterov', role: 'nesterov', kind: 'boolean', default: true, defaultSource: 'this choice of optimizer', fixedEarly: true, budgetTier: null },
      { id: 'sgd-nesterov.weight_decay', name: 'weight_decay', label: 'Weight decay', symbol: 'λ', role: 'weight-decay', kind: 'real', default: 0, defaultSource: 'PyTorch (off); ResNet used 1e-4', fixedEarly: true, budgetTier: null },
    ],
  },
  {
    id: 'adam',
    name: 'Adam',
    variantOf: null,
    paper: { title: 'Adam: A Method for Stochastic Optimization', authors: ['Diederik P. Kingma', 'Jimmy Ba'], year: 2015, url: 'https://arxiv.org/abs/1412.6980' },
    frameworkNames: { pytorch: 'torch.optim.Adam', optax: 'optax.adam', keras: 'keras.optimizers.Adam' },
    hyperparameters: adamFamily('adam', 1e-3, 'Kingma & Ba (2015); PyTorch and Keras', 0, 'PyTorch (off)'),
  },
  {
    id: 'nadam',
    name: 'NAdam',
    variantOf: null,
    paper: { title: 'Incorporating Nesterov Momentum into Adam', authors: ['Timothy Dozat'], year: 2016, url: 'https://openreview.net/forum?id=OM0jvwB8jIp57ZJjtNEZ' },
    frameworkNames: { pytorch: 'torch.optim.NAdam', optax: 'optax.nadam', keras: 'keras.optimizers.Nadam' },
    hyperparameters: [
      ...adamFamily('nadam', 2e-3, 'PyTorch (Keras: 1e-3)', 0, 'PyTorch (off)'),
      {
        id: 'nadam.momentum_decay',
        name: 'momentum_decay',
        label: 'Momentum decay (warm-up of β1)',
        symbol: 'ψ',
        role: 'momentum-schedule',
        kind: 'real',
        default: 4e-3,
        // PyTorch's schedule of the momentum from Dozat's paper; Optax has no such knob.
        defaultSource: 'Dozat (2016); PyTorch only',
        fixedEarly: true,
        budgetTier: null,
      },
    ],
  },
  {
    id: 'adamw',
    name: 'AdamW (Adam with decoupled weight decay)',
    variantOf: 'adam',
    paper: { title: 'Decoupled Weight Decay Regularization', authors: ['Ilya Loshchilov', 'Frank Hutter'], year: 2019, url: 'https://arxiv.org/abs/1711.05101' },
    frameworkNames: { pytorch: 'torch.optim.AdamW', optax: 'optax.adamw', keras: 'keras.optimizers.AdamW' },
    hyperparameters: adamFamily('adamw', 1e-3, 'PyTorch and Keras', 1e-2, 'PyTorch (Optax: 1e-4, Keras: 4e-3)'),
  },
];

/** An optimizer by id; throws for an unknown id (ids come from {@link OPTIMIZER_IDS}). */
export function getOptimizer(id: OptimizerId): Optimizer {
  const o = OPTIMIZERS.find((x) => x.id === id);
  if (!o) throw new RangeError(`unknown optimizer '${id}'`);
  return o;
}

/** The optimizers offered as first choices (AdamW appears as Adam's variant). */
export function primaryOptimizers(): Optimizer[] {
  return OPTIMIZERS.filter((o) => o.variantOf === null);
}

/** The optimizers offered as variants of one, e.g. AdamW for Adam. */
export function variantsOf(id: OptimizerId): Optimizer[] {
  return OPTIMIZERS.filter((o) => o.variantOf === id);
}

/** Every hyperparameter at its default, keyed by the name the script reads. */
export function optimizerDefaults(id: OptimizerId): Record<string, number | boolean> {
  return Object.fromEntries(getOptimizer(id).hyperparameters.map((h) => [h.name, h.default]));
}
