import { types, type CustomTypesConfig } from 'pg';
import { Prisma } from './generated/prisma/client';

/**
 * A read-only statement the hot request paths run as a named prepared statement straight on
 * the pool (PrismaService.prepared), instead of through Prisma's client: `name` is the
 * statement's name on each connection (one text per name), `text` its SQL with $1, $2...
 *
 * Why: on this stack (Prisma 6 with the query compiler and adapter-pg) every Prisma call,
 * `$queryRaw` included, costs about 0.4 ms of the gateway's CPU before and after the round trip
 * (the WebAssembly compiler and the client's interpreter); the same row through pg costs
 * about 0.08 ms (docs/benchmarks.md, "API throughput"). Only the reads that every poll or page
 * view runs use this; everything else stays with Prisma.
 *
 * Name the columns (never `*`): a prepared statement's result type is fixed, and a column a
 * migration adds later must not change it. Alias them to the model's field names
 * (`first_name AS "firstName"`) so the rows have the Prisma model's shape.
 */
export interface PreparedRead {
  name: string;
  text: string;
}

/** `timestamp` (without time zone, as Prisma writes it: UTC) as Prisma reads it. */
export function utcTimestamp(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}Z`);
}

/**
 * Column values as Prisma's client gives them: `timestamp` columns (UTC) as Date, `numeric` as
 * Prisma.Decimal, `bigint` as BigInt; json and jsonb parsed, enums as their strings, text[] as
 * string[] (pg's own parsers).
 */
export const PRISMA_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      if (oid === types.builtins.TIMESTAMP) return utcTimestamp;
      if (oid === types.builtins.NUMERIC) return (v: string) => new Prisma.Decimal(v);
      if (oid === types.builtins.INT8) return (v: string) => BigInt(v);
    }
    return types.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};
