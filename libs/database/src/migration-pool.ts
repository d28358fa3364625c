import { Pool, type QueryArrayResult, type QueryResult } from 'pg';

const PG_NAME_OID = 19;
const PG_TEXT_OID = 25;

/**
 * A pg.Pool for Prisma's WebAssembly schema engine. adapter-pg cannot decode PostgreSQL's `name`
 * type (OID 19), which the schema engine reads from the catalog, and `migrate deploy` fails with
 * "Column type 'name' could not be deserialized" (prisma/prisma issue 27403). Reporting those
 * columns as `text` (OID 25) is exact: `name` is a fixed-length string.
 */
export class NameAsTextPool extends Pool {
  // pg's overloads make a typed override awkward; the shim only touches the result's fields.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = (super.query as (...a: any[]) => any)(...args);
    if (result && typeof result.then === 'function') {
      return result.then((r: QueryResult | QueryArrayResult) => {
        for (const field of r.fields ?? []) {
          if (field.dataTypeID === PG_NAME_OID) field.dataTypeID = PG_TEXT_OID;
        }
        return r;
      });
    }
    return result;
  }
}

export function createMigrationPool(connectionString: string | undefined): Pool {
  if (!connectionString) throw new Error('DATABASE_URL is not set');
  return new NameAsTextPool({ connectionString, max: 2 });
}
