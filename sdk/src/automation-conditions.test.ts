import { describe, expect, it } from 'vitest';
import { fillTemplate } from './automation.ts';
import { type ConditionExpr, checkCondition, decimalCompare, evaluateCondition } from './automation-conditions.ts';
import { defineStep, defineSteps, runSteps, type StepTrace } from './automation-steps.ts';

const scope = {
  payload: { title: 'Big deal', value: '1200.50', tags: ['vip', 'eu'], owner: { email: 'a@b.c' }, empty: '' },
  record: { stageId: 's2', dueAt: '2026-12-04T10:00:00Z' },
  changes: ['stageId'],
};

describe('conditions', () => {
  it.each<[ConditionExpr, boolean]>([
    [{ field: 'payload.title', op: 'equals', value: 'big deal' }, true],
    [{ field: 'payload.title', op: 'not_equals', value: 'Big deal' }, false],
    [{ field: 'payload.title', op: 'contains', value: 'DEAL' }, true],
    [{ field: 'payload.tags', op: 'contains', value: 'vip' }, true],
    [{ field: 'payload.tags', op: 'contains', value: 'us' }, false],
    [{ field: 'payload.value', op: 'greater', value: 1200.5 }, false],
    [{ field: 'payload.value', op: 'greater', value: '1200.49' }, true],
    [{ field: 'payload.value', op: 'less', value: '10000' }, true],
    [{ field: 'payload.value', op: 'equals', value: 1200.5 }, true],
    [{ field: 'record.dueAt', op: 'less', value: '2026-12-05' }, true],
    [{ field: 'record.stageId', op: 'changed_to', value: 's2' }, true],
    [{ field: 'record.stageId', op: 'changed_to', value: 's3' }, false],
    [{ field: 'record.dueAt', op: 'changed' }, false],
    [{ field: 'payload.owner.email', op: 'is_set' }, true],
    [{ field: 'payload.empty', op: 'is_set' }, false],
    [{ field: 'payload.missing', op: 'not_set' }, true],
    [{ field: 'payload.constructor', op: 'is_set' }, false],
    [{ field: 'payload.title', op: 'greater', value: 3 }, false],
    [
      {
        all: [
          { field: 'payload.title', op: 'contains', value: 'big' },
          {
            any: [{ field: 'payload.value', op: 'less', value: 5 }, { not: { field: 'payload.empty', op: 'is_set' } }],
          },
        ],
      },
      true,
    ],
    [{ any: [] }, false],
    [{ all: [] }, true],
  ])('%j → %s', (expr, want) => {
    expect(evaluateCondition(expr, scope)).toBe(want);
  });

  it('decimals compare exactly', () => {
    expect(decimalCompare('0.1', '0.10')).toBe(0);
    expect(decimalCompare('-2', '-10')).toBe(1);
    expect(decimalCompare('99999999999999999999.01', '99999999999999999999.001')).toBe(1);
    expect(decimalCompare('-0', '0.00')).toBe(0);
    expect(decimalCompare('1e3', '1000')).toBeNull();
  });

  it('names the field of a condition missing its value', () => {
    expect(checkCondition({ all: [{ field: 'payload.x', op: 'equals' }] })).toEqual([
      { path: 'conditions.all.0.value', message: 'is required for "equals"' },
    ]);
    expect(checkCondition({ field: 'payload.x', op: 'greater', value: 'soon' })[0]?.path).toBe('conditions.value');
  });
});

describe('templates', () => {
  it('fills variables, keeping the type of a whole-string variable', () => {
    expect(
      fillTemplate(
        { title: 'Follow up {{payload.title}} ({{payload.nope}})', value: '{{payload.value}}', n: 3 },
        scope,
      ),
    ).toEqual({ title: 'Follow up Big deal ()', value: '1200.50', n: 3 });
    expect(fillTemplate('{{payload.tags}}', scope)).toEqual(['vip', 'eu']);
  });
});

describe('steps', () => {
  const log: string[] = [];
  const flow = defineSteps<{ n: number; fail: boolean }, null>('test.flow', [
    defineStep(
      'one',
      (s) => {
        s.n += 1;
        log.push('one');
        return 'undo-one';
      },
      (undo) => {
        log.push(`compensate ${undo}`);
      },
    ),
    defineStep('two', () => {
      log.push('two');
    }),
    defineStep(
      'three',
      () => {
        log.push('three');
        return 3;
      },
      () => {
        throw new Error('cannot undo three');
      },
    ),
    defineStep('four', (s) => {
      if (s.fail) throw new Error('four failed');
      log.push('four');
    }),
  ]);

  it('runs every step when nothing fails', async () => {
    log.length = 0;
    const state = await runSteps(flow, { n: 0, fail: false }, null);
    expect(state.n).toBe(1);
    expect(log).toEqual(['one', 'two', 'three', 'four']);
  });

  it('undoes the steps that succeeded, newest first, and throws the failure', async () => {
    log.length = 0;
    const trace: StepTrace[] = [];
    await expect(runSteps(flow, { n: 0, fail: true }, null, { trace })).rejects.toThrow('four failed');
    expect(log).toEqual(['one', 'two', 'three', 'compensate undo-one']);
    expect(trace.map((t) => `${t.step}:${t.status}`)).toEqual([
      'one:succeeded',
      'two:succeeded',
      'three:succeeded',
      'four:failed',
      'three:compensation-failed',
      'one:compensated',
    ]);
  });
});
