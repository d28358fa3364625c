import { ApiError, assetUpload, createClient, ok, videoUpload } from './index';

/** A fetch that records each request and answers with `answer` (JSON). */
function recordingFetch(answer: { status: number; body?: unknown } = { status: 200, body: {} }) {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  return { requests, fetch };
}

describe('createClient', () => {
  it('calls the base URL with the path and its parameters filled in', async () => {
    const { requests, fetch } = recordingFetch({ status: 200, body: { id: 'j1' } });
    const api = createClient({ baseUrl: 'http://api.test', fetch });
    const { data } = await api.GET('/api/v1/jobs/{id}', { params: { path: { id: 'j1' } } });
    expect(requests[0].url).toBe('http://api.test/api/v1/jobs/j1');
    expect(requests[0].method).toBe('GET');
    expect(data).toEqual({ id: 'j1' });
  });

  it('sends a token as a Bearer JWT, else the API key, else nothing', async () => {
    const { requests, fetch } = recordingFetch();
    const api = createClient({ baseUrl: 'http://api.test', fetch, apiKey: 'vmp_key' });
    await api.GET('/api/v1/users/me');
    api.setToken('jwt-1');
    await api.GET('/api/v1/users/me');
    api.setToken(undefined);
    api.setApiKey(undefined);
    await api.GET('/api/v1/users/me');
    expect(
      requests.map((r) => [r.headers.get('Authorization'), r.headers.get('X-API-Key')]),
    ).toEqual([
      [null, 'vmp_key'],
      ['Bearer jwt-1', null],
      [null, null],
    ]);
  });

  it('leaves the credentials a call sets itself', async () => {
    const { requests, fetch } = recordingFetch();
    const api = createClient({ baseUrl: 'http://api.test', fetch, token: 'jwt-1' });
    await api.GET('/api/v1/users/me', { headers: { 'X-API-Key': 'vmp_other' } });
    expect(requests[0].headers.get('X-API-Key')).toBe('vmp_other');
    expect(requests[0].headers.get('Authorization')).toBeNull();
  });
});

describe('ok', () => {
  it('returns the data of a 2xx answer', async () => {
    const { fetch } = recordingFetch({ status: 200, body: { credits: 5 } });
    const api = createClient({ baseUrl: 'http://api.test', fetch });
    expect(ok(await api.GET('/api/v1/billing/balance'))).toEqual({ credits: 5 });
  });

  it('throws an ApiError with the status and the error body otherwise', async () => {
    const body = { statusCode: 404, error: 'Not Found', message: 'job not found' };
    const { fetch } = recordingFetch({ status: 404, body });
    const api = createClient({ baseUrl: 'http://api.test', fetch });
    const result = await api.GET('/api/v1/jobs/{id}', { params: { path: { id: 'x' } } });
    expect(() => ok(result)).toThrow('404 Not Found: job not found');
    try {
      ok(result);
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect(e).toMatchObject({ status: 404, body });
    }
  });
});

describe('videoUpload', () => {
  it('sends the file and the group as multipart form data', async () => {
    const { requests, fetch } = recordingFetch({ status: 201, body: {} });
    const api = createClient({ baseUrl: 'http://api.test', fetch });
    await api.POST('/api/v1/projects/{id}/videos', {
      params: { path: { id: 'p1' } },
      ...videoUpload(new Blob(['bytes'], { type: 'video/mp4' }), 'hook.mp4', 'g1'),
    });
    expect(requests[0].headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/);
    const form = await requests[0].formData();
    expect(form.get('groupId')).toBe('g1');
    const file = form.get('file') as File;
    expect([file.name, await file.text()]).toEqual(['hook.mp4', 'bytes']);
  });
});

describe('assetUpload', () => {
  it('sends the file as multipart form data', async () => {
    const { requests, fetch } = recordingFetch({ status: 201, body: {} });
    const api = createClient({ baseUrl: 'http://api.test', fetch });
    await api.POST('/api/v1/projects/{id}/assets', {
      params: { path: { id: 'p1' } },
      ...assetUpload(new Blob(['png'], { type: 'image/png' }), 'logo.png'),
    });
    expect(requests[0].url).toBe('http://api.test/api/v1/projects/p1/assets');
    expect(requests[0].headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/);
    const file = (await requests[0].formData()).get('file') as File;
    expect([file.name, await file.text()]).toEqual(['logo.png', 'png']);
  });
});
