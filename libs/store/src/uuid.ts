const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids are `uuid` columns: PostgreSQL refuses anything else with an error, where a lookup of an id
 * that came from outside should just find nothing.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
