// Spreadsheets in and out (XLSX through exceljs; CSV for reading as well): a sheet is a header row of
// Chinese column names and rows of text, numbers or dates as text. Nothing else is read from a file.
import ExcelJS from 'exceljs';
import { validationFailed } from './errors.js';

export type Sheet = { name: string; columns: { header: string; width?: number }[]; rows: (string | number | null)[][] };

/** A workbook of these sheets, header row bold and frozen, as the bytes of an .xlsx file. */
export async function xlsxOf(sheets: Sheet[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = '政府信息公开申请平台';
  for (const s of sheets) {
    const sheet = book.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = s.columns.map((c) => ({ header: c.header, width: c.width ?? Math.max(10, c.header.length * 2 + 2) }));
    sheet.getRow(1).font = { bold: true };
    // Text stays text (a tracking number, a postcode, a phone number starting with 0).
    for (const row of s.rows) sheet.addRow(row.map((v) => (v === null ? '' : v)));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

const XLSX_MAGIC = Buffer.from('504b0304', 'hex');

/**
 * The rows of a sheet of an uploaded .xlsx (by name; the first where `orFirst` and there is none of
 * that name) or of a UTF-8 .csv, keyed by header; blank rows dropped. `line` is the row's number as
 * the spreadsheet shows it.
 */
export async function readRows(file: Buffer, sheetName?: string, orFirst = true): Promise<{ line: number; cells: Record<string, string> }[]> {
  const book = new ExcelJS.Workbook();
  let sheet: ExcelJS.Worksheet | undefined;
  try {
    if (file.subarray(0, 4).equals(XLSX_MAGIC)) {
      await book.xlsx.load(file as unknown as ArrayBuffer);
      sheet = (sheetName && book.getWorksheet(sheetName)) || (orFirst ? book.worksheets[0] : undefined);
      if (!sheet && !orFirst) return [];
    } else {
      const { Readable } = await import('node:stream');
      sheet = await book.csv.read(Readable.from([file.toString('utf8').replace(/^\uFEFF/, '')]));
    }
  } catch {
    throw validationFailed({ file: '无法读取该文件，请使用下载的模板（XLSX 或 UTF-8 编码的 CSV）' });
  }
  if (!sheet) throw validationFailed({ file: '文件中没有工作表' });
  const text = (v: ExcelJS.CellValue): string => {
    if (v === null || v === undefined) return '';
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
    if (typeof v === 'object' && 'text' in v) return String(v.text);
    if (typeof v === 'object' && 'result' in v) return String(v.result ?? '');
    return String(v).trim();
  };
  const headers: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => (headers[col] = text(cell.value)));
  const rows: { line: number; cells: Record<string, string> }[] = [];
  sheet.eachRow((row, line) => {
    if (line === 1) return;
    const cells: Record<string, string> = {};
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      if (headers[col]) cells[headers[col]!] = text(cell.value);
    });
    if (Object.values(cells).some(Boolean)) rows.push({ line, cells });
  });
  return rows;
}
