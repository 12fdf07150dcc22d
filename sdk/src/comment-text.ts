// No imports: the web app's browser bundle renders comments with this file too (@elevate/sdk/web),
// so what the server stores and what the page shows are one function.

/** A mention inside a comment's text: `<@user id>`; shown as `@Name`. */
export const MENTION_TOKEN = /<@([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})>/gi;
export const COMMENT_MAX = 5000;
export const COMMENT_MAX_MENTIONS = 20;

/** The user ids a comment's text mentions, in order, without repeats (lower case). */
export function mentionIds(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(MENTION_TOKEN)) {
    const id = (m[1] ?? '').toLowerCase();
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The text with mentions written as `@Name` (mails, notification bodies, the timeline). */
export function commentPlainText(text: string, names: ReadonlyMap<string, string>): string {
  return text.replace(MENTION_TOKEN, (_, id: string) => `@${names.get(id.toLowerCase()) ?? 'someone'}`);
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
            // Mentions become placeholders before escaping, names are escaped on their own.
            const chunks = part.split(MENTION_TOKEN);
            return chunks
              .map((chunk, i) => {
                if (i % 2 === 1) {
                  const id = chunk.toLowerCase();
                  const name = names.get(id);
                  return `<span class="mention" data-user-id="${id}">@${escapeHtml(name ?? 'someone')}</span>`;
                }
                return inline(escapeHtml(chunk));
              })
              .join('');
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
  if (mentionIds(text).length > COMMENT_MAX_MENTIONS) return `may mention at most ${COMMENT_MAX_MENTIONS} people`;
  return null;
}
