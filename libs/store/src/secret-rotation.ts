import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '#db';
import { SecretCipher } from '#security';
import { openStored, pairingTokenPlace, StoredSecretError, webhookSecretPlace } from './secret-places.js';

/** What one table's pass did; `changed` rows were written meanwhile and left for the next run. */
export interface RotationCounts {
  table: string;
  rows: number;
  alreadyCurrent: number;
  /** Legacy clear values, encrypted now. */
  encrypted: number;
  /** Values under another configured key, encrypted again under the current one. */
  reencrypted: number;
  changed: number;
  failed: number;
}

interface SecretColumn {
  table: string;
  column: string;
  /** The column the value's place is made from. */
  owner: string;
  place(owner: string): string;
  row(id: string, owner: string): string;
}

// Identifiers only: no value of a request ever reaches these strings.
const COLUMNS: readonly SecretColumn[] = [
  {
    table: 'pairing_codes',
    column: 'token',
    owner: 'cem_node_id',
    place: pairingTokenPlace,
    row: (id, owner) => `pairing_codes row ${id} (CEM node ${owner})`,
  },
  {
    table: 'webhook_endpoints',
    column: 'secret',
    owner: 'id',
    place: webhookSecretPlace,
    row: (id) => `webhook_endpoints row ${id}`,
  },
];

const BATCH = 500;
const BEFORE_ALL = '00000000-0000-0000-0000-000000000000';

/**
 * `s2-broker secrets rotate`: every stored secret the broker reads back, encrypted under the current
 * key. Rows already under it are only checked, so a run is idempotent, and one cut off is finished by
 * the next. A value that does not open is reported with its row and left as it is.
 */
@Injectable()
export class SecretRotation {
  constructor(
    private readonly prisma: PrismaService,
    private readonly cipher: SecretCipher,
  ) {}

  async rotate(onFailure: (error: StoredSecretError) => void): Promise<RotationCounts[]> {
    const report: RotationCounts[] = [];
    for (const column of COLUMNS) report.push(await this.rotateColumn(column, onFailure));
    return report;
  }

  private async rotateColumn(
    spec: SecretColumn,
    onFailure: (error: StoredSecretError) => void,
  ): Promise<RotationCounts> {
    const counts: RotationCounts = {
      table: spec.table,
      rows: 0,
      alreadyCurrent: 0,
      encrypted: 0,
      reencrypted: 0,
      changed: 0,
      failed: 0,
    };
    const [table, column, owner] = [spec.table, spec.column, spec.owner].map((name) => Prisma.raw(`"${name}"`));
    let after = BEFORE_ALL;
    for (;;) {
      const rows = await this.prisma.$queryRaw<{ id: string; owner: string; value: string }[]>`
        SELECT id::text AS id, ${owner}::text AS owner, ${column} AS value FROM ${table}
        WHERE id > ${after}::uuid ORDER BY id LIMIT ${BATCH}`;
      for (const row of rows) {
        counts.rows++;
        const state = this.cipher.state(row.value);
        let plain: string;
        try {
          plain = openStored(this.cipher, row.value, spec.place(row.owner), spec.row(row.id, row.owner));
        } catch (error) {
          if (!(error instanceof StoredSecretError)) throw error;
          counts.failed++;
          onFailure(error);
          continue;
        }
        if (state === 'current') {
          counts.alreadyCurrent++;
          continue;
        }
        const sealed = this.cipher.seal(plain, spec.place(row.owner));
        // Only if nobody wrote the row meanwhile (a rotated webhook secret, a reissued code).
        const updated = await this.prisma.$executeRaw`
          UPDATE ${table} SET ${column} = ${sealed} WHERE id = ${row.id}::uuid AND ${column} = ${row.value}`;
        if (updated === 0) counts.changed++;
        else if (state === 'clear') counts.encrypted++;
        else counts.reencrypted++;
      }
      const last = rows.at(-1);
      if (last === undefined || rows.length < BATCH) return counts;
      after = last.id;
    }
  }
}
