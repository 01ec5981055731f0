import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A small SpreadsheetML (xlsx) writer for plain report tables: text, numbers (decimal
 * strings written exactly as they are), dates and booleans, a few cell styles (bold, red,
 * a header fill with a bottom border, number formats, wrapped text), column widths and a
 * frozen header. It writes the sheet XML as strings and zips it with Node's zlib: about ten
 * times faster than exceljs's streaming writer for the report tables, which spent most of
 * their time in exceljs's per-cell XML objects. exceljs still reads workbooks (imports, the
 * tests that read reports back) and writes the allocation workbook.
 */

export type XlsxValue = string | number | boolean | Date | null | undefined;

/** A cell style: each distinct combination becomes one `cellXfs` entry. */
export interface XlsxStyle {
  numFmt?: string;
  bold?: boolean;
  /** ARGB, e.g. `FFC0392B`. */
  color?: string;
  /** ARGB background of a solid fill. */
  fill?: string;
  borderBottom?: boolean;
  wrap?: boolean;
  verticalMiddle?: boolean;
}

/**
 * A row: its values, and per column a style and whether a decimal string is a number. The
 * style and numeric arrays are meant to be shared by all rows of a kind (one object per
 * column and variant), so a sheet of thousands of rows allocates no per-cell objects.
 */
export interface XlsxRow {
  values: XlsxValue[];
  styles?: ReadonlyArray<XlsxStyle | undefined>;
  /** Per column: a decimal string is written as a number, its digits as they are (no rounding). */
  numeric?: readonly boolean[];
}

