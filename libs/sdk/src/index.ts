/**
 * @app/sdk: a typed client of the Video Mixer Pro API, for Node (>= 20) and browsers alike (only
 * fetch, FormData and Blob are used). The types are generated from the gateway's OpenAPI
 * document (`npm run sdk:generate`); the calls are openapi-fetch's, one per path and method:
 *
 *   const api = createClient({ baseUrl: 'https://api.example.com', apiKey: 'vmp_…' });
 *   const job = ok(await api.GET('/api/v1/jobs/{id}', { params: { path: { id } } }));
 */
import createFetchClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema';

export type { components, operations, paths };
/** Every schema of the document by name, e.g. `Schemas['JobDto']`. */
export type Schemas = components['schemas'];
/** The one error body of the API: {statusCode, error, message, details?}. */
export type ApiErrorBody = Schemas['ErrorResponseDto'];

export interface SdkOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where the gateway answers, without /api/v1: e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** A JWT from `register` or `login` (sent as `Authorization: Bearer …`). */
  token?: string;
  /** An API key (sent as `X-API-Key`); used when no token is set. */
  apiKey?: string;
}

export type SdkClient = Client<paths> & {
  /** Sign the next requests with this JWT (undefined: stop sending one). */
  setToken(token: string | undefined): void;
  /** Sign the next requests with this API key (when no token is set). */
  setApiKey(apiKey: string | undefined): void;
};

/** The client: every operation of the document, typed, with the credentials set on each call. */
export function createClient({ token, apiKey, ...options }: SdkOptions): SdkClient {
  const credentials = { token, apiKey };
  const client = createFetchClient<paths>(options);
  client.use(authMiddleware(credentials));
  return Object.assign(client, {
    setToken: (t: string | undefined) => void (credentials.token = t),
    setApiKey: (k: string | undefined) => void (credentials.apiKey = k),
  });
}

function authMiddleware(credentials: { token?: string; apiKey?: string }): Middleware {
  return {
    onRequest({ request }) {
      // A header the caller set on the call wins.
      if (request.headers.has('Authorization') || request.headers.has('X-API-Key')) return;
      if (credentials.token) request.headers.set('Authorization', `Bearer ${credentials.token}`);
      else if (credentials.apiKey) request.headers.set('X-API-Key', credentials.apiKey);
      return request;
    },
  };
}

/** An answer other than 2xx, with the API's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | undefined,
  ) {
    super(`${status} ${body?.error ?? 'error'}: ${body?.message ?? 'no error body'}`);
    this.name = 'ApiError';
  }
}

/** The data of a successful call, or an ApiError naming the status and the API's message. */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok) {
    throw new ApiError(result.response.status, result.error as ApiErrorBody | undefined);
  }
  return result.data as T;
}

/**
 * The multipart body of `POST /api/v1/projects/{id}/videos` (the document types the file as a
 * string): pass both fields into the call, e.g.
 *   api.POST('/api/v1/projects/{id}/videos', { params: { path: { id } }, ...videoUpload(file, 'a.mp4', groupId) })
 */
export function videoUpload(file: Blob, fileName: string, groupId?: string) {
  const form = new FormData();
  if (groupId) form.append('groupId', groupId);
  form.append('file', file, fileName);
  return {
    body: form as unknown as Schemas['UploadVideoDto'],
    // FormData goes to fetch as is: it sets the multipart boundary itself.
    bodySerializer: (body: unknown) => body as FormData,
  };
}

/**
 * The multipart body of `POST /api/v1/projects/{id}/assets` (a logo or a music track), as
 * videoUpload: `api.POST('/api/v1/projects/{id}/assets', { params: { path: { id } }, ...assetUpload(file, 'logo.png') })`
 */
export function assetUpload(file: Blob, fileName: string) {
  const form = new FormData();
  form.append('file', file, fileName);
  return {
    body: form as unknown as Schemas['UploadAssetDto'],
    bodySerializer: (body: unknown) => body as FormData,
  };
}
