import { JOB_STATUSES, JobStatus, ProjectStatus } from '@app/contracts';
import {
  assertTransition,
  canTransition,
  IllegalJobTransitionError,
  projectStatusAfter,
  statusesBefore,
} from './job-transitions';

const allowed: [JobStatus, JobStatus][] = [
  ['PENDING', 'PROCESSING'],
  ['PENDING', 'CANCELLED'],
  ['PENDING', 'FAILED'],
  ['PROCESSING', 'COMPLETED'],
  ['PROCESSING', 'FAILED'],
  ['PROCESSING', 'CANCELLED'],
];
const key = ([from, to]: [JobStatus, JobStatus]) => `${from}->${to}`;
const refused = JOB_STATUSES.flatMap((from) =>
  JOB_STATUSES.map((to): [JobStatus, JobStatus] => [from, to]),
).filter((edge) => !allowed.map(key).includes(key(edge)));

describe('job transitions', () => {
  it.each(allowed)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each(refused)('refuses %s → %s with IllegalJobTransitionError', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    expect(() => assertTransition(from, to)).toThrow(IllegalJobTransitionError);
    try {
      assertTransition(from, to);
    } catch (e) {
      expect(e).toMatchObject({ from, to });
    }
  });

  it('refuses every change out of a final state, e.g. COMPLETED → PROCESSING', () => {
    expect(refused).toContainEqual(['COMPLETED', 'PROCESSING']);
    expect(refused.length).toBe(25 - allowed.length);
  });

  it('names the statuses a job must be in to reach each state', () => {
    expect(statusesBefore('PROCESSING')).toEqual(['PENDING']);
    expect(statusesBefore('COMPLETED')).toEqual(['PROCESSING']);
    expect(statusesBefore('CANCELLED')).toEqual(['PENDING', 'PROCESSING']);
    expect(statusesBefore('PENDING')).toEqual([]);
  });
});

describe('the project status that follows its latest job', () => {
  it.each([
    [null, 'PENDING', 'PROCESSING'],
    ['PENDING', 'PROCESSING', 'PROCESSING'],
    ['PROCESSING', 'COMPLETED', 'COMPLETED'],
    ['PROCESSING', 'FAILED', 'FAILED'],
  ] as [JobStatus | null, JobStatus, ProjectStatus][])(
    'a job going %s → %s makes it %s',
    (from, to, project) => {
      expect(projectStatusAfter(from, to, 'COMPLETED')).toBe(project);
    },
  );

  it.each(['DRAFT', 'COMPLETED', 'FAILED'] as ProjectStatus[])(
    'a cancelled job leaves it as it was before (%s), whether it was pending or running',
    (before) => {
      expect(projectStatusAfter('PENDING', 'CANCELLED', before)).toBe(before);
      expect(projectStatusAfter('PROCESSING', 'CANCELLED', before)).toBe(before);
    },
  );

  it('a job that fails without ever starting (never queued) leaves it as it was before', () => {
    expect(projectStatusAfter('PENDING', 'FAILED', 'DRAFT')).toBe('DRAFT');
  });
});
