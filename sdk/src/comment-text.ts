// No imports: the web app's browser bundle renders comments with this file too (@elevate/sdk/web),
// so what the server stores and what the page shows are one function.

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** A mention of a user inside a comment's text: `<@user id>`; shown as `@Name`. */
export const MENTION_TOKEN = new RegExp(`<@(${UUID})>`, 'gi');
/** A mention of a team: `<@team:team id>`; shown as `@Name (team)`. */
export const TEAM_MENTION_TOKEN = new RegExp(`<@team:(${UUID})>`, 'gi');
// Either kind, for rendering: group 1 is `team:` or empty, group 2 the id.
const ANY_MENTION = new RegExp(`<@(team:)?(${UUID})>`, 'gi');
export const COMMENT_MAX = 5000;
export const COMMENT_MAX_MENTIONS = 20;

function ids(text: string, token: RegExp): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(token)) {
    const id = (m[1] ?? '').toLowerCase();
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

/** The user ids a comment's text mentions, in order, without repeats (lower case). */
export function mentionIds(text: string): string[] {
  return ids(text, MENTION_TOKEN);
}

/** The team ids a comment's text mentions (`<@team:id>`), in order, without repeats (lower case). */
export function teamMentionIds(text: string): string[] {
  return ids(text, TEAM_MENTION_TOKEN);
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * The text with mentions written as `@Name`, teams as `@Name (team)` (mails, notification bodies,
 * the timeline). `names` holds users' and teams' names by id.
 */
export function commentPlainText(text: string, names: ReadonlyMap<string, string>): string {
  return text.replace(ANY_MENTION, (_, team: string | undefined, id: string) =>
    team ? `@${names.get(id.toLowerCase()) ?? 'a team'} (team)` : `@${names.get(id.toLowerCase()) ?? 'someone'}`,
  );
}

// Inline marks, applied to text that is already escaped (so they can only add these tags).
function inline(escaped: string): string {
  return (
    escaped
      .replace(/\*\*([^*\n]+)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,!?;:])/g, '$1<em>$2</em>')
      .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,!?;:])/g, '$1<em>$2</em>')
      // Only http(s) links, written out: no `javascript:`, no link text that hides the target.
      .replace(
        /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,!?;:)]/g,
        (url) => `<a href="${url}" rel="noopener noreferrer nofollow" target="_blank">${url}</a>`,
      )
  );
}

/**
 * Markdown-light to safe HTML: the text is escaped first, then only these marks add tags:
 * `**bold**`, `*italic*` / `_italic_`, `` `code` ``, http(s) links, lines starting `- ` as a list,
 * blank lines between paragraphs, mentions `<@id>` as `@Name`. No other HTML can come out of it.
 */
export function renderCommentHtml(text: string, names: ReadonlyMap<string, string>): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(/\n{2,}/);
  return paragraphs
    .map((p) => {
      const lines = p.split('\n');
      const item = (l: string) => /^\s*[-*] /.test(l);
      const render = (line: string) => {
        // Code spans first: their content gets no marks and no links.
        const parts = line.split(/(`[^`\n]+`)/);
        return parts
          .map((part) => {
            if (/^`[^`\n]+`$/.test(part)) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
            // Mentions become placeholders before escaping, names are escaped on their own. split()
            // with two groups gives [text, team?, id, text, ...].
            const chunks = part.split(ANY_MENTION);
            let out = '';
            for (let i = 0; i < chunks.length; i += 3) {
              out += inline(escapeHtml(chunks[i] ?? ''));
              if (i + 2 >= chunks.length) break;
              const id = (chunks[i + 2] ?? '').toLowerCase();
              const name = names.get(id);
              out += chunks[i + 1]
                ? `<span class="mention mention-team" data-team-id="${id}" title="Team">@${escapeHtml(name ?? 'a team')}</span>`
                : `<span class="mention" data-user-id="${id}">@${escapeHtml(name ?? 'someone')}</span>`;
            }
            return out;
          })
          .join('');
      };
      if (lines.every(item))
        return `<ul>${lines.map((l) => `<li>${render(l.replace(/^\s*[-*] /, ''))}</li>`).join('')}</ul>`;
      return `<p>${lines.map(render).join('<br>')}</p>`;
    })
    .join('');
}

/** Why a comment's text is refused (null: it is fine): empty, too long, control characters. */
export function commentTextProblem(text: unknown): string | null {
  if (typeof text !== 'string') return 'must be text';
  if (!text.trim()) return 'must not be empty';
  if (text.length > COMMENT_MAX) return `must be at most ${COMMENT_MAX} characters`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return 'must not contain control characters';
  if (mentionIds(text).length + teamMentionIds(text).length > COMMENT_MAX_MENTIONS)
    return `may mention at most ${COMMENT_MAX_MENTIONS} people and teams`;
  return null;
}