export interface XlsxSheet {
  name: string;
  /** Column widths in characters. */
  widths: number[];
  /** Rows frozen at the top (the title block and the header). */
  frozenRows?: number;
  /** `null` for an empty row. */
  rows: Array<XlsxRow | null>;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
// Characters XML 1.0 does not allow, and the five that must be escaped.
// eslint-disable-next-line no-control-regex
const INVALID = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;
const SPECIAL = /[&<>"]/;
const escapeXml = (s: string) => {
  const clean = s.replace(INVALID, '');
  return SPECIAL.test(clean) ? clean.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;') : clean;
};

/** `0` → `A`, `27` → `AB`. */
export function columnLetters(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Days since 1899-12-30 (Excel's epoch), fractional for the time of day. */
const excelSerial = (d: Date) => (d.getTime() - Date.UTC(1899, 11, 30)) / 86_400_000;

const DATE_FORMAT = 'yyyy-mm-dd';

/** The styles part: fonts, fills, borders and number formats deduplicated into `cellXfs`. */
class Styles {
  private readonly xfs = new Map<string, number>([['', 0]]);
  private readonly xfList = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'];
  private readonly numFmts = new Map<string, number>();
  private readonly fonts = new Map<string, number>([['', 0]]);
  private readonly fills = new Map<string, number>([['none', 0], ['gray125', 1]]);
  private readonly borders = new Map<string, number>([['', 0]]);
  /** Per style object: styles are shared by a column's cells, so identity is a fast cache. */
  private readonly byObject = new WeakMap<XlsxStyle, number>();

  id(style: XlsxStyle | undefined): number {
    if (!style) return 0;
    const cached = this.byObject.get(style);
    if (cached !== undefined) return cached;
    const numFmtId = style.numFmt ? this.numFmtId(style.numFmt) : 0;
    const font = style.bold || style.color ? `${style.bold ? 'b' : ''}|${style.color ?? ''}` : '';
    const fontId = this.index(this.fonts, font);
    const fillId = style.fill ? this.index(this.fills, style.fill) : 0;
    const borderId = this.index(this.borders, style.borderBottom ? 'bottom' : '');
    const align = style.wrap || style.verticalMiddle ? `${style.wrap ? 'w' : ''}${style.verticalMiddle ? 'm' : ''}` : '';
    const key = `${numFmtId}|${fontId}|${fillId}|${borderId}|${align}`;
    let id = this.xfs.get(key);
    if (id === undefined) {
      id = this.xfList.length;
      this.xfs.set(key, id);
      const alignment = align
        ? `<alignment${style.verticalMiddle ? ' vertical="center"' : ''}${style.wrap ? ' wrapText="1"' : ''}/>`
        : '';
      this.xfList.push(
        `<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="${fillId}" borderId="${borderId}" xfId="0"` +
          `${numFmtId ? ' applyNumberFormat="1"' : ''}${fontId ? ' applyFont="1"' : ''}${fillId ? ' applyFill="1"' : ''}${borderId ? ' applyBorder="1"' : ''}` +
          (alignment ? ` applyAlignment="1">${alignment}</xf>` : '/>'),
      );
    }
    this.byObject.set(style, id);
    return id;
  }

  private numFmtId(code: string): number {
    let id = this.numFmts.get(code);
    if (id === undefined) this.numFmts.set(code, (id = 164 + this.numFmts.size));
    return id;
  }

  private index(map: Map<string, number>, key: string): number {
    let id = map.get(key);
    if (id === undefined) map.set(key, (id = map.size));
    return id;
  }

  xml(): string {
    const numFmts = [...this.numFmts].map(([code, id]) => `<numFmt numFmtId="${id}" formatCode="${escapeXml(code)}"/>`);
    const fonts = [...this.fonts.keys()].map((k) => {
      const [bold, color] = k.split('|');
      return `<font>${bold ? '<b/>' : ''}<sz val="11"/>${color ? `<color rgb="${color}"/>` : ''}<name val="Calibri"/><family val="2"/></font>`;
    });
    const fills = [...this.fills.keys()].map((k) =>
      k === 'none' || k === 'gray125' ? `<fill><patternFill patternType="${k}"/></fill>` : `<fill><patternFill patternType="solid"><fgColor rgb="${k}"/><bgColor indexed="64"/></patternFill></fill>`,
    );
    const borders = [...this.borders.keys()].map((k) =>
      k === 'bottom' ? '<border><left/><right/><top/><bottom style="thin"><color indexed="64"/></bottom><diagonal/></border>' : '<border><left/><right/><top/><bottom/><diagonal/></border>',
    );
    return (
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      (numFmts.length ? `<numFmts count="${numFmts.length}">${numFmts.join('')}</numFmts>` : '') +
      `<fonts count="${fonts.length}">${fonts.join('')}</fonts>` +
      `<fills count="${fills.length}">${fills.join('')}</fills>` +
      `<borders count="${borders.length}">${borders.join('')}</borders>` +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${this.xfList.length}">${this.xfList.join('')}</cellXfs>` +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '</styleSheet>'
    );
  }
}

function sheetXml(sheet: XlsxSheet, styles: Styles): string {
  const letters: string[] = [];
  const dateStyles = new Map<XlsxStyle | undefined, XlsxStyle>();
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">',
  ];
  const frozen = sheet.frozenRows ?? 0;
  out.push(
    frozen
      ? `<sheetViews><sheetView workbookViewId="0"><pane ySplit="${frozen}" topLeftCell="A${frozen + 1}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A${frozen + 1}" sqref="A${frozen + 1}"/></sheetView></sheetViews>`
      : '<sheetViews><sheetView workbookViewId="0"/></sheetViews>',
    '<sheetFormatPr defaultRowHeight="15"/>',
  );
  if (sheet.widths.length) {
    out.push('<cols>');
    sheet.widths.forEach((w, i) => out.push(`<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`));
    out.push('</cols>');
  }
  out.push('<sheetData>');
  for (let r = 0; r < sheet.rows.length; r++) {
    const line = sheet.rows[r];
    if (!line?.values.length) continue;
    const { values, styles: rowStyles, numeric } = line;
    const n = r + 1;
    let row = `<row r="${n}">`;
    for (let c = 0; c < values.length; c++) {
      const v = values[c];
      let style = rowStyles?.[c];
      if (v instanceof Date) {
        let ds = dateStyles.get(style);
        if (!ds) dateStyles.set(style, (ds = { ...style, numFmt: style?.numFmt ?? DATE_FORMAT }));
        style = ds;
      }
      const s = styles.id(style);
      const ref = (letters[c] ??= columnLetters(c)) + n;
      const sAttr = s ? ` s="${s}"` : '';
      if (v === null || v === undefined || v === '') {
        if (s) row += `<c r="${ref}"${sAttr}/>`;
      } else if (typeof v === 'number') {
        row += Number.isFinite(v) ? `<c r="${ref}"${sAttr}><v>${v}</v></c>` : `<c r="${ref}"${sAttr} t="inlineStr"><is><t>${v}</t></is></c>`;
      } else if (typeof v === 'boolean') {
        row += `<c r="${ref}"${sAttr} t="b"><v>${v ? 1 : 0}</v></c>`;
      } else if (v instanceof Date) {
        row += `<c r="${ref}"${sAttr}><v>${excelSerial(v)}</v></c>`;
      } else if (numeric?.[c] && DECIMAL.test(v)) {
        row += `<c r="${ref}"${sAttr}><v>${v}</v></c>`;
      } else {
        const text = escapeXml(String(v));
        const space = text !== text.trim() ? ' xml:space="preserve"' : '';
        row += `<c r="${ref}"${sAttr} t="inlineStr"><is><t${space}>${text}</t></is></c>`;
      }
    }
    out.push(row + '</row>');
  }
  out.push('</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>');
  return out.join('');
}

/** Sheet names: at most 31 characters, none of `[]:*?/\`, unique. */
function sheetNames(sheets: XlsxSheet[]): string[] {
  const used = new Set<string>();
  return sheets.map((s, i) => {
    let name = s.name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31).trim() || `Sheet${i + 1}`;
    for (let k = 2; used.has(name.toLowerCase()); k++) name = `${name.slice(0, 28)} ${k}`;
    used.add(name.toLowerCase());
    return name;
  });
}

/** The workbook as xlsx bytes. */
export function writeXlsx(sheets: XlsxSheet[], meta: { creator?: string; created?: Date } = {}): Buffer {
  const styles = new Styles();
  const names = sheetNames(sheets);
  const sheetParts = sheets.map((s) => sheetXml(s, styles));
  const created = (meta.created ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
  const xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
  const files: Array<[string, string]> = [
    [
      '[Content_Types].xml',
      xml +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('') +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>' +
        '</Types>',
    ],
    [
      '_rels/.rels',
      xml +
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>' +
        '</Relationships>',
    ],
    [
      'docProps/core.xml',
      xml +
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
        `<dc:creator>${escapeXml(meta.creator ?? '')}</dc:creator>` +
        `<dcterms:created xsi:type="dcterms:W3CDTF">${created}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${created}</dcterms:modified>` +
        '</cp:coreProperties>',
    ],
    [
      'docProps/app.xml',
      xml + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>OpenAMR</Application></Properties>',
    ],
    [
      'xl/workbook.xml',
      xml +
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
        '<bookViews><workbookView/></bookViews><sheets>' +
        names.map((n, i) => `<sheet name="${escapeXml(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
        '</sheets></workbook>',
    ],
    [
      'xl/_rels/workbook.xml.rels',
      xml +
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('') +
        `<Relationship Id="rId${sheets.length + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
        '</Relationships>',
    ],
    ...sheetParts.map((x, i) => [`xl/worksheets/sheet${i + 1}.xml`, x] as [string, string]),
    ['xl/styles.xml', styles.xml()],
  ];
  return zip(files.map(([name, text]) => ({ name, data: Buffer.from(text, 'utf8') })), meta.created ?? new Date());
}

/** DOS date and time of a ZIP entry (local time, 2-second resolution). */
function dosTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/**
 * A ZIP archive (PKWARE APPNOTE: local headers, deflated data, central directory, end
 * record; names in UTF-8, flag bit 11) of small in-memory files.
 */
export function zip(files: Array<{ name: string; data: Buffer }>, when = new Date()): Buffer {
  const { time, date } = dosTime(when);
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const body = deflateRawSync(f.data, { level: 1 });
    const crc = crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4); // made by: 2.0
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(time, 12);
    entry.writeUInt16LE(date, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(f.data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    central.push(entry, name);
    offset += local.length + name.length + body.length;
  }
  const dirSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}
