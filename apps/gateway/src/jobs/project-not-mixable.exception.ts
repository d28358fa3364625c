import { UnprocessableEntityException } from '@nestjs/common';
import type { NotMixable } from '@app/mixing';

/** 422: the project cannot be mixed as it is (why, and how many combinations it allows). */
export class ProjectNotMixableException extends UnprocessableEntityException {
  constructor(problem: NotMixable) {
    super({
      message: problem.message,
      details: [
        {
          field: 'project',
          problems: [problem.message],
          reason: problem.reason,
          ...(problem.available !== undefined ? { available: problem.available } : {}),
        },
      ],
    });
  }
}
