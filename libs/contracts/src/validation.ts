import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** A message that does not match its contract; carries every offending field. */
export class InvalidPayloadError extends Error {
  constructor(
    readonly contract: string,
    readonly fields: FieldProblem[],
  ) {
    super(
      `invalid ${contract}: ${fields.map((f) => `${f.field} (${f.problems.join('; ')})`).join(', ')}`,
    );
    this.name = 'InvalidPayloadError';
  }
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/**
 * Checks a message received over NATS against its contract class (class-validator decorators)
 * and returns a typed instance; unknown properties are refused.
 */
export function parsePayload<T extends object>(contract: new () => T, data: unknown): T {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidPayloadError(contract.name, [
      { field: '(root)', problems: ['must be an object'] },
    ]);
  }
  const instance = plainToInstance(contract, data);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw new InvalidPayloadError(contract.name, flattenValidationErrors(errors));
  return instance;
}
