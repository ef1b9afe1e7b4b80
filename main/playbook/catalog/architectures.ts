/**
 * The wizard's architecture catalog (issue 4, step 2), as data.
 *
 * The playbook: "Find the closest paper you can that solves something close to the problem at
 * hand and reproduce that model as a starting point", and treat the size of the model (layers,
 * width, activation) as hyperparameters to be chosen later. Each family here names that paper
 * and its size hyperparameters, with a starting value taken from the paper's smallest reported
 * configuration (the playbook's initial configuration is "simple, fast, low-resource").
 *
 * To extend: add a family to {@link ARCHITECTURE_FAMILIES}; tests/unit/catalog.test.ts checks
 * that it has a paper, that every starting value lies in its range, and that ids are unique.
 */

/** The kinds of problem the wizard offers; each has at least one proven family. */
export const TASK_TYPES = [
  'image-classification',
  'image-segmentation',
  'language-modelling',
  'sequence-to-sequence',
  'speech-recognition',
  'graph-learning',
  'tabular',
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** What the wizard shows for each task type. */
export const TASK_TYPE_LABELS: Readonly<Record<TaskType, string>> = {
  'image-classification': 'Image classification',
  'image-segmentation': 'Image segmentation',
  'language-modelling': 'Language modelling',
  'sequence-to-sequence': 'Sequence-to-sequence (translation, summarisation)',
  'speech-recognition': 'Speech recognition',
  'graph-learning': 'Graphs (node and graph classification)',
  tabular: 'Tabular data',
};

/** The paper to reproduce: enough to find it and cite it. */
export interface Paper {
  title: string;
  authors: readonly string[];
  year: number;
  /** Where it can be read (arXiv abstract page where there is one). */
  url: string;
  venue: string;
}

/** A size hyperparameter of a family: a number of layers, a width, an activation, ... */
export type SizeHyperparameter =
  | {
      /** The conventional name, suggested as the flag or override the script reads. */
      name: string;
      label: string;
      kind: 'integer';
      /** Where to start: the paper's smallest configuration, or a smaller one where noted. */
      start: number;
      /** A sane range for the study designer; outside it the family stops being itself. */
      min: number;
      max: number;
      note?: string;
    }
  | {
      name: string;
      label: string;
      kind: 'real';
      start: number;
      min: number;
      max: number;
      note?: string;
    }
  | {
      name: string;
      label: string;
      kind: 'categorical';
      start: string;
      choices: readonly string[];
      note?: string;
    };

/** A proven model family for a task type. */
export interface ArchitectureFamily {
  /** Stable id, stored with a project's wizard choices. */
  id: string;
  name: string;
  taskTypes: readonly TaskType[];
  paper: Paper;
  /** When this family is the closest match, in one sentence. */
  whenToUse: string;
  size: readonly SizeHyperparameter[];
}

/**
 * The choice that is always possible: the user's own script, whatever model it builds.
 * Kept out of {@link ARCHITECTURE_FAMILIES} because it has no paper and no size hyperparameters.
 */
export const OWN_SCRIPT = {
  id: 'own-script',
  name: 'My own script',
  whenToUse: 'Your script already builds the model; its size hyperparameters are whatever flags it reads.',
} as const;

export const ARCHITECTURE_FAMILIES: readonly ArchitectureFamily[] = [
  {
    id: 'lenet5',
    name: 'LeNet-5',
    taskTypes: ['image-classification'],
    paper: {
      title: 'Gradient-based learning applied to document recognition',
      authors: ['Yann LeCun', 'Léon Bottou', 'Yoshua Bengio', 'Patrick Haffner'],
      year: 1998,
      url: 'https://doi.org/10.1109/5.726791',
      venue: 'Proceedings of the IEEE',
    },
    whenToUse: 'Small grey-scale images such as handwritten digits (MNIST, scikit-learn digits), where a large network is wasted.',
    size: [
      { name: 'conv_layers', label: 'Convolutional layers', kind: 'integer', start: 2, min: 1, max: 4 },
      { name: 'channels', label: 'Channels of the first convolution', kind: 'integer', start: 6, min: 4, max: 64, note: 'Doubled at each further convolution (6, 16 in the paper).' },
      { name: 'hidden_width', label: 'Width of the fully connected layers', kind: 'integer', start: 120, min: 16, max: 1024 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'relu', choices: ['relu', 'tanh'], note: 'The paper used a scaled tanh; ReLU is the common modern choice.' },
    ],
  },
  {
    id: 'resnet',
    name: 'ResNet',
    taskTypes: ['image-classification'],
    paper: {
      title: 'Deep Residual Learning for Image Recognition',
      authors: ['Kaiming He', 'Xiangyu Zhang', 'Shaoqing Ren', 'Jian Sun'],
      year: 2016,
      url: 'https://arxiv.org/abs/1512.03385',
      venue: 'CVPR',
    },
    whenToUse: 'Natural images at ImageNet-like resolution; the default convolutional baseline.',
    size: [
      { name: 'depth', label: 'Depth (layers)', kind: 'integer', start: 18, min: 10, max: 152, note: 'The paper reports 18, 34, 50, 101 and 152.' },
      { name: 'width', label: 'Channels of the first stage', kind: 'integer', start: 64, min: 16, max: 256 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'relu', choices: ['relu', 'gelu', 'silu'] },
    ],
  },
  {
    id: 'wide-resnet',
    name: 'Wide ResNet',
    taskTypes: ['image-classification'],
    paper: {
      title: 'Wide Residual Networks',
      authors: ['Sergey Zagoruyko', 'Nikos Komodakis'],
      year: 2016,
      url: 'https://arxiv.org/abs/1605.07146',
      venue: 'BMVC',
    },
    whenToUse: 'Small natural images (CIFAR-10/100, SVHN, 32×32).',
    size: [
      { name: 'depth', label: 'Depth (layers)', kind: 'integer', start: 16, min: 10, max: 40, note: 'Depth = 6n + 4; the paper’s CIFAR results use 16 to 40 (WRN-28-10 best).' },
      { name: 'widen_factor', label: 'Widening factor', kind: 'integer', start: 4, min: 1, max: 12 },
      { name: 'dropout', label: 'Dropout between convolutions', kind: 'real', start: 0, min: 0, max: 0.5 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'relu', choices: ['relu', 'silu'] },
    ],
  },
  {
    id: 'vit',
    name: 'Vision Transformer (ViT)',
    taskTypes: ['image-classification'],
    paper: {
      title: 'An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale',
      authors: [
        'Alexey Dosovitskiy',
        'Lucas Beyer',
        'Alexander Kolesnikov',
        'Dirk Weissenborn',
        'Xiaohua Zhai',
        'Thomas Unterthiner',
        'Mostafa Dehghani',
        'Matthias Minderer',
        'Georg Heigold',
        'Sylvain Gelly',
        'Jakob Uszkoreit',
        'Neil Houlsby',
      ],
      year: 2021,
      url: 'https://arxiv.org/abs/2010.11929',
      venue: 'ICLR',
    },
    whenToUse: 'Images with plenty of data or pre-training; starts weaker than a ResNet on small data sets.',
    size: [
      { name: 'num_layers', label: 'Transformer layers', kind: 'integer', start: 12, min: 4, max: 32 },
      { name: 'hidden_size', label: 'Hidden size', kind: 'integer', start: 768, min: 192, max: 1280, note: 'ViT-Base: 12 layers, 768 wide, 12 heads, MLP 3072.' },
      { name: 'num_heads', label: 'Attention heads', kind: 'integer', start: 12, min: 3, max: 16 },
      { name: 'mlp_dim', label: 'MLP size', kind: 'integer', start: 3072, min: 768, max: 5120 },
      { name: 'patch_size', label: 'Patch size', kind: 'integer', start: 16, min: 4, max: 32 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'gelu', choices: ['gelu', 'relu'] },
    ],
  },
  {
    id: 'convnext',
    name: 'ConvNeXt',
    taskTypes: ['image-classification'],
    paper: {
      title: 'A ConvNet for the 2020s',
      authors: ['Zhuang Liu', 'Hanzi Mao', 'Chao-Yuan Wu', 'Christoph Feichtenhofer', 'Trevor Darrell', 'Saining Xie'],
      year: 2022,
      url: 'https://arxiv.org/abs/2201.03545',
      venue: 'CVPR',
    },
    whenToUse: 'A modern convolutional network trained with a Transformer-style recipe (AdamW, long schedules).',
    size: [
      { name: 'depth_stage3', label: 'Blocks in stage 3', kind: 'integer', start: 9, min: 3, max: 27, note: 'ConvNeXt-T: blocks (3, 3, 9, 3); S/B/L use 27 in stage 3.' },
      { name: 'width', label: 'Channels of the first stage', kind: 'integer', start: 96, min: 32, max: 256, note: 'Doubled at each stage (96, 192, 384, 768 for ConvNeXt-T).' },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'gelu', choices: ['gelu', 'relu'] },
    ],
  },
  {
    id: 'unet',
    name: 'U-Net',
    taskTypes: ['image-segmentation'],
    paper: {
      title: 'U-Net: Convolutional Networks for Biomedical Image Segmentation',
      authors: ['Olaf Ronneberger', 'Philipp Fischer', 'Thomas Brox'],
      year: 2015,
      url: 'https://arxiv.org/abs/1505.04597',
      venue: 'MICCAI',
    },
    whenToUse: 'Dense per-pixel prediction, especially with few labelled images.',
    size: [
      { name: 'levels', label: 'Resolution levels', kind: 'integer', start: 5, min: 3, max: 6, note: 'Four down-sampling steps in the paper.' },
      { name: 'base_channels', label: 'Channels at full resolution', kind: 'integer', start: 64, min: 8, max: 128 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'relu', choices: ['relu', 'gelu', 'silu'] },
    ],
  },
  {
    id: 'gpt2',
    name: 'GPT-2 (decoder-only Transformer)',
    taskTypes: ['language-modelling'],
    paper: {
      title: 'Language Models are Unsupervised Multitask Learners',
      authors: ['Alec Radford', 'Jeffrey Wu', 'Rewon Child', 'David Luan', 'Dario Amodei', 'Ilya Sutskever'],
      year: 2019,
      url: 'https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf',
      venue: 'OpenAI technical report',
    },
    whenToUse: 'Next-token prediction on text or other token streams.',
    size: [
      { name: 'n_layer', label: 'Layers', kind: 'integer', start: 12, min: 2, max: 48, note: 'The smallest GPT-2: 12 layers, 768 wide, 12 heads, 1024 context.' },
      { name: 'n_embd', label: 'Model width', kind: 'integer', start: 768, min: 128, max: 1600 },
      { name: 'n_head', label: 'Attention heads', kind: 'integer', start: 12, min: 2, max: 25 },
      { name: 'context_length', label: 'Context length (tokens)', kind: 'integer', start: 1024, min: 64, max: 8192 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'gelu', choices: ['gelu', 'relu', 'swiglu'] },
    ],
  },
  {
    id: 'awd-lstm',
    name: 'AWD-LSTM',
    taskTypes: ['language-modelling'],
    paper: {
      title: 'Regularizing and Optimizing LSTM Language Models',
      authors: ['Stephen Merity', 'Nitish Shirish Keskar', 'Richard Socher'],
      year: 2018,
      url: 'https://arxiv.org/abs/1708.02182',
      venue: 'ICLR',
    },
    whenToUse: 'Word- or character-level language modelling on small corpora (Penn Treebank, WikiText-2) with one GPU.',
    size: [
      { name: 'num_layers', label: 'LSTM layers', kind: 'integer', start: 3, min: 1, max: 4 },
      { name: 'embedding_size', label: 'Embedding size', kind: 'integer', start: 400, min: 64, max: 1024 },
      { name: 'hidden_size', label: 'Hidden size', kind: 'integer', start: 1150, min: 128, max: 2048 },
    ],
  },
  {
    id: 'bert',
    name: 'BERT (masked language model)',
    taskTypes: ['language-modelling'],
    paper: {
      title: 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding',
      authors: ['Jacob Devlin', 'Ming-Wei Chang', 'Kenton Lee', 'Kristina Toutanova'],
      year: 2019,
      url: 'https://arxiv.org/abs/1810.04805',
      venue: 'NAACL',
    },
    whenToUse: 'Bidirectional encoders pre-trained by masking, then fine-tuned for classification or tagging.',
    size: [
      { name: 'num_layers', label: 'Layers', kind: 'integer', start: 12, min: 2, max: 24, note: 'BERT-Base: L=12, H=768, A=12.' },
      { name: 'hidden_size', label: 'Hidden size', kind: 'integer', start: 768, min: 128, max: 1024 },
      { name: 'num_heads', label: 'Attention heads', kind: 'integer', start: 12, min: 2, max: 16 },
      { name: 'intermediate_size', label: 'Feed-forward size', kind: 'integer', start: 3072, min: 512, max: 4096 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'gelu', choices: ['gelu', 'relu'] },
    ],
  },
  {
    id: 'transformer',
    name: 'Transformer (encoder-decoder)',
    taskTypes: ['sequence-to-sequence'],
    paper: {
      title: 'Attention Is All You Need',
      authors: ['Ashish Vaswani', 'Noam Shazeer', 'Niki Parmar', 'Jakob Uszkoreit', 'Llion Jones', 'Aidan N. Gomez', 'Łukasz Kaiser', 'Illia Polosukhin'],
      year: 2017,
      url: 'https://arxiv.org/abs/1706.03762',
      venue: 'NeurIPS',
    },
    whenToUse: 'Machine translation and other sequence-to-sequence problems trained from scratch.',
    size: [
      { name: 'num_layers', label: 'Layers in encoder and decoder', kind: 'integer', start: 6, min: 2, max: 12, note: 'Transformer-Base: N=6, d_model=512, d_ff=2048, h=8, dropout 0.1.' },
      { name: 'd_model', label: 'Model width', kind: 'integer', start: 512, min: 128, max: 1024 },
      { name: 'd_ff', label: 'Feed-forward size', kind: 'integer', start: 2048, min: 256, max: 4096 },
      { name: 'num_heads', label: 'Attention heads', kind: 'integer', start: 8, min: 2, max: 16 },
      { name: 'dropout', label: 'Dropout', kind: 'real', start: 0.1, min: 0, max: 0.5 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'relu', choices: ['relu', 'gelu'] },
    ],
  },
  {
    id: 't5',
    name: 'T5',
    taskTypes: ['sequence-to-sequence'],
    paper: {
      title: 'Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer',
      authors: ['Colin Raffel', 'Noam Shazeer', 'Adam Roberts', 'Katherine Lee', 'Sharan Narang', 'Michael Matena', 'Yanqi Zhou', 'Wei Li', 'Peter J. Liu'],
      year: 2020,
      url: 'https://arxiv.org/abs/1910.10683',
      venue: 'Journal of Machine Learning Research',
    },
    whenToUse: 'Text-to-text problems (summarisation, question answering), usually fine-tuned from a pre-trained checkpoint.',
    size: [
      { name: 'num_layers', label: 'Layers in encoder and decoder', kind: 'integer', start: 6, min: 2, max: 24, note: 'T5-Small: 6 layers, d_model 512, d_ff 2048, 8 heads.' },
      { name: 'd_model', label: 'Model width', kind: 'integer', start: 512, min: 128, max: 1024 },
      { name: 'd_ff', label: 'Feed-forward size', kind: 'integer', start: 2048, min: 256, max: 4096 },
      { name: 'num_heads', label: 'Attention heads', kind: 'integer', start: 8, min: 2, max: 16 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'relu', choices: ['relu', 'gelu', 'geglu'] },
    ],
  },
  {
    id: 'conformer',
    name: 'Conformer',
    taskTypes: ['speech-recognition'],
    paper: {
      title: 'Conformer: Convolution-augmented Transformer for Speech Recognition',
      authors: [
        'Anmol Gulati',
        'James Qin',
        'Chung-Cheng Chiu',
        'Niki Parmar',
        'Yu Zhang',
        'Jiahui Yu',
        'Wei Han',
        'Shibo Wang',
        'Zhengdong Zhang',
        'Yonghui Wu',
        'Ruoming Pang',
      ],
      year: 2020,
      url: 'https://arxiv.org/abs/2005.08100',
      venue: 'Interspeech',
    },
    whenToUse: 'Speech recognition from filter-bank features, trained from scratch (LibriSpeech).',
    size: [
      { name: 'encoder_layers', label: 'Encoder layers', kind: 'integer', start: 16, min: 4, max: 24, note: 'Conformer (S): 16 layers, 144 wide, 4 heads, kernel 32.' },
      { name: 'encoder_dim', label: 'Encoder width', kind: 'integer', start: 144, min: 64, max: 512 },
      { name: 'num_heads', label: 'Attention heads', kind: 'integer', start: 4, min: 2, max: 8 },
      { name: 'conv_kernel_size', label: 'Convolution kernel size', kind: 'integer', start: 32, min: 3, max: 63 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'swish', choices: ['swish', 'relu', 'gelu'] },
    ],
  },
  {
    id: 'wav2vec2',
    name: 'wav2vec 2.0',
    taskTypes: ['speech-recognition'],
    paper: {
      title: 'wav2vec 2.0: A Framework for Self-Supervised Learning of Speech Representations',
      authors: ['Alexei Baevski', 'Henry Zhou', 'Abdelrahman Mohamed', 'Michael Auli'],
      year: 2020,
      url: 'https://arxiv.org/abs/2006.11477',
      venue: 'NeurIPS',
    },
    whenToUse: 'Speech from raw audio with little labelled data: fine-tune a self-supervised pre-trained model.',
    size: [
      { name: 'num_layers', label: 'Transformer blocks', kind: 'integer', start: 12, min: 4, max: 24, note: 'BASE: 12 blocks, 768 wide, FFN 3072, 8 heads.' },
      { name: 'hidden_size', label: 'Model width', kind: 'integer', start: 768, min: 256, max: 1024 },
      { name: 'num_heads', label: 'Attention heads', kind: 'integer', start: 8, min: 4, max: 16 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'gelu', choices: ['gelu', 'relu'] },
    ],
  },
  {
    id: 'gcn',
    name: 'Graph Convolutional Network (GCN)',
    taskTypes: ['graph-learning'],
    paper: {
      title: 'Semi-Supervised Classification with Graph Convolutional Networks',
      authors: ['Thomas N. Kipf', 'Max Welling'],
      year: 2017,
      url: 'https://arxiv.org/abs/1609.02907',
      venue: 'ICLR',
    },
    whenToUse: 'Node classification on one graph (citation networks such as Cora).',
    size: [
      { name: 'num_layers', label: 'Graph convolution layers', kind: 'integer', start: 2, min: 1, max: 8 },
      { name: 'hidden_size', label: 'Hidden units', kind: 'integer', start: 16, min: 8, max: 512 },
      { name: 'dropout', label: 'Dropout', kind: 'real', start: 0.5, min: 0, max: 0.8 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'relu', choices: ['relu', 'elu', 'gelu'] },
    ],
  },
  {
    id: 'gat',
    name: 'Graph Attention Network (GAT)',
    taskTypes: ['graph-learning'],
    paper: {
      title: 'Graph Attention Networks',
      authors: ['Petar Veličković', 'Guillem Cucurull', 'Arantxa Casanova', 'Adriana Romero', 'Pietro Liò', 'Yoshua Bengio'],
      year: 2018,
      url: 'https://arxiv.org/abs/1710.10903',
      venue: 'ICLR',
    },
    whenToUse: 'Node classification where neighbours matter unequally, including inductive settings (PPI).',
    size: [
      { name: 'num_layers', label: 'Attention layers', kind: 'integer', start: 2, min: 1, max: 6 },
      { name: 'num_heads', label: 'Attention heads', kind: 'integer', start: 8, min: 1, max: 16 },
      { name: 'hidden_per_head', label: 'Features per head', kind: 'integer', start: 8, min: 4, max: 256 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'elu', choices: ['elu', 'relu'] },
    ],
  },
  {
    id: 'gin',
    name: 'Graph Isomorphism Network (GIN)',
    taskTypes: ['graph-learning'],
    paper: {
      title: 'How Powerful are Graph Neural Networks?',
      authors: ['Keyulu Xu', 'Weihua Hu', 'Jure Leskovec', 'Stefanie Jegelka'],
      year: 2019,
      url: 'https://arxiv.org/abs/1810.00826',
      venue: 'ICLR',
    },
    whenToUse: 'Graph classification (molecules, social networks): one label per graph.',
    size: [
      { name: 'num_layers', label: 'GNN layers', kind: 'integer', start: 5, min: 2, max: 10, note: '5 layers (input included) with 2-layer MLPs in the paper; 16 or 32 hidden units on bioinformatics graphs, 64 on social graphs.' },
      { name: 'hidden_size', label: 'Hidden units', kind: 'integer', start: 64, min: 16, max: 512 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'relu', choices: ['relu', 'gelu'] },
    ],
  },
  {
    id: 'tabular-mlp',
    name: 'MLP (tabular baseline)',
    taskTypes: ['tabular'],
    paper: {
      title: 'Revisiting Deep Learning Models for Tabular Data',
      authors: ['Yury Gorishniy', 'Ivan Rubachev', 'Valentin Khrulkov', 'Artem Babenko'],
      year: 2021,
      url: 'https://arxiv.org/abs/2106.11959',
      venue: 'NeurIPS',
    },
    whenToUse: 'The first deep baseline for a table of numeric and categorical features; compare with gradient-boosted trees.',
    size: [
      { name: 'num_layers', label: 'Hidden layers', kind: 'integer', start: 3, min: 1, max: 8 },
      { name: 'hidden_size', label: 'Hidden units', kind: 'integer', start: 256, min: 16, max: 1024 },
      { name: 'dropout', label: 'Dropout', kind: 'real', start: 0.1, min: 0, max: 0.5 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'relu', choices: ['relu', 'gelu', 'silu'] },
    ],
  },
  {
    id: 'ft-transformer',
    name: 'FT-Transformer',
    taskTypes: ['tabular'],
    paper: {
      title: 'Revisiting Deep Learning Models for Tabular Data',
      authors: ['Yury Gorishniy', 'Ivan Rubachev', 'Valentin Khrulkov', 'Artem Babenko'],
      year: 2021,
      url: 'https://arxiv.org/abs/2106.11959',
      venue: 'NeurIPS',
    },
    whenToUse: 'Tabular data where the MLP falls short; each feature becomes a token for a Transformer.',
    size: [
      { name: 'num_blocks', label: 'Transformer blocks', kind: 'integer', start: 3, min: 1, max: 6, note: 'The paper’s default: 3 blocks, d_token 192, 8 heads, ReGLU.' },
      { name: 'd_token', label: 'Token width', kind: 'integer', start: 192, min: 64, max: 512 },
      { name: 'num_heads', label: 'Attention heads', kind: 'integer', start: 8, min: 1, max: 16 },
      { name: 'activation', label: 'Activation', kind: 'categorical', start: 'reglu', choices: ['reglu', 'geglu', 'relu'] },
    ],
  },
];

/** The proven families for a task type, in catalog order (most common first). */
export function familiesForTask(task: TaskType): ArchitectureFamily[] {
  return ARCHITECTURE_FAMILIES.filter((f) => f.taskTypes.includes(task));
}

/** A family by id, or undefined (e.g. a project saved with a family since removed). */
export function findFamily(id: string): ArchitectureFamily | undefined {
  return ARCHITECTURE_FAMILIES.find((f) => f.id === id);
}

/**
 * The values the wizard pre-fills for a family: each size hyperparameter at its starting value,
 * keyed by its conventional name.
 */
export function startingSize(family: ArchitectureFamily): Record<string, number | string> {
  return Object.fromEntries(family.size.map((h) => [h.name, h.start]));
}

/**
 * What the wizard offers for a task type: its families, then always the user's own script.
 */
export function architectureChoices(task: TaskType): Array<ArchitectureFamily | typeof OWN_SCRIPT> {
  return [...familiesForTask(task), OWN_SCRIPT];
}
