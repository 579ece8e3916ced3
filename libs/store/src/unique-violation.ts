import { Prisma } from '#db';

/**
 * The columns of the unique constraint a write broke, or undefined when the error is anything else.
 * Through the pg adapter Prisma reports the index name (`cem_nodes_node_id_alias_key`) or the
 * columns, depending on what PostgreSQL told it; both carry the column names.
 */
export function uniqueViolation(error: unknown): string | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') {
    return undefined;
  }
  return JSON.stringify(error.meta ?? {});
}

/** Whether `error` broke the unique constraint that covers `column` (its database name). */
export function isUniqueViolationOn(error: unknown, column: string): boolean {
  return uniqueViolation(error)?.includes(column) ?? false;
}
