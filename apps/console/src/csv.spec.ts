import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from './csv';

describe('CSV', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and skips blank lines', () => {
    const text = 'brand,modelName\r\n"Acme, Inc.","He said ""hi"""\n\n"two\nlines",x\n';
    expect(parseCsv(text)).toEqual([
      ['brand', 'modelName'],
      ['Acme, Inc.', 'He said "hi"'],
      ['two\nlines', 'x'],
    ]);
  });

  it('reads a last line without a line break', () => {
    expect(parseCsv('a,b\n1,')).toEqual([
      ['a', 'b'],
      ['1', ''],
    ]);
  });

  it('writes what it reads back, and defuses cells a spreadsheet would run as formulas', () => {
    const rows = [
      ['id', 'name'],
      ['1', 'Acme, "the" best'],
      ['2', '=HYPERLINK("x")'],
    ];
    const text = toCsv(rows);
    expect(parseCsv(text)).toEqual([rows[0], rows[1], ['2', `'=HYPERLINK("x")`]]);
  });
});
