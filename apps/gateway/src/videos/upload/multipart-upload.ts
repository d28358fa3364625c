import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';

/** Why an upload was refused before its content was looked at. */
export class UploadRefusedError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
    readonly field = 'file',
    /** Set when the user's storage quota, not the upload size limit, was the cap. */
    readonly quota?: QuotaOverrun,
  ) {
    super(message);
    this.name = 'UploadRefusedError';
  }
}

/** The user's stored bytes, the quota, and how many bytes (at least) the upload brought. */
export interface QuotaOverrun {
  usedBytes: number;
  quotaBytes: number;
  incomingBytes: number;
}

export interface ReceivedUpload<T> {
  fields: Record<string, string>;
  originalName: string;
  stored: T;
}

export interface ReceiveOptions<T> {
  maxBytes: number;
  /**
   * The user's storage quota: the file may bring at most `quotaBytes - usedBytes` bytes, refused
   * before reading when the request's Content-Length says it will not fit, else while streaming.
   */
  quota?: { usedBytes: number; quotaBytes: number };
  /** Streams the file's bytes somewhere; must reject when the stream errors. */
  store: (file: Readable, originalName: string) => Promise<T>;
  /** Undoes `store` when the request fails after the file was stored. */
  discard: (stored: T) => Promise<void>;
  allowedFields: readonly string[];
}

const MAX_FIELD_BYTES = 1024;
const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * Reads a multipart/form-data request with one `file` part, streaming the file to `store` in
 * constant memory. The size limit stops the upload as soon as it is crossed; a client that
 * disconnects midway makes `store` fail; either way nothing stored is kept.
 */
export function receiveUpload<T>(
  req: IncomingMessage,
  options: ReceiveOptions<T>,
): Promise<ReceivedUpload<T>> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    return Promise.reject(
      new UploadRefusedError(415, 'expected multipart/form-data with a "file" part'),
    );
  }
  const declared = Number(req.headers['content-length']);
  const { quota } = options;
  const remaining = quota ? Math.max(0, quota.quotaBytes - quota.usedBytes) : Infinity;
  // The file's cap, and the error when it is crossed: the quota's when it is the smaller.
  const cap = Math.min(options.maxBytes, remaining);
  const overCap = (incomingBytes: number): UploadRefusedError =>
    quota && remaining < options.maxBytes
      ? quotaExceeded({ ...quota, incomingBytes })
      : tooLarge(options.maxBytes);
  if (quota && remaining === 0) {
    return Promise.reject(overCap(Number.isFinite(declared) ? declared : 0));
  }
  // The body's multipart framing is small: a declared body past the cap by more cannot fit.
  if (Number.isFinite(declared) && declared > cap + MULTIPART_OVERHEAD) {
    return Promise.reject(overCap(declared - MULTIPART_OVERHEAD));
  }

  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: {
          files: 1,
          fileSize: cap,
          fields: 10,
          fieldSize: MAX_FIELD_BYTES,
          parts: 12,
        },
      });
    } catch {
      reject(new UploadRefusedError(400, 'malformed multipart/form-data request'));
      return;
    }
    const fields: Record<string, string> = {};
    let storing: Promise<T> | undefined;
    let originalName = '';
    let activeFile: Readable | undefined;
    let failure: Error | undefined;
    let finished = false;

    const fail = (error: Error) => {
      if (failure) return;
      failure = error;
      req.unpipe(parser);
      if (activeFile && !activeFile.readableEnded) activeFile.destroy(error);
      settle();
    };
    const settle = () => {
      if (!storing) {
        if (failure) reject(failure);
        else if (finished) reject(new UploadRefusedError(400, 'the "file" part is missing'));
        return;
      }
      storing.then(
        async (stored) => {
          if (failure) {
            await options.discard(stored).catch(() => undefined);
            reject(failure);
          } else resolve({ fields, originalName, stored });
        },
        (e: Error) => reject(failure ?? e),
      );
    };

    parser.on('file', (name, stream, info) => {
      // Already refused (e.g. a bad field before the file): store nothing, or the spooled file
      // would be left behind, half-written, by a request that has been answered.
      if (failure) {
        stream.resume();
        return;
      }
      if (name !== 'file' || storing) {
        stream.resume();
        fail(
          new UploadRefusedError(400, `unexpected file part "${name}"; send one part named "file"`),
        );
        return;
      }
      originalName = info.filename ?? '';
      activeFile = stream;
      stream.on('limit', () => fail(overCap(cap + 1)));
      storing = options.store(stream, originalName);
      storing.catch((e: Error) => fail(e));
    });
    parser.on('field', (name, value, info) => {
      if (!options.allowedFields.includes(name)) {
        fail(new UploadRefusedError(400, `unknown field "${name}"`, name));
      } else if (info.valueTruncated) {
        fail(
          new UploadRefusedError(
            400,
            `field "${name}" is longer than ${MAX_FIELD_BYTES} bytes`,
            name,
          ),
        );
      } else if (value.includes('\u0000')) {
        // PostgreSQL text cannot hold NUL: refuse it here rather than fail on the insert.
        fail(new UploadRefusedError(400, `field "${name}" must not contain NUL characters`, name));
      } else fields[name] = value;
    });
    parser.on('partsLimit', () => fail(new UploadRefusedError(400, 'too many parts')));
    parser.on('filesLimit', () => fail(new UploadRefusedError(400, 'only one file per upload')));
    parser.on('fieldsLimit', () => fail(new UploadRefusedError(400, 'too many fields')));
    parser.on('error', () =>
      fail(new UploadRefusedError(400, 'malformed multipart/form-data request')),
    );
    parser.on('close', () => {
      finished = true;
      if (!failure) settle();
    });
    // The client went away before the body was complete: the file stream must fail, not hang.
    req.on('close', () => {
      if (!req.complete) {
        const error = new UploadRefusedError(400, 'the upload was interrupted');
        parser.destroy(error);
        fail(error);
      }
    });
    req.pipe(parser);
  });
}

function tooLarge(maxBytes: number): UploadRefusedError {
  return new UploadRefusedError(413, `the file is larger than the ${maxBytes}-byte limit`);
}

function quotaExceeded(overrun: QuotaOverrun): UploadRefusedError {
  return new UploadRefusedError(
    413,
    `the storage quota is ${overrun.quotaBytes} bytes and ${overrun.usedBytes} are used: ` +
      `the file does not fit`,
    'file',
    overrun,
  );
}
