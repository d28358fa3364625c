import type { LogLevel } from '@nestjs/common';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const FROM_ENV: Record<string, LogLevel | 'silent'> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  info: 'log',
  debug: 'debug',
  trace: 'verbose',
  silent: 'silent',
};

/** Nest's logger levels for LOG_LEVEL (fatal|error|warn|info|debug|trace|silent). */
export function nestLogLevels(level = process.env.LOG_LEVEL ?? 'info'): LogLevel[] {
  const wanted = FROM_ENV[level] ?? 'log';
  if (wanted === 'silent') return [];
  return ORDER.slice(0, ORDER.indexOf(wanted) + 1);
}
