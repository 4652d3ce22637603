import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { NotFoundError } from '../../http-error.js';
import { projectRoot } from '../../paths.js';

const paragraphs = z.array(z.string().min(1));

const guidebookSchema = z.object({
  title: z.string(),
  intro: z.object({
    purpose: paragraphs, definitionLead: z.string(), definition: z.string(), definitionTail: z.string(),
    scenes: paragraphs, howToRead: paragraphs,
    sectionGuide: z.array(z.object({ label: z.string(), text: z.string() })),
  }),
  items: z.array(z.object({
    number: z.number().int().min(1).max(10),
    checklistTitle: z.string(), checklistSummary: z.string(), title: z.string(),
    summary: paragraphs.min(1), background: paragraphs.min(1), examples: paragraphs.min(1),
    afterInnovation: paragraphs.min(1), notes: paragraphs,
  })).length(10),
});

const myNumberSchema = z.object({
  title: z.string(),
  pages: z.array(z.object({
    number: z.number().int().min(1).max(9), title: z.string(),
    background: paragraphs.min(1), actions: paragraphs.min(1), after: paragraphs.min(1),
    overview: paragraphs.min(1), considerations: paragraphs.min(1),
  })).length(9),
  checklist: z.array(z.object({
    title: z.string(),
    items: z.array(z.object({ code: z.string().regex(/^[1-5]-[1-3]$/), question: z.string().min(1), checks: paragraphs.min(1) })).min(1),
  })).length(5),
});

export type Guidebook = z.infer<typeof guidebookSchema> & { myNumber: z.infer<typeof myNumberSchema> };
export type MyNumberPage = Guidebook['myNumber']['pages'][number];
export type GuidebookItem = Guidebook['items'][number];

export const GUIDEBOOK_FILE = path.join(projectRoot, 'content', 'guidebook.json');
export const MYNUMBER_FILE = path.join(projectRoot, 'content', 'guidebook-mynumber.json');

/**
 * ＩＣＴ地域イノベーション・ガイドブック Ver.2.0 as structured data (content/guidebook.json): the
 * source's text word for word, each paragraph put back in its section (shared/spec/README.md), only
 * the PDF extraction's broken line joins repaired; and its chapter-3 version for My Number scenes
 * (content/guidebook-mynumber.json). Read and checked once, at start-up.
 */
export function loadGuidebook(): Guidebook {
  const read = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));
  return { ...guidebookSchema.parse(read(GUIDEBOOK_FILE)), myNumber: myNumberSchema.parse(read(MYNUMBER_FILE)) };
}

/** The checklist item a path's :n names (1 … 10, written plainly), or a 404 for anything else. */
export function guidebookItemOr404(guidebook: Guidebook, raw: unknown): GuidebookItem {
  const text = typeof raw === 'string' ? raw : '';
  const item = /^(10|[1-9])$/.test(text) ? guidebook.items.find((i) => i.number === Number(text)) : undefined;
  if (!item) throw new NotFoundError('ガイドブックの項目は1から10までです。');
  return item;
}
