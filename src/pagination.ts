/**
 * Every list in the portal shows 30 rows a page (the spec's 30件/ページ for search results, kept
 * for the others so a user meets one rhythm everywhere).
 */
export const PER_PAGE = 30;

/** How many pages `total` rows fill; an empty list is still one (empty) page. */
export function pageCount(total: number, perPage = PER_PAGE): number {
  return Math.max(1, Math.ceil(total / perPage));
}

/** The LIMIT/OFFSET of page `page` (1-based). */
export function pageWindow(page: number, perPage = PER_PAGE): { limit: number; offset: number } {
  return { limit: perPage, offset: (page - 1) * perPage };
}

/**
 * A link to page `page` of a list that keeps its other conditions: empty and default values are left
 * out, so the first page of an unfiltered list is the bare path.
 */
export function listHref(path: string, conditions: Record<string, string | number | null | undefined>, page: number): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(conditions)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  }
  if (page > 1) query.set('page', String(page));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
