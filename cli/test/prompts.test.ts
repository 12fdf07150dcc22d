// `elevate addon new`'s questions, answered through the real prompt library as keystrokes on a
// stream: wrong answers are refused with the rule and asked again; defaults come from the id.

import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultDir } from '../src/commands/addon.command.ts';
import { askNewAddon } from '../src/prompts.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

const ENTER = '\r';
const SPACE = ' ';
const DOWN = '\u001b[B';
const BACKSPACE = '\u007f';

/** A fake terminal: what the prompts print is collected, keystrokes are sent once a text is shown. */
function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (c: Buffer) => {
    shown += c.toString();
  });
  // Strips colours and cursor moves so the tests read what a person sees.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences
  const plain = () => shown.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  let seen = 0;
  /** Waits until `text` appears after what was already consumed, then types `keys`. */
  const when = async (text: string, ...keys: string[]) => {
    await expect.poll(() => plain().indexOf(text, seen), { timeout: 5_000 }).toBeGreaterThanOrEqual(0);
    seen = plain().indexOf(text, seen) + text.length;
    for (const k of keys) input.write(k);
  };
  return { streams: { input, output }, when, plain };
}

describe('addon new, asked in a terminal', () => {
  it('refuses a malformed and an existing id, then takes the defaults and picked dependencies', async () => {
    const t = terminal();
    const answers = askNewAddon(
      { installed: ['inventory', 'crm'], defaultDir: (id) => `/work/addons/${id}` },
      t.streams,
    );
    await t.when('Addon id', 'Help-Desk', ENTER);
    await t.when('must be 2-32 lowercase letters', ...Array(9).fill(BACKSPACE), 'crm', ENTER);
    await t.when('an addon "crm" already exists here', ...Array(3).fill(BACKSPACE), 'help_desk', ENTER);
    await t.when("first model's noun", 'Tickets!', ENTER);
    await t.when('one lowercase word', ...Array(8).fill(BACKSPACE), 'ticket', ENTER);
    await t.when('Title in the marketplace', ENTER);
    // Choices are sorted: crm, inventory. Pick the second only.
    await t.when('depends on', DOWN, SPACE, ENTER);
    // page is picked already; add the job.
    await t.when('What to write besides', DOWN, SPACE, ENTER);
    await t.when('Folder to write it in', ENTER);
    expect(await answers).toEqual({
      id: 'help_desk',
      model: 'ticket',
      title: 'Help desk',
      depends: ['inventory'],
      parts: ['page', 'job'],
      dir: '/work/addons/help_desk',
    });
  });

  it('asks no dependency question when nothing is installed, and keeps typed answers', async () => {
    const t = terminal();
    const answers = askNewAddon({ installed: [], defaultDir: (id) => `/tmp/${id}` }, t.streams);
    await t.when('Addon id', 'desk', ENTER);
    await t.when("first model's noun", ENTER);
    await t.when('Title in the marketplace', ...Array(4).fill(BACKSPACE), 'Service desk', ENTER);
    await t.when('What to write besides', ENTER);
    await t.when('Folder to write it in', ...Array(9).fill(BACKSPACE), '../desk', ENTER);
    expect(await answers).toEqual({
      id: 'desk',
      model: 'item',
      title: 'Service desk',
      depends: [],
      parts: ['page'],
      dir: '../desk',
    });
    expect(t.plain()).not.toContain('depends on');
  });
});

describe('addon new, where it writes without --dir', () => {
  it('writes into addons/<id> from the checkout root or any folder in it, and into ./<id> elsewhere', () => {
    expect(defaultDir('desk', ROOT)).toBe(join(ROOT, 'addons', 'desk'));
    expect(defaultDir('desk', join(ROOT, 'docs'))).toBe(join(ROOT, 'addons', 'desk'));
    expect(defaultDir('desk', '/srv/elsewhere')).toBe('/srv/elsewhere/desk');
    // A sibling folder whose name merely starts like the checkout's is not inside it.
    expect(defaultDir('desk', `${ROOT}-other`)).toBe(`${ROOT}-other/desk`);
  });

  it('skips the questions whose answers came as flags', async () => {
    const t = terminal();
    const answers = askNewAddon(
      {
        installed: ['crm'],
        defaultDir: (id) => `/x/${id}`,
        given: { model: 'ticket', title: 'Desk', depends: [], parts: ['webhook'], dir: '/y' },
      },
      t.streams,
    );
    await t.when('Addon id', 'desk', ENTER);
    await t.when("first model's noun", ENTER);
    expect(await answers).toEqual({
      id: 'desk',
      model: 'ticket',
      title: 'Desk',
      depends: [],
      parts: ['webhook'],
      dir: '/y',
    });
    expect(t.plain()).not.toMatch(/Title in the marketplace|depends on|What to write|Folder to write/);
  });
});
