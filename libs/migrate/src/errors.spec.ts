import { describe, expect, it } from 'vitest';
import { describeError, lineOfPosition } from './errors.js';

function pgError(fields: Record<string, string>): Error {
  return Object.assign(new Error(fields.message), { severity: 'ERROR', ...fields });
}

describe('lineOfPosition', () => {
  it('maps a 1-based character position to its line', () => {
    const sql = 'SELECT 1;\nSELECT\n  nope;\n';
    expect(lineOfPosition(sql, 1)).toBe(1);
    expect(lineOfPosition(sql, sql.indexOf('nope') + 1)).toBe(3);
  });

  it('counts characters, as PostgreSQL does, not UTF-16 units', () => {
    const sql = '-- 🚀\nSELECT x;';
    expect(lineOfPosition(sql, Array.from(sql).indexOf('x') + 1)).toBe(2);
  });
});

describe('describeError', () => {
  it('keeps SQLSTATE, line, detail and hint of a PostgreSQL error on one line', () => {
    const sql = 'CREATE TABLE t ();\nSELECT * FROM missing;';
    const error = pgError({
      message: 'relation "missing" does not exist',
      code: '42P01',
      position: String(sql.indexOf('missing') + 1),
      hint: 'check\nthe name',
    });
    expect(describeError(error, sql)).toBe(
      'relation "missing" does not exist (SQLSTATE 42P01, line 2); hint: check the name',
    );
  });

  it('spells out an AggregateError without a message', () => {
    const error = new AggregateError(
      [new Error('connect ECONNREFUSED ::1:5432'), new Error('connect ECONNREFUSED 127.0.0.1:5432')],
      '',
    );
    expect(describeError(error)).toBe('connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432');
  });

  it('falls back to the code, then the name, of an error without a message', () => {
    expect(describeError(Object.assign(new Error(''), { code: 'ETIMEDOUT' }))).toBe('ETIMEDOUT');
    expect(describeError('plain')).toBe('plain');
  });
});
