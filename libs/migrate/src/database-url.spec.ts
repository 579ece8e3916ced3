import { describe, expect, it } from 'vitest';
import { DatabaseUrlError, parseDatabaseUrl, scrubSecret } from './database-url.js';

describe('parseDatabaseUrl', () => {
  it('reads the database and derives the maintenance URL on the same server and options', () => {
    const target = parseDatabaseUrl('postgresql://app:s%40cret@db.internal:6432/s2_broker?sslmode=require');
    expect(target.database).toBe('s2_broker');
    expect(target.server).toBe('db.internal:6432');
    expect(target.password).toBe('s@cret');
    expect(target.maintenanceUrl).toBe('postgresql://app:s%40cret@db.internal:6432/postgres?sslmode=require');
  });

  it('accepts postgres:// and defaults the port in messages', () => {
    const target = parseDatabaseUrl('postgres://postgres@127.0.0.1/x');
    expect(target.server).toBe('127.0.0.1:5432');
    expect(target.password).toBe('');
  });

  it('decodes the database name like pg does', () => {
    expect(parseDatabaseUrl('postgresql://h/My%20Db-1').database).toBe('My Db-1');
  });

  it.each([
    ['', /DATABASE_URL is empty/],
    ['not a url', /DATABASE_URL is not a valid URL/],
    ['mysql://root@localhost/app', /DATABASE_URL must use the postgresql:\/\/ or postgres:\/\/ scheme/],
    ['postgresql://localhost', /DATABASE_URL names no database/],
    ['postgresql://localhost/', /DATABASE_URL names no database/],
    ['postgresql://localhost/a/b', /DATABASE_URL has a database name containing '\/'/],
  ])('rejects %j', (value, message) => {
    expect(() => parseDatabaseUrl(value, 'DATABASE_URL')).toThrow(DatabaseUrlError);
    expect(() => parseDatabaseUrl(value, 'DATABASE_URL')).toThrow(message);
  });

  it('never repeats the URL or its password in an error', () => {
    for (const value of ['mysql://u:hunter22@h/db', 'postgresql://u:hunter22@h', 'postgresql://u:hunter22@h/a/b']) {
      expect(() => parseDatabaseUrl(value)).toThrow(DatabaseUrlError);
      try {
        parseDatabaseUrl(value);
      } catch (error) {
        expect((error as Error).message).not.toContain('hunter22');
      }
    }
  });
});

describe('scrubSecret', () => {
  it('masks every occurrence, and nothing when there is no secret', () => {
    expect(scrubSecret('a hunter22 b hunter22', 'hunter22')).toBe('a *** b ***');
    expect(scrubSecret('unchanged', '')).toBe('unchanged');
  });
});
