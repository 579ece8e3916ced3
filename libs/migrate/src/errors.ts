/** A migration run that stopped; `migration` names the migration at fault when there is one. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';

  constructor(
    message: string,
    readonly migration?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The fields of a PostgreSQL error that `pg` copies from the server's ErrorResponse. */
export interface PgErrorFields {
  code: string;
  message: string;
  detail?: string | undefined;
  hint?: string | undefined;
  position?: string | undefined;
}

export function isPgError(error: unknown): error is Error & PgErrorFields {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && 'severity' in error;
}

/** 1-based line of a 1-based character `position` (what PostgreSQL reports) in `sql`. */
export function lineOfPosition(sql: string, position: number): number {
  const before = Array.from(sql)
    .slice(0, Math.max(0, position - 1))
    .join('');
  return before.split('\n').length;
}

/**
 * One line describing any error met while migrating. PostgreSQL errors keep their SQLSTATE and, when
 * `sql` is the statement that failed, the line of the script, which is what one needs to fix a migration.
 */
export function describeError(error: unknown, sql?: string): string {
  if (isPgError(error)) {
    const where =
      error.position !== undefined && sql !== undefined ? `, line ${lineOfPosition(sql, Number(error.position))}` : '';
    let text = `${error.message} (SQLSTATE ${error.code}${where})`;
    if (error.detail) text += `; detail: ${error.detail}`;
    if (error.hint) text += `; hint: ${error.hint}`;
    return oneLine(text);
  }
  if (error instanceof AggregateError && error.message === '') {
    // Node reports a failed connection to every address of a host as an AggregateError without a message.
    return oneLine(error.errors.map((inner) => describeError(inner)).join('; '));
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return oneLine(error.message || (typeof code === 'string' ? code : error.name));
  }
  return oneLine(String(error));
}

function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}
