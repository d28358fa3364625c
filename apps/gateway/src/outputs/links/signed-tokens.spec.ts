import type { ConfigService } from '@nestjs/config';
import { SignedTokens } from './signed-tokens';

const config = (secret: string) => ({ getOrThrow: () => secret }) as unknown as ConfigService;

describe('SignedTokens', () => {
  const tokens = new SignedTokens(config('s'.repeat(40)));

  it('verifies its own token for the same purpose and resource, naming the user', () => {
    const { token, expiresAt } = tokens.sign('output', 'o1', 'u1', 60);
    expect(tokens.verify('output', 'o1', token)).toBe('u1');
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 58_000);
  });
  it('refuses another resource, another purpose, a tampered or malformed token', () => {
    const { token } = tokens.sign('output', 'o1', 'u1', 60);
    expect(tokens.verify('output', 'o2', token)).toBeNull();
    expect(tokens.verify('events', 'o1', token)).toBeNull();
    expect(tokens.verify('archive', 'o1', token)).toBeNull();
    expect(tokens.verify('output', 'o1', token.replace('u1.', 'u2.'))).toBeNull();
    expect(tokens.verify('output', 'o1', undefined)).toBeNull();
    expect(tokens.verify('output', 'o1', 'garbage')).toBeNull();
  });
  it('refuses a token signed with another secret, and an expired one', () => {
    const { token } = new SignedTokens(config('t'.repeat(40))).sign('output', 'o1', 'u1', 60);
    expect(tokens.verify('output', 'o1', token)).toBeNull();
    jest.useFakeTimers({ now: Date.now() });
    const short = tokens.sign('output', 'o1', 'u1', 1);
    jest.setSystemTime(Date.now() + 1_001);
    expect(tokens.verify('output', 'o1', short.token)).toBeNull();
    jest.useRealTimers();
  });
});
