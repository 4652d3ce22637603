import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
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

export type Guidebook = z.infer<typeof guidebookSchema>;
export type GuidebookItem = Guidebook['items'][number];

export const GUIDEBOOK_FILE = path.join(projectRoot, 'content', 'guidebook.json');

/**
 * ＩＣＴ地域イノベーション・ガイドブック Ver.2.0 as structured data (content/guidebook.json): the
 * source's text word for word, each paragraph put back in its section (shared/spec/README.md), only
 * the PDF extraction's broken line joins repaired. Read and checked once, at start-up.
 */
export function loadGuidebook(file = GUIDEBOOK_FILE): Guidebook {
  return guidebookSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}
