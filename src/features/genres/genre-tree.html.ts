import { formatCount } from '../../text.js';
import type { GenreNode } from './genre-tree.js';

/**
 * The nested genre checkboxes (views/partials/genre-tree.ejs), as HTML.
 *
 * The one piece of markup built in code rather than in EJS, because it is on every search page and
 * the refine panel: 252 genres rendered by an EJS function (an escape and a dozen appends a genre)
 * took about 1.3 ms, a third of the results page. Everything that does not change between requests
 * (ids, escaped names, nesting) is put together once per tree and id prefix; a request only adds what
 * does: ticked boxes and the counts.
 */

type Slot = { id: number; open: string; label: string; name: string; close: string; countId: string };
type Compiled = (string | Slot)[];

const compiledTrees = new WeakMap<readonly GenreNode[], Map<string, Compiled>>();

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function compile(nodes: readonly GenreNode[], prefix: string): Compiled {
  const parts: Compiled = [];
  // Only the outer list has a class: CSS and the script find items and branches by nesting, so the
  // 252 genres of a results page do not repeat classes (issue 19).
  const level = (list: readonly GenreNode[], outer: boolean) => {
    parts.push(outer ? '<ul class="genre-tree">' : '<ul>');
    for (const node of list) {
      const id = escapeHtml(`${prefix}genre-${node.id}`);
      parts.push({
        id: node.id,
        open: `<li><span class="check"><input type="checkbox" name="genre" value="${node.id}" id="${id}"`,
        label: `><label for="${id}"`,
        name: `>${escapeHtml(node.name)}</label>`,
        countId: `${id}-count`,
        close: '</span>',
      });
      if (node.children.length > 0) level(node.children, false);
      parts.push('</li>');
    }
    parts.push('</ul>');
  };
  level(nodes, true);
  return parts;
}

/**
 * `nodes` must be a tree from activeGenreTree (shared and unchanging until the genres change), so
 * its compiled form can be kept beside it. With `counts`, every label carries data-count and the
 * number follows it as the checkbox's description, so the label itself stays the genre's name.
 */
export function genreTreeHtml(nodes: readonly GenreNode[], checked: readonly number[], counts: ReadonlyMap<number, number> | null, prefix = ''): string {
  let byPrefix = compiledTrees.get(nodes);
  if (!byPrefix) compiledTrees.set(nodes, (byPrefix = new Map<string, Compiled>()));
  let parts = byPrefix.get(prefix);
  if (!parts) byPrefix.set(prefix, (parts = compile(nodes, prefix)));

  const ticked = new Set(checked);
  let html = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      html += part;
      continue;
    }
    html += part.open;
    if (ticked.has(part.id)) html += ' checked';
    if (counts) {
      const n = counts.get(part.id) ?? 0;
      html += ` aria-describedby="${part.countId}"${part.label} data-count="${n}"${n === 0 ? ' class="count--zero"' : ''}${part.name}<span class="count" id="${part.countId}">（${formatCount(n)}件）</span>`;
    } else {
      html += part.label + part.name;
    }
    html += part.close;
  }
  return html;
}
