// Renders one document as an A4 PDF with pdfkit. Chinese text uses Noto Sans SC from the npm
// package @expo-google-fonts/noto-sans-sc (no system font, nothing downloaded at run time);
// pdfkit embeds only the glyphs a document uses, so a document stays a few dozen KB. The QR code
// of the verification address is drawn as vector squares from the `qrcode` package's matrix.
// Deterministic: the same input gives the same bytes (the PDF's dates are the document's date).
import fs from "node:fs";
import { createRequire } from "node:module";
import type { QRCode } from "qrcode";
import type { DocumentBlock } from "./kinds.ts";
import { chinaDateText } from "./kinds.ts";

const require = createRequire(import.meta.url);

// pdfkit and qrcode (with their fonts and tables, some 20 MB of memory) are loaded when the first
// document is rendered, not when the service starts: most nodes answer far more lookups than PDFs.
const loadLibraries = () => Promise.all([import("pdfkit"), import("qrcode")]);
let libraries: ReturnType<typeof loadLibraries> | undefined;
const pdfLibraries = () => (libraries ??= loadLibraries());

let fontBytes: Buffer | undefined;
/** The font file, read once (about 10 MB; only the glyphs used end up in a document). */
function font(): Buffer {
  fontBytes ??= fs.readFileSync(
    require.resolve("@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf"),
  );
  return fontBytes;
}

export interface RenderInput {
  title: { zh: string; en: string };
  caseNumber: string;
  issuer: string;
  issuedOn: string;
  insuredName: string;
  /** masked, or in full on the certificate the agencies exchange */
  idNumber: string;
  blocks: DocumentBlock[];
  /** 经办人 of the seal block: the username of the staff account, 网上申请 or 系统 (clerkOf) */
  clerk: string;
  verificationCode: string;
  verificationUrl: string;
  /** set when a later document replaced this one (shown on a regenerated earlier document) */
  supersededOn?: string | null;
}

/** "ABCDEFGHJKMN" → "ABCD-EFGH-JKMN", as printed (the hyphens are optional when typed). */
export function groupCode(code: string): string {
  return code.replace(/(.{4})(?=.)/g, "$1-");
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;
/** The width between the margins, which every line of text spans. */
const TEXT_WIDTH = A4.width - 2 * MARGIN;
const INK = "#1a1a1a";
const GREY = "#555555";

type Pdf = PDFKit.PDFDocument;

export async function renderPdf(input: RenderInput): Promise<Buffer> {
  // midnight China time of the document's date: no clock of the server is read
  const date = new Date(`${input.issuedOn}T00:00:00+08:00`);
  const [{ default: PDFDocument }, { default: QRCode }] = await pdfLibraries();
  const doc = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    compress: true,
    info: {
      Title: `${input.title.zh} ${input.caseNumber}`,
      Subject: input.title.en,
      Author: input.issuer,
      Producer: "si-case-tracker",
      Creator: "si-case-tracker",
      CreationDate: date,
      ModDate: date,
    },
  });
  const bytes = bytesOf(doc);
  doc.registerFont("sc", font());
  doc.font("sc");
  drawHeading(doc, input);
  drawParticulars(doc, input);
  for (const block of input.blocks) drawBlock(doc, block);
  drawSeal(doc, input);
  drawVerification(doc, input, QRCode.create(input.verificationUrl, { errorCorrectionLevel: "M" }));
  doc.end();
  return bytes;
}

/** The document's bytes, once it has ended. */
function bytesOf(doc: Pdf): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  return new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
}

/** Issuing agency, title, English title; and the notice that a later document replaced this one. */
function drawHeading(doc: Pdf, input: RenderInput): void {
  doc.fillColor(GREY).fontSize(11).text(input.issuer, MARGIN, MARGIN, { width: TEXT_WIDTH, align: "center" });
  doc.moveDown(0.6);
  doc.fillColor(INK).fontSize(22).text(input.title.zh, { width: TEXT_WIDTH, align: "center" });
  doc.fillColor(GREY).fontSize(10).text(input.title.en, { width: TEXT_WIDTH, align: "center" });
  doc.moveDown(1);
  if (input.supersededOn) {
    doc
      .fillColor("#a00000")
      .fontSize(11)
      .text(`本文书已于 ${chinaDateText(input.supersededOn)} 由补开的文书替代，已作废。`, {
        width: TEXT_WIDTH,
        align: "center",
      });
    doc.moveDown(0.5);
  }
}

/** Case number, date, the insured's name and ID number, between two rules. */
function drawParticulars(doc: Pdf, input: RenderInput): void {
  drawRule(doc);
  drawField(doc, "业务编号", input.caseNumber);
  drawField(doc, "出具日期", chinaDateText(input.issuedOn));
  drawField(doc, "姓名", input.insuredName);
  drawField(doc, "身份证号码", input.idNumber);
  drawRule(doc);
}

/** A thin grey line across the page, below the text so far. */
function drawRule(doc: Pdf): void {
  const y = doc.y + 4;
  doc
    .moveTo(MARGIN, y)
    .lineTo(MARGIN + TEXT_WIDTH, y)
    .lineWidth(0.6)
    .strokeColor("#999999")
    .stroke();
  doc.y = y + 10;
}

