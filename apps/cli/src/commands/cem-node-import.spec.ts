import { describe, expect, it } from 'vitest';
import { readImport, refusedItems, runImport, type BatchAnswer, type ImportRow } from './cem-node-import.js';
import { parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and CRLF', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n\r\n"two\nlines",z\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 4, fields: ['two\nlines', 'z'] },
    ]);
  });

  it('reports a broken record on its own line and reads on', () => {
    expect(parseCsv('a,b\n"x"y,z\nc,d')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, problem: 'field 1: a quoted field must end at a comma or the end of the line' },
      { line: 3, fields: ['c', 'd'] },
    ]);
    expect(parseCsv('a\n"open\nb\n')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, problem: 'a quoted field is not closed before the end of the file' },
    ]);
  });
});

describe('readImport', () => {
  it('takes the API field names in any case or spelling, leaves empty cells out and refuses bad rows', () => {
    const { rows, refused } = readImport(
      parseCsv('Brand,type,model_name,External Ref\nA,EMS,M,\nA,EMS\n,EMS,M,ref\nA,EMS,M,r1\n'),
    );
    expect(rows).toEqual([
      { row: 2, node: { brand: 'A', type: 'EMS', modelName: 'M' } },
      { row: 5, node: { brand: 'A', type: 'EMS', modelName: 'M', externalRef: 'r1' } },
    ]);
    expect(refused).toEqual([
      { row: 3, result: 'refused', reason: 'it has 2 fields, the header 4' },
      { row: 4, result: 'refused', reason: 'brand: must not be empty' },
    ]);
  });

  it('fails the whole import for a header it cannot use', () => {
    expect(() => readImport(parseCsv(''))).toThrow('the file is empty');
    expect(() => readImport(parseCsv('brand,type,colour\n'))).toThrow("unknown column 'colour'");
    expect(() => readImport(parseCsv('brand,type\n'))).toThrow('no modelName column');
    expect(() => readImport(parseCsv('brand,Brand,type,modelName\n'))).toThrow('brand twice');
  });
});

const row = (line: number, externalRef?: string): ImportRow => ({
  row: line,
  node: { brand: 'A', type: 'EMS', modelName: 'M', ...(externalRef === undefined ? {} : { externalRef }) },
});

describe('runImport', () => {
  it('takes out the rows the broker names and sends the others again', async () => {
    const rows = [row(2, 'a'), row(3, 'a'), row(4, 'taken'), row(5)];
    const sent: number[] = [];
    const answers: BatchAnswer[] = [
      { ok: false, status: 409, message: 'nodes[1].externalRef: nodes[0] has the same externalRef' },
      { ok: false, status: 409, message: 'nodes[1].externalRef: another CEM node of this tenant has it' },
      { ok: true, items: [{ id: 'n1', externalRef: 'a', pairingCode: { pairingCode: 'abc-1' } }, { id: 'n2' }] },
    ];
    const outcome = await runImport(rows, async (nodes) => {
      sent.push(nodes.length);
      return answers.shift() as BatchAnswer;
    });
    expect(sent).toEqual([4, 3, 2]);
    expect(outcome.failure).toBeUndefined();
    expect([...outcome.reports].sort((x, y) => x.row - y.row)).toEqual([
      { row: 2, result: 'created', id: 'n1', externalRef: 'a', pairingCode: 'abc-1' },
      { row: 3, result: 'refused', reason: 'externalRef: row 2 has the same externalRef' },
      { row: 4, result: 'refused', reason: 'externalRef: another CEM node of this tenant has it' },
      { row: 5, result: 'created', id: 'n2' },
    ]);
  });

  it('gives every row the reason when the refusal names none, and stops on a failure of the request', async () => {
    const quota = await runImport([row(2), row(3)], async () => ({
      ok: false,
      status: 409,
      message: 'maxCemNodes: the tenant may have 1',
    }));
    expect(quota.reports.map((r) => r.result === 'refused' && r.reason)).toEqual([
      'maxCemNodes: the tenant may have 1',
      'maxCemNodes: the tenant may have 1',
    ]);
    const down = await runImport([row(2)], async () => ({ ok: false, status: 401, message: 'invalid access token' }));
    expect(down.failure).toBe('POST /api/v1/cem-nodes:batch answered 401: invalid access token');
    expect(down.reports).toEqual([{ row: 2, result: 'refused', reason: `not imported: ${down.failure}` }]);
  });

  it('reads several problems of several rows from one 400', () => {
    const rows = [row(2), row(3), row(4)];
    expect(
      refusedItems(
        'nodes[0].logoUrl: must be an http:// or https:// URL; nodes[2].brand: must not be empty; nodes[0].type: must not be empty; and 3 more',
        rows,
      ),
    ).toEqual(
      new Map([
        [0, 'logoUrl: must be an http:// or https:// URL; type: must not be empty'],
        [2, 'brand: must not be empty'],
      ]),
    );
  });
});
