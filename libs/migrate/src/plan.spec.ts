import { describe, expect, it } from 'vitest';
import { MigrationError } from './errors.js';
import { migrationChecksum, type LocalMigration } from './migrations-folder.js';
import { planMigrations, type MigrationRow } from './plan.js';

function local(name: string, sql = `-- ${name}\n`): LocalMigration {
  const script = Buffer.from(sql);
  return { name, script, checksum: migrationChecksum(script) };
}

function row(migration: LocalMigration, changes: Partial<MigrationRow> = {}): MigrationRow {
  return {
    id: `id-${migration.name}`,
    checksum: migration.checksum,
    migration_name: migration.name,
    started_at: new Date('2026-01-01T00:00:00Z'),
    finished_at: new Date('2026-01-01T00:00:01Z'),
    rolled_back_at: null,
    ...changes,
  };
}

const a = local('20260101000000_a');
const b = local('20260102000000_b');
const c = local('20260103000000_c');

describe('planMigrations', () => {
  it('applies everything on an empty history', () => {
    expect(planMigrations([a, b], [])).toEqual({ pending: [a, b], alreadyApplied: [], notFoundLocally: [] });
  });

  it('skips applied migrations and keeps folder order for the rest', () => {
    const plan = planMigrations([a, b, c], [row(b)]);
    expect(plan.pending.map((migration) => migration.name)).toEqual([a.name, c.name]);
    expect(plan.alreadyApplied).toEqual([b.name]);
  });

  it('runs a rolled-back migration again', () => {
    const plan = planMigrations([a], [row(a, { finished_at: null, rolled_back_at: new Date() })]);
    expect(plan.pending).toEqual([a]);
  });

  it('reports applied migrations missing from the folder', () => {
    expect(planMigrations([a], [row(a), row(b)]).notFoundLocally).toEqual([b.name]);
  });

  it('refuses a failed migration, naming it', () => {
    const failed = row(b, { finished_at: null });
    expect(() => planMigrations([a, b], [row(a), failed])).toThrow(MigrationError);
    expect(() => planMigrations([a, b], [row(a), failed])).toThrow(
      /migration 20260102000000_b failed in an earlier run/,
    );
  });

  it('refuses a migration changed after it was applied, naming it', () => {
    const edited = local(b.name, 'ALTER TABLE x ADD COLUMN y int;\n');
    let caught: unknown;
    try {
      planMigrations([a, edited], [row(a), row(b)]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MigrationError);
    expect((caught as MigrationError).migration).toBe(b.name);
    expect((caught as MigrationError).message).toMatch(/migration 20260102000000_b was changed after it was applied/);
  });
});
