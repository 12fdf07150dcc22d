// The questions `elevate addon new` asks when it runs in a terminal without an addon id. Each answer
// is checked by the same rules as the flags, so a wrong one is asked again instead of failing later.
import { Writable } from 'node:stream';
import { checkbox, input } from '@inquirer/prompts';
import { ADDON_ID, NOUN, PARTS, type Part } from './scaffold.ts';

/** Where the questions are read and written: the terminal, or streams in a test. */
export interface PromptStreams {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

export interface NewAddonAnswers {
  id: string;
  model: string;
  title: string;
  depends: string[];
  parts: Part[];
  dir: string;
}

export interface NewAddonContext {
  /** Ids of the addons installed here: a new id must differ, and a dependency is one of them. */
  installed: string[];
  /** The folder `addon new <id>` would write to without --dir. */
  defaultDir: (id: string) => string;
  /** Answers already given as flags: those questions are not asked. */
  given?: { model?: string; title?: string; depends?: string[]; parts?: Part[]; dir?: string };
}

export const titleFromId = (id: string) => id.charAt(0).toUpperCase() + id.slice(1).replace(/_/g, ' ');

export async function askNewAddon(ctx: NewAddonContext, streams: PromptStreams = {}): Promise<NewAddonAnswers> {
  // Each prompt ends the output it was given when it is answered (harmless on a terminal); a
  // stream passed in is shared by all of them, so each gets a view of it that is never ended.
  const target = streams.output;
  const io = () => ({
    input: streams.input,
    output: target
      ? new Writable({
          write(chunk, _enc, done) {
            target.write(chunk);
            done();
          },
        })
      : undefined,
    clearPromptOnDone: false,
  });
  const id = await input(
    {
      message: 'Addon id (lowercase letters, digits, _):',
      validate: (v) =>
        !ADDON_ID.test(v)
          ? 'must be 2-32 lowercase letters, digits or _ and start with a letter, e.g. helpdesk'
          : ctx.installed.includes(v)
            ? `an addon "${v}" already exists here`
            : true,
    },
    io(),
  );
  const given = ctx.given ?? {};
  const model = await input(
    {
      message: "Its first model's noun:",
      default: given.model ?? 'item',
      validate: (v) => (NOUN.test(v) ? true : 'one lowercase word (letters, digits, _), e.g. ticket'),
    },
    io(),
  );
  const title =
    given.title ??
    (await input(
      {
        message: 'Title in the marketplace and the menu:',
        default: titleFromId(id),
        validate: (v) => (v.trim().length > 0 && v.length <= 60 ? true : 'between 1 and 60 characters'),
      },
      io(),
    ));
  const depends =
    given.depends ??
    (ctx.installed.length === 0
      ? []
      : await checkbox(
          {
            message: 'Addons it depends on (space to pick, enter when done):',
            choices: [...ctx.installed].sort().map((a) => ({ name: a, value: a })),
          },
          io(),
        ));
  const parts =
    given.parts ??
    (await checkbox(
      {
        message: 'What to write besides the model, its API and permissions (space to pick, enter when done):',
        choices: PARTS.map((p) => ({ name: `${p.name}: ${p.what}`, value: p.name, checked: p.name === 'page' })),
      },
      io(),
    ));
  const dir = given.dir ?? (await input({ message: 'Folder to write it in:', default: ctx.defaultDir(id) }, io()));
  return { id, model, title: title.trim(), depends, parts, dir };
}
