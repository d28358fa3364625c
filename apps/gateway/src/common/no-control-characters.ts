import { Matches } from 'class-validator';

/** For one-line names: no C0 control characters nor DEL (terminal escapes, NUL, line breaks). */
export const NoControlCharacters = () =>
  // eslint-disable-next-line no-control-regex
  Matches(/^[^\u0000-\u001f\u007f]*$/, {
    message: '$property must not contain control characters',
  });
