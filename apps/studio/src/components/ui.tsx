import type { ReactNode } from 'react';

/** A labelled form field with the API's problem for it, if any. */
export function Field({
  label,
  id,
  error,
  children,
  hint,
}: {
  /** Text, or text with a part for screen readers only (e.g. which rendition a field is of). */
  label: ReactNode;
  id: string;
  error?: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <small className="hint">{hint}</small>}
      {error && (
        <small className="error" id={`${id}-error`} role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

export function ErrorMessage({ message }: { message?: string }) {
  return message ? (
    <p className="error banner" role="alert">
      {message}
    </p>
  ) : null;
}

export function Progress({ value, label }: { value: number; label: string }) {
  return (
    <div className="progress">
      <progress max={100} value={value} aria-label={label} />
      <span>{Math.round(value)}%</span>
    </div>
  );
}

export function formatDuration(seconds?: number | null): string {
  if (seconds == null || Number.isNaN(seconds)) return '–';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function formatBytes(n?: number | null): string {
  if (n == null) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
