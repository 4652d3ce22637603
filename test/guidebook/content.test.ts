import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGuidebook } from '../../src/features/guidebook/guidebook.content.js';
import { projectRoot } from '../../src/paths.js';

/**
 * The owner's source (a copy of ../shared/spec/000_a9800e5c1bca7fa2.txt kept in content/source so the
 * content can always be checked against it), joined the way the extraction broke it: each line
 * trimmed, line breaks removed.
 */
const sourceFile = path.join(projectRoot, 'content', 'source', '000_a9800e5c1bca7fa2.txt');
const joinedSource = () => fs.readFileSync(sourceFile, 'utf8').split('\n').map((l) => l.trim()).join('');

describe('guidebook content data', () => {
  const guidebook = loadGuidebook();

  it('has 10 items, each with a title, summary and non-empty 背景, 例 and イノベーション後の姿', () => {
    expect(guidebook.items.map((i) => i.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const item of guidebook.items) {
      expect(item.title).not.toBe('');
      expect(item.summary.length).toBeGreaterThan(0);
      expect(item.background.length).toBeGreaterThan(0);
      expect(item.examples.length).toBeGreaterThan(0);
      expect(item.afterInnovation.length).toBeGreaterThan(0);
    }
  });

  it('every paragraph is the source’s own text (nothing paraphrased)', () => {
    const source = joinedSource();
    const texts = [
      ...guidebook.intro.purpose, guidebook.intro.definition, ...guidebook.intro.scenes, ...guidebook.intro.howToRead,
      ...guidebook.items.flatMap((i) => [i.title, i.checklistTitle, i.checklistSummary, ...i.summary, ...i.background, ...i.examples, ...i.afterInnovation, ...i.notes]),
    ];
    const missing = texts.filter((t) => !source.includes(t.replace(/ /g, '')) && !source.includes(t));
    expect(missing).toEqual([]);
  });

  it('every paragraph sits in one section only', () => {
    for (const item of guidebook.items) {
      const all = [...item.summary, ...item.background, ...item.examples, ...item.afterInnovation, ...item.notes];
      expect(new Set(all).size).toBe(all.length);
    }
  });
});
