/** Messages travel as UTF-8 JSON. */
export const encodeJson = (value: unknown): Uint8Array =>
  new TextEncoder().encode(JSON.stringify(value));
export const decodeJson = (data: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(data));
