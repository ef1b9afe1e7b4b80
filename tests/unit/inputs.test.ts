/**
 * Inputs refused with a reason (issue 10): control characters in values, names, command parts
 * and folders; names JavaScript objects reserve; relative working directories. At the schemas
 * (where the renderer's payloads arrive) and at buildCommand (the last step before argv).
 */
import { describe, expect, it } from 'vitest';
import { buildCommand } from '../../main/script/argv';
import { methods } from '../../preload/contract';
import { absolutePathProblem, controlCharacterProblem, hyperparameters } from '../../preload/schemas';
import { searchSpaceSchema } from '../../preload/space';
import { wizardChoices } from '../../preload/contract-wizard';

const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('control characters', () => {
  it('names the character and where it is', () => {
    expect(controlCharacterProblem('plain text, ünïcode ✓')).toBeNull();
    expect(controlCharacterProblem('abc\0def')).toMatch(/^contains a NUL byte at character 4; .*a NUL would cut the text short there/);
    expect(controlCharacterProblem('a\nb')).toMatch(/a line break at character 2/);
    expect(controlCharacterProblem('\u007f')).toMatch(/a DEL at character 1/);
    expect(controlCharacterProblem('x\u0002')).toMatch(/a control character \(U\+0002\) at character 2/);
  });

  it('are refused in hyperparameter values, search-space values and wizard choices', () => {
    expect(issues(hyperparameters.safeParse({ lr: 'abc\0def' }))).toEqual([expect.stringMatching(/^lr: the value contains a NUL byte at character 4/)]);
    expect(hyperparameters.safeParse({ lr: 0.1, opt: 'adam', nesterov: true }).success).toBe(true);
    const space = searchSpaceSchema.safeParse({ opt: { type: 'categorical', values: ['adam', 'sg\u0000d'] } });
    expect(issues(space).join('\n')).toMatch(/opt\.values\.1: the value contains a NUL byte/);
    expect(issues(wizardChoices.safeParse({ optimizer: 'ad\u0000am' }))).toEqual([expect.stringMatching(/^optimizer: the choice contains a NUL byte/)]);
  });

  it('in a stored project still never reach argv: buildCommand refuses with the field', () => {
    const base = { interpreter: '/usr/bin/python3', template: ['train.py'], style: 'flags' as const };
    expect(() => buildCommand({ ...base, hyperparameters: { lr: 'abc\0def' } })).toThrow(/^the value of lr contains a NUL byte at character 4.*fix it on the project page$/);
    expect(() => buildCommand({ ...base, template: ['train.py', '--a\tb'], hyperparameters: {} })).toThrow(/^part 2 of the command \("--a\\tb"\) contains a tab/);
    expect(() => buildCommand({ ...base, interpreter: 'py\0thon', hyperparameters: {} })).toThrow(/^the interpreter contains a NUL byte/);
    // jsonfile carries any text safely (JSON escapes it), but the same value is refused there too: one rule.
    expect(() => buildCommand({ ...base, style: 'jsonfile', jsonPath: '/tmp/h.json', hyperparameters: { tag: 'a\u0001' } })).toThrow(/the value of tag contains/);
  });
});

describe('reserved names', () => {
  it('are refused at their key instead of dropped', () => {
    for (const name of ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString']) {
      const r = hyperparameters.safeParse(JSON.parse(`{"${name}": 1, "lr": 0.1}`));
      expect(r.success, name).toBe(false);
      expect(issues(r)[0]).toMatch(new RegExp(`^${name}: "${name}" cannot be a hyperparameter name: the workbench's JavaScript objects reserve it; rename it`));
    }
    expect(issues(searchSpaceSchema.safeParse(JSON.parse('{"__proto__": {"type": "log", "min": 1e-4, "max": 1}, "lr": {"type": "log", "min": 1e-4, "max": 1}}')))[0]).toMatch(
      /^__proto__: "__proto__" cannot be a hyperparameter name/,
    );
    const study = methods['studies.create'].input.safeParse(
      JSON.parse('{"projectId":1,"name":"s","goal":"g","space":{"lr":{"type":"log","min":0.001,"max":1}},"roles":{"lr":"nuisance","__proto__":"fixed"},"fixed":{},"objectiveMetric":"loss","objectiveGoal":"minimize","budget":2}'),
    );
    expect(issues(study)).toEqual([expect.stringMatching(/^roles\.__proto__: "__proto__" cannot be a hyperparameter name/)]);
  });

  it('a metric rename from __proto__ is refused, not dropped', () => {
    const r = methods['projects.update'].input.safeParse(JSON.parse('{"id":1,"patch":{"metricRenames":{"__proto__":"loss","Loss":"train_loss"}}}'));
    expect(issues(r)).toEqual([expect.stringMatching(/^patch\.metricRenames\.__proto__: "__proto__" cannot be a metric name/)]);
  });

  it('a placeholder named like an Object property is not taken as set', () => {
    expect(() => buildCommand({ interpreter: 'python3', template: ['train.py', '{constructor}'], style: 'placeholders', hyperparameters: {} })).toThrow(/uses \{constructor\} but no value is set/);
  });
});

describe('working directory', () => {
  it('must be absolute, with the fix in the message', () => {
    expect(absolutePathProblem('/home/me/proj')).toBeNull();
    expect(absolutePathProblem('C:\\Users\\me\\proj')).toBeNull();
    expect(absolutePathProblem('examples/digits')).toBe('"examples/digits" is a relative path: give the absolute path of the folder, e.g. /home/you/project/examples/digits');
    expect(absolutePathProblem('.')).toMatch(/"\." is a relative path: give the absolute path of the folder, e.g. \/home\/you\/project$/);
    expect(absolutePathProblem('~/proj')).toMatch(/starts with ~, which is not expanded here: write the full path, e.g. \/home\/you\/proj/);
    const r = methods['projects.create'].input.safeParse({ name: 'p', workdir: 'rel', interpreter: 'python3', argvTemplate: ['train.py'] });
    expect(issues(r)).toEqual([expect.stringMatching(/^workdir: "rel" is a relative path/)]);
  });
});
