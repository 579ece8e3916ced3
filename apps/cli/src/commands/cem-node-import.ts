// `s2-broker cem-node import`: CEM nodes from a CSV file, one row per node, through the tenant API's
// batch endpoint. A batch is all or nothing, so a row the broker refuses (it names it: `nodes[3]...`)
// is taken out and the others are sent again; every row ends created or refused, with the reason.
import { CommandFailure } from './broker-api.js';
import type { CsvRecord } from './csv.js';

/** The columns are the fields of `POST /api/v1/cem-nodes`. */
export const CEM_NODE_COLUMNS = ['brand', 'type', 'modelName', 'userDefinedName', 'logoUrl', 'externalRef'] as const;
type Column = (typeof CEM_NODE_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['brand', 'type', 'modelName'];

/** The batch endpoint's limit. */
export const BATCH_SIZE = 1000;

export interface ImportRow {
  /** The line of the file the row starts on. */
  readonly row: number;
  readonly node: Readonly<Partial<Record<Column, string>>>;
}

export type RowReport =
  | {
      readonly row: number;
      readonly result: 'created';
      readonly id: string;
      readonly externalRef?: string;
      readonly pairingCode?: string;
    }
  | { readonly row: number; readonly result: 'refused'; readonly reason: string };

/** `model_name`, `Model Name` and `modelName` all name modelName. */
function columnOf(name: string): Column | undefined {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
  return CEM_NODE_COLUMNS.find((column) => column.toLowerCase() === key);
}

/**
 * The rows to send and the rows refused before sending. A header that cannot be used fails the whole
 * import: without it no row means anything.
 */
export function readImport(records: readonly CsvRecord[]): { rows: ImportRow[]; refused: RowReport[] } {
  const [header, ...body] = records;
  if (header === undefined) throw new CommandFailure('the file is empty; its first line names the columns');
  if ('problem' in header) throw new CommandFailure(`the header (line ${header.line}): ${header.problem}`);
  const columns: Column[] = [];
  for (const name of header.fields) {
    const column = columnOf(name);
    if (column === undefined) {
      throw new CommandFailure(
        `the header names an unknown column '${name}'; the columns are ${CEM_NODE_COLUMNS.join(', ')}`,
      );
    }
    if (columns.includes(column)) throw new CommandFailure(`the header names ${column} twice`);
    columns.push(column);
  }
  const missing = REQUIRED.filter((column) => !columns.includes(column));
  if (missing.length > 0) throw new CommandFailure(`the header has no ${missing.join(', ')} column`);

  const rows: ImportRow[] = [];
  const refused: RowReport[] = [];
  for (const record of body) {
    if ('problem' in record) {
      refused.push({ row: record.line, result: 'refused', reason: record.problem });
      continue;
    }
    if (record.fields.length !== columns.length) {
      refused.push({
        row: record.line,
        result: 'refused',
        reason: `it has ${record.fields.length} fields, the header ${columns.length}`,
      });
      continue;
    }
    const node: Partial<Record<Column, string>> = {};
    // An empty cell is a field left out; the broker says what a required one must be.
    columns.forEach((column, index) => {
      const value = record.fields[index] as string;
      if (value.trim() !== '') node[column] = value;
    });
    const empty = REQUIRED.filter((column) => node[column] === undefined);
    if (empty.length > 0) {
      refused.push({
        row: record.line,
        result: 'refused',
        reason: empty.map((c) => `${c}: must not be empty`).join('; '),
      });
      continue;
    }
    rows.push({ row: record.line, node });
  }
  return { rows, refused };
}

export type BatchAnswer =
  | { readonly ok: true; readonly items: readonly unknown[] }
  | { readonly ok: false; readonly status: number; readonly message: string };

export type PostBatch = (nodes: readonly ImportRow['node'][]) => Promise<BatchAnswer>;

export interface ImportOutcome {
  readonly reports: RowReport[];
  /** What stopped the import before every row was sent (the broker unreachable, refused credentials). */
  readonly failure?: string;
}

/** The rows the problems of a 400 or 409 name, with what is wrong with each, in the row's terms. */
export function refusedItems(message: string, rows: readonly ImportRow[]): Map<number, string> {
  const named = new Map<number, string[]>();
  for (const issue of message.split('; ')) {
    const match = /^nodes\[(\d+)\]\.?(.*)$/.exec(issue);
    if (match === null) continue;
    const index = Number(match[1]);
    if (index >= rows.length) continue;
    const problem = (match[2] as string).replace(/nodes\[(\d+)\]/g, (text, earlier: string) => {
      const row = rows[Number(earlier)];
      return row === undefined ? text : `row ${row.row}`;
    });
    named.set(index, [...(named.get(index) ?? []), problem]);
  }
  return new Map([...named].map(([index, problems]) => [index, problems.join('; ')]));
}

export async function runImport(rows: readonly ImportRow[], post: PostBatch): Promise<ImportOutcome> {
  const reports: RowReport[] = [];
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    let pending = rows.slice(start, start + BATCH_SIZE);
    while (pending.length > 0) {
      let answer: BatchAnswer;
      try {
        answer = await post(pending.map((row) => row.node));
      } catch (error) {
        return stopped(
          reports,
          [...pending, ...rows.slice(start + BATCH_SIZE)],
          error instanceof Error ? error.message : String(error),
        );
      }
      if (answer.ok) {
        pending.forEach((row, index) => reports.push(created(row, answer.items[index])));
        break;
      }
      if (answer.status !== 400 && answer.status !== 409) {
        const failure = `POST /api/v1/cem-nodes:batch answered ${answer.status}: ${answer.message}`;
        return stopped(reports, [...pending, ...rows.slice(start + BATCH_SIZE)], failure);
      }
      const named = refusedItems(answer.message, pending);
      if (named.size === 0) {
        // Nothing of one row (the tenant's quota): each row of the batch gets the broker's word.
        for (const row of pending) reports.push({ row: row.row, result: 'refused', reason: answer.message });
        break;
      }
      for (const [index, reason] of named) {
        reports.push({ row: (pending[index] as ImportRow).row, result: 'refused', reason });
      }
      pending = pending.filter((_, index) => !named.has(index));
    }
  }
  return { reports };
}

/** The rows not sent get the reason the import stopped. */
function stopped(reports: RowReport[], unsent: readonly ImportRow[], failure: string): ImportOutcome {
  for (const row of unsent) reports.push({ row: row.row, result: 'refused', reason: `not imported: ${failure}` });
  return { reports, failure };
}

function created(row: ImportRow, item: unknown): RowReport {
  const node = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const code = node['pairingCode'] as Record<string, unknown> | undefined;
  return {
    row: row.row,
    result: 'created',
    id: String(node['id']),
    ...(typeof node['externalRef'] === 'string' ? { externalRef: node['externalRef'] } : {}),
    ...(typeof code?.['pairingCode'] === 'string' ? { pairingCode: code['pairingCode'] } : {}),
  };
}
