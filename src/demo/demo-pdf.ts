/**
 * A minimal, valid one-page PDF with a few lines of Latin text, for the demo brochures (the demo must
 * not ship binary files, and a standard Type 1 font needs no embedding). Offsets in the xref table are
 * byte positions, which is why everything stays in Latin-1.
 */
export function demoPdf(lines: string[]): Buffer {
  return latinPdf([lines]);
}

/**
 * The same with as many pages as given, each its lines (the tests' and the bench's long PDFs:
 * thousands of pages make a file of megabytes that takes pdf.js seconds to read).
 */
export function latinPdf(pages: string[][]): Buffer {
  const escape = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '?');
  const content = (lines: string[]) => `BT /F1 16 Tf 72 770 Td ${lines.map((line, i) => `${i === 0 ? '' : '0 -26 Td '}(${escape(line)}) Tj`).join(' ')} ET`;
  // 1 catalog, 2 page tree, 3 font, then a page and its content stream for each page.
  const pageObjects = pages.flatMap((lines, i) => {
    const text = content(lines);
    return [
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`,
      `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    ];
  });
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${4 + i * 2} 0 R`).join(' ')}] /Count ${pages.length} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ...pageObjects,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const offset = pdf.length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
