import { types } from 'pg';
import { Prisma } from './generated/prisma/client';
import { PRISMA_TYPES, utcTimestamp } from './prepared-read';

const parse = (oid: number, text: string): unknown =>
  (PRISMA_TYPES.getTypeParser as (oid: number, format: string) => (v: string) => unknown)(
    oid,
    'text',
  )(text);

describe('PRISMA_TYPES', () => {
  it('reads a timestamp without time zone as UTC, whatever the process time zone', () => {
    expect(utcTimestamp('2026-12-01 03:34:18.997')).toEqual(
      new Date(Date.UTC(2026, 11, 1, 3, 34, 18, 997)),
    );
    expect(parse(types.builtins.TIMESTAMP, '2026-01-31 23:59:59')).toEqual(
      new Date('2026-01-31T23:59:59.000Z'),
    );
  });

  it('reads numeric as Prisma.Decimal (exactly) and bigint as BigInt', () => {
    const d = parse(types.builtins.NUMERIC, '14.500000000000000000000000000001');
    expect(d).toBeInstanceOf(Prisma.Decimal);
    expect((d as Prisma.Decimal).toString()).toBe('14.500000000000000000000000000001');
    expect(parse(types.builtins.INT8, '9007199254740993')).toBe(9007199254740993n);
  });

  it("leaves the other types to pg's parsers", () => {
    expect(parse(types.builtins.JSONB, '{"a":[1]}')).toEqual({ a: [1] });
    expect(parse(types.builtins.INT4, '42')).toBe(42);
    expect(parse(1009, '{read,jobs}')).toEqual(['read', 'jobs']);
  });
});
