// Reading a PDF back in tests: its pages' text (pdfjs-dist, no system package), the page size.
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

export interface PdfText {
  pages: number;
  /** [width, height] of page 1 in points (A4: 595.28 × 841.89) */
  size: [number, number];
  /** every page's text items joined without separators */
  text: string;
}

export async function pdfText(bytes: Uint8Array): Promise<PdfText> {
  // pdfjs takes the buffer over: give it a copy
  const doc = await getDocument({ data: new Uint8Array(bytes), disableFontFace: true, verbosity: 0 }).promise;
  let text = "";
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    text += content.items.map((item) => ("str" in item ? item.str : "")).join("");
  }
  const first = await doc.getPage(1);
  const [, , width, height] = first.view;
  await doc.destroy();
  return { pages: doc.numPages, size: [width, height], text };
}
