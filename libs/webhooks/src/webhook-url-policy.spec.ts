import { classifyAddress, resolveWebhookUrl, UnsafeWebhookUrlError } from './webhook-url-policy';

const resolvesTo =
  (...addresses: string[]) =>
  async () =>
    addresses.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));

describe('which addresses a webhook may reach', () => {
  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '127.0.0.1',
    '127.8.9.10',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
  ])('%s is loopback or private', (address) => {
    expect(classifyAddress(address)).toBe('private');
  });

  it.each([
    '169.254.169.254',
    '169.254.0.1',
    'fe80::1',
    'fd00:ec2::254',
    '::ffff:169.254.169.254',
    '224.0.0.1',
  ])('%s is link-local, metadata or not unicast: forbidden', (address) => {
    expect(classifyAddress(address)).toBe('forbidden');
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:2800:220:1::1'])(
    '%s is public',
    (address) => {
      expect(classifyAddress(address)).toBe('public');
    },
  );
});

describe('checking an endpoint URL', () => {
  it('accepts a public https URL and returns the addresses checked', async () => {
    const { url, addresses } = await resolveWebhookUrl('https://hooks.example.com/x?a=1', {
      allowPrivate: false,
      resolve: resolvesTo('93.184.216.34'),
    });
    expect(url.toString()).toBe('https://hooks.example.com/x?a=1');
    expect(addresses).toEqual([{ address: '93.184.216.34', family: 4 }]);
  });

  it('refuses a host resolving to a private address, naming it, unless allowed', async () => {
    const check = (allowPrivate: boolean) =>
      resolveWebhookUrl('http://internal.example.com/', {
        allowPrivate,
        resolve: resolvesTo('93.184.216.34', '10.0.0.5'),
      });
    await expect(check(false)).rejects.toThrow(/resolves to 10\.0\.0\.5, a loopback or private/);
    await expect(check(true)).resolves.toBeDefined();
  });

  it('refuses metadata addresses even when private ones are allowed', async () => {
    await expect(
      resolveWebhookUrl('http://169.254.169.254/latest/meta-data', { allowPrivate: true }),
    ).rejects.toThrow(/link-local or metadata/);
    await expect(
      resolveWebhookUrl('http://[fd00:ec2::254]/', { allowPrivate: true }),
    ).rejects.toThrow(/link-local or metadata/);
    await expect(
      resolveWebhookUrl('http://sneaky.example.com/', {
        allowPrivate: true,
        resolve: resolvesTo('169.254.169.254'),
      }),
    ).rejects.toThrow(/link-local or metadata/);
  });

  it('refuses IP literals on loopback, IPv4 and IPv6', async () => {
    for (const url of ['http://127.0.0.1:8080/', 'http://[::1]/', 'http://0.0.0.0/']) {
      await expect(resolveWebhookUrl(url, { allowPrivate: false })).rejects.toBeInstanceOf(
        UnsafeWebhookUrlError,
      );
    }
  });

  it.each([
    ['ftp://example.com/', /https or http/],
    ['not a url', /absolute http or https/],
    ['https://user:pw@example.com/', /user name or password/],
    [`https://example.com/${'a'.repeat(2048)}`, /at most 2048/],
  ])('refuses %s', async (raw, reason) => {
    await expect(
      resolveWebhookUrl(raw, { allowPrivate: true, resolve: resolvesTo('93.184.216.34') }),
    ).rejects.toThrow(reason);
  });

  it('refuses a host that does not resolve', async () => {
    await expect(
      resolveWebhookUrl('https://nowhere.invalid/', {
        allowPrivate: false,
        resolve: async () => {
          throw new Error('ENOTFOUND');
        },
      }),
    ).rejects.toThrow(/does not resolve/);
  });
});
