import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional } from 'class-validator';
import { PaginationQueryDto } from './dto/pagination-query.dto';
import { createValidationPipe } from './validation.pipe';

class ListQuery extends PaginationQueryDto {
  @IsOptional()
  @IsIn(['A', 'B'])
  status?: string;
}

class SinceQuery extends PaginationQueryDto {
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  since?: Date;
}

const query = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({
  type: 'query',
  metatype,
});

describe('the validation pipe, on query DTOs', () => {
  it('gives each call its own DTO, the same for the same query string', async () => {
    const pipe = createValidationPipe();
    const first = (await pipe.transform({ page: '2', status: 'A' }, query(ListQuery))) as ListQuery;
    const second = (await pipe.transform(
      { page: '2', status: 'A' },
      query(ListQuery),
    )) as ListQuery;
    expect(first).toBeInstanceOf(ListQuery);
    expect(second).toBeInstanceOf(ListQuery);
    expect(second).toEqual({ page: 2, limit: 20, status: 'A' });
    expect(second).not.toBe(first);
    // A handler changing its DTO changes nobody else's.
    second.page = 99;
    const third = (await pipe.transform({ page: '2', status: 'A' }, query(ListQuery))) as ListQuery;
    expect(third.page).toBe(2);
  });

  it('refuses a bad query every time, naming the field', async () => {
    const pipe = createValidationPipe();
    for (let i = 0; i < 2; i++) {
      const refused = pipe.transform({ page: '2', status: 'C' }, query(ListQuery));
      await expect(refused).rejects.toThrow(BadRequestException);
      await expect(refused).rejects.toMatchObject({
        response: { details: [expect.objectContaining({ field: 'status' })] },
      });
    }
    // Valid before, refused with an unknown field after: the query string is the key.
    await pipe.transform({ page: '3' }, query(ListQuery));
    await expect(pipe.transform({ page: '3', extra: 'x' }, query(ListQuery))).rejects.toThrow(
      BadRequestException,
    );
  });

  it('tells DTO classes apart for the same query string', async () => {
    const pipe = createValidationPipe();
    expect(await pipe.transform({ page: '1' }, query(ListQuery))).toBeInstanceOf(ListQuery);
    expect(await pipe.transform({ page: '1' }, query(SinceQuery))).toBeInstanceOf(SinceQuery);
  });

  it('makes a DTO holding an object (a Date) afresh each time', async () => {
    const pipe = createValidationPipe();
    const q = { since: '2026-12-01T00:00:00Z' };
    const a = (await pipe.transform(q, query(SinceQuery))) as SinceQuery;
    const b = (await pipe.transform(q, query(SinceQuery))) as SinceQuery;
    expect(a.since).toEqual(new Date('2026-12-01T00:00:00Z'));
    expect(b.since).toEqual(a.since);
    expect(b.since).not.toBe(a.since);
  });
});
