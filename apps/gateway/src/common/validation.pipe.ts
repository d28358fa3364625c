import {
  BadRequestException,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { flattenValidationErrors, type FieldProblem } from '@app/contracts';

/** Deeper than any DTO of the API; a 10k-level body would overflow class-transformer's stack. */
export const MAX_INPUT_DEPTH = 32;
/** Keys that only ever appear in prototype-pollution attempts (JSON.parse keeps them as data). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Walks body, query and path params before the DTOs see them (iteratively: no recursion to
 * overflow) and lists what no field of the API accepts: NUL characters (PostgreSQL cannot store
 * them in text), prototype-pollution keys, and nesting deeper than MAX_INPUT_DEPTH.
 */
export function hostileInputProblems(value: unknown, root = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [
    { value, path: root, depth: 0 },
  ];
  while (stack.length) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000'))
        problems.push({ field: path || '(root)', problems: ['must not contain NUL characters'] });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) {
      problems.push({
        field: path || '(root)',
        problems: [`must not be nested more than ${MAX_INPUT_DEPTH} levels deep`],
      });
      continue;
    }
    for (const key of Object.keys(v)) {
      const field = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key) || key.includes('\u0000')) {
        problems.push({ field, problems: [`property ${key} should not exist`] });
        continue;
      }
      stack.push({ value: (v as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return problems;
}

const validationFailed = (details: FieldProblem[]) =>
  new BadRequestException({ message: 'validation failed', details });

/** Valid query strings remembered per DTO class (the oldest forgotten first). */
const QUERY_MEMO_MAX = 500;

/** A DTO whose own fields are all primitives: a shallow copy of it is a full copy. */
function isFlat(dto: unknown): dto is object {
  return (
    typeof dto === 'object' &&
    dto !== null &&
    Object.values(dto).every((v) => v === null || typeof v !== 'object')
  );
}

const copyOf = <T extends object>(dto: T): T =>
  Object.assign(Object.create(Object.getPrototypeOf(dto) as object) as T, dto);

/**
 * Screens for hostile input first (see hostileInputProblems), then validates the DTO. A query
 * DTO already validated from the same query string is not validated again: class-transformer
 * and class-validator cost more than the rest of a page request, and polling clients send the
 * same query each time. Only a valid, flat result (primitive fields) is remembered, and every
 * caller gets its own copy; a refused query is validated (and refused) every time.
 */
class ScreeningValidationPipe extends ValidationPipe {
  private readonly queries = new Map<unknown, Map<string, object>>();

  constructor(options: ValidationPipeOptions) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const problems = hostileInputProblems(
        value,
        metadata.type === 'param' ? (metadata.data ?? '') : '',
      );
      if (problems.length) throw validationFailed(problems);
    }
    if (metadata.type !== 'query' || !metadata.metatype || !this.toValidate(metadata))
      return super.transform(value, metadata);
    const key = JSON.stringify(value) ?? '';
    let memo = this.queries.get(metadata.metatype);
    const hit = memo?.get(key);
    if (hit) return copyOf(hit);
    const dto: unknown = await super.transform(value, metadata);
    if (isFlat(dto)) {
      if (!memo) this.queries.set(metadata.metatype, (memo = new Map()));
      if (memo.size >= QUERY_MEMO_MAX) memo.delete(memo.keys().next().value!);
      memo.set(key, copyOf(dto));
    }
    return dto;
  }
}

/** Whitelisted, transformed DTOs; unknown fields refused; every offending field listed. */
export function createValidationPipe(): ValidationPipe {
  return new ScreeningValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}
