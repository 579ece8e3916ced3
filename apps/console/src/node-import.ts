import { api, ApiError } from './api';
import { parseCsv } from './csv';
import type { CemNode } from './types';

export const NODE_COLUMNS = ['brand', 'type', 'modelName', 'userDefinedName', 'logoUrl', 'externalRef'] as const;
type Column = (typeof NODE_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['brand', 'type', 'modelName'];
const BATCH = 1000;

export interface RowReport {
  line: number;
  externalRef: string;
  outcome: 'created' | 'refused' | 'not sent';
  detail: string;
}

type NewNode = Partial<Record<Column, string>>;

/**
 * Imports a CSV of nodes (a header row naming the columns) through `POST /cem-nodes:batch`, 1000 rows
 * a request. A batch is all or nothing on the server, so a refused batch reports the server's reason on
 * every row of it, and the rows the server named, where it did.
 */
export async function importNodes(text: string): Promise<RowReport[]> {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new Error('The file is empty.');
  const names = header.map((name) => name.trim());
  const unknown = names.filter((name) => !(NODE_COLUMNS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`Unknown column ${unknown.join(', ')}; the columns are ${NODE_COLUMNS.join(', ')}.`);
  const missing = REQUIRED.filter((name) => !names.includes(name));
  if (missing.length > 0) throw new Error(`Missing column ${missing.join(', ')}.`);

  const reports: RowReport[] = [];
  const valid: { line: number; node: NewNode }[] = [];
  rows.forEach((cells, index) => {
    const line = index + 2;
    const node: NewNode = {};
    names.forEach((name, column) => {
      const value = cells[column]?.trim() ?? '';
      if (value !== '') node[name as Column] = value;
    });
    const empty = REQUIRED.filter((name) => node[name] === undefined);
    if (empty.length > 0)
      reports.push({
        line,
        externalRef: node.externalRef ?? '',
        outcome: 'refused',
        detail: `${empty.join(', ')} empty`,
      });
    else valid.push({ line, node });
  });

  for (let start = 0; start < valid.length; start += BATCH) {
    const batch = valid.slice(start, start + BATCH);
    try {
      const answer = await api<{ items: CemNode[] }>('POST', '/api/v1/cem-nodes:batch', {
        nodes: batch.map((row) => row.node),
      });
      answer.items.forEach((node, i) =>
        reports.push({
          line: batch[i]!.line,
          externalRef: node.externalRef ?? '',
          outcome: 'created',
          detail: node.nodeIdAlias,
        }),
      );
    } catch (failure) {
      const message = failure instanceof ApiError ? failure.message : String(failure);
      for (const [i, row] of batch.entries()) {
        const own = rowMessage(message, i);
        reports.push({
          line: row.line,
          externalRef: row.node.externalRef ?? '',
          outcome: own === undefined ? 'not sent' : 'refused',
          detail: own ?? `batch refused: ${message}`,
        });
      }
    }
  }
  return reports.sort((a, b) => a.line - b.line);
}

// The server names each bad field by its path, `nodes[<index>].<field>: problem`, joined by `; `.
function rowMessage(message: string, index: number): string | undefined {
  const own = message
    .split('; ')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`nodes[${index}].`));
  return own.length > 0 ? own.join('; ') : undefined;
}