/** A label on the left, its value beside it; the next line starts below the longer of the two. */
function drawField(doc: Pdf, label: string, value: string): void {
  const y = doc.y;
  doc.fillColor(GREY).fontSize(11).text(label, MARGIN, y, { width: 120 });
  const afterLabel = doc.y;
  doc
    .fillColor(INK)
    .fontSize(12)
    .text(value, MARGIN + 130, y, { width: TEXT_WIDTH - 130 });
  doc.y = Math.max(afterLabel, doc.y) + 4;
}

function drawBlock(doc: Pdf, block: DocumentBlock): void {
  if (block.kind === "field") drawField(doc, block.label, block.value);
  else if (block.kind === "heading") {
    doc.moveDown(0.4);
    doc.fillColor(INK).fontSize(13).text(block.text, MARGIN, doc.y, { width: TEXT_WIDTH });
    doc.moveDown(0.2);
  } else if (block.kind === "text") {
    doc.fillColor(INK).fontSize(12).text(block.text, MARGIN, doc.y, { width: TEXT_WIDTH, lineGap: 3 });
    doc.moveDown(0.3);
  } else drawTable(doc, block);
}

/**
 * The seal block that ends every document: 经办人, 经办机构（章） and the date, on the right half of
 * the page below the body (a new page when the body reaches too far).
 */
function drawSeal(doc: Pdf, input: RenderInput): void {
  const lines = [`经办人：${input.clerk}`, `经办机构（章）：${input.issuer}`, `日期：${chinaDateText(input.issuedOn)}`];
  if (doc.y + 90 > A4.height - MARGIN) doc.addPage();
  doc.y += 16;
  const x = MARGIN + TEXT_WIDTH / 2;
  doc.fillColor(INK).fontSize(12);
  for (const line of lines) doc.text(line, x, doc.y, { width: TEXT_WIDTH / 2, lineGap: 4 });
  doc.x = MARGIN;
}

/** The lowest a table row may reach on a page. */
const TABLE_BOTTOM = A4.height - MARGIN;
const CELL_PADDING = 2;

/**
 * A table across the page, its columns in proportion to `widths`. A row is as tall as its tallest
 * cell (a long cell wraps); a row that would reach below the margin starts a new page, which
 * repeats the head, so a long table (a record of hundreds of periods) runs over as many pages as it needs.
 */
function drawTable(doc: Pdf, table: Extract<DocumentBlock, { kind: "table" }>): void {
  const total = table.widths.reduce((s, w) => s + w, 0);
  const cols = table.widths.map((w) => (w / total) * TEXT_WIDTH);
  const size = (head: boolean) => (head ? 10 : 11);
  const heightOf = (cells: string[], head: boolean) => {
    doc.fontSize(size(head));
    const tallest = Math.max(
      ...cells.map((cell, i) => doc.heightOfString(cell, { width: cols[i]! - 2 * CELL_PADDING })),
    );
    return Math.max(18, Math.ceil(tallest) + 4);
  };
  const row = (cells: string[], head: boolean, height: number) => {
    const y = doc.y;
    let x = MARGIN;
    doc.fillColor(head ? GREY : INK).fontSize(size(head));
    cells.forEach((cell, i) => {
      const width = cols[i]! - 2 * CELL_PADDING;
      doc.text(cell, x + CELL_PADDING, y, { width, align: i === 0 ? "left" : "right" });
      x += cols[i]!;
    });
    doc.y = y + height;
  };
  const headHeight = heightOf(table.head, true);
  doc.moveDown(0.3);
  // the head stays with at least the first row
  const first = table.rows[0] ? heightOf(table.rows[0], false) : 0;
  if (doc.y + headHeight + first > TABLE_BOTTOM) doc.addPage();
  row(table.head, true, headHeight);
  for (const r of table.rows) {
    const height = heightOf(r, false);
    if (doc.y + height > TABLE_BOTTOM) {
      doc.addPage();
      row(table.head, true, headHeight);
    }
    row(r, false, height);
  }
  doc.moveDown(0.3);
}

/**
 * Verification, at the foot of the last page (or of a new one when the text reaches too far): the
 * QR code of the address, the code, where to check (the issuer and date are in the seal block above).
 */
function drawVerification(doc: Pdf, input: RenderInput, qr: QRCode): void {
  const boxTop = Math.max(doc.y + 20, A4.height - MARGIN - 150);
  if (boxTop + 130 > A4.height - MARGIN + 10) doc.addPage();
  const top = boxTop + 130 > A4.height - MARGIN + 10 ? MARGIN : boxTop;
  const side = 96;
  drawQrCode(doc, qr, MARGIN, top, side);
  const tx = MARGIN + side + 16;
  const tw = TEXT_WIDTH - side - 16;
  doc
    .fillColor(GREY)
    .fontSize(10)
    .text("验证码 Verification code", tx, top + 6, { width: tw });
  doc
    .fillColor(INK)
    .fontSize(16)
    .text(groupCode(input.verificationCode), tx, doc.y + 2, { width: tw });
  doc
    .fillColor(GREY)
    .fontSize(9)
    .text(`扫描二维码或访问以下地址核验本文书：${input.verificationUrl}`, tx, doc.y + 4, { width: tw });
}

/** The QR code as vector squares on a white square `side` wide, with a quiet zone of 4 modules. */
function drawQrCode(doc: Pdf, qr: QRCode, x: number, y: number, side: number): void {
  const size = qr.modules.size;
  const cell = side / (size + 8);
  doc.rect(x, y, side, side).fill("#ffffff");
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++)
      if (qr.modules.get(r, c)) doc.rect(x + (c + 4) * cell, y + (r + 4) * cell, cell, cell);
  doc.fill(INK);
}
