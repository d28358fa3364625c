import { useState, type FormEvent } from 'react';
import type { Schemas } from '../api/client';
import { CreativeFields } from './CreativeFields';
import { fromSettings, toSettings } from './creative-draft';
import { Field } from './ui';

export type Settings = Schemas['ProjectSettingsDto'];

const MODES = ['AUTO', 'MANUAL'] as const;
const FORMATS = ['MP4', 'MOV', 'AVI'] as const;
const QUALITIES = ['LOW', 'MEDIUM', 'HIGH', 'ULTRA'] as const;
const RATIOS = ['16:9', '9:16', '1:1', '4:5'] as const;

export const DEFAULT_SETTINGS: Settings = {
  mixingMode: 'AUTO',
  outputFormat: 'MP4',
  quality: 'MEDIUM',
  outputCount: 4,
};

/**
 * Project name and settings, the creative ones included (renditions, sound, look, logo);
 * `errors` are the API's problems keyed by field path. `projectId`: a saved project, whose
 * brand assets (logo, music) can be chosen and uploaded.
 */
export function SettingsForm({
  initialName,
  initial,
  errors,
  submitLabel,
  busy,
  onSubmit,
  projectId,
}: {
  initialName: string;
  initial: Settings;
  errors: Record<string, string>;
  submitLabel: string;
  busy?: boolean;
  onSubmit(name: string, settings: Settings): void;
  projectId?: string;
}) {
  const [name, setName] = useState(initialName);
  const [s, setS] = useState<Settings>(initial);
  const [creative, setCreative] = useState(() => fromSettings(initial));
  const [metadata, setMetadata] = useState(
    Object.entries(initial.metadata?.static ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  const err = (f: string) => errors[`settings.${f}`] ?? errors[f];

  function submit(e: FormEvent) {
    e.preventDefault();
    const entries = metadata
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const i = l.indexOf('=');
        return i < 0 ? [l, ''] : [l.slice(0, i).trim(), l.slice(i + 1).trim()];
      });
    const settings: Settings = {
      mixingMode: s.mixingMode,
      outputFormat: s.outputFormat,
      quality: s.quality,
      outputCount: Number(s.outputCount),
      ...(s.aspectRatio ? { aspectRatio: s.aspectRatio } : {}),
      ...(entries.length || s.metadata
        ? { metadata: { ...s.metadata, static: Object.fromEntries(entries) } }
        : {}),
      ...(s.outputNameTemplate ? { outputNameTemplate: s.outputNameTemplate } : {}),
      ...toSettings(creative),
    };
    onSubmit(name, settings);
  }

  const select = (
    field: 'mixingMode' | 'outputFormat' | 'quality',
    label: string,
    values: readonly string[],
  ) => (
    <Field label={label} id={`settings-${field}`} error={err(field)}>
      <select
        id={`settings-${field}`}
        value={s[field]}
        onChange={(e) => setS({ ...s, [field]: e.target.value })}
      >
        {values.map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
    </Field>
  );

  return (
    <form className="settings" onSubmit={submit} noValidate>
      <Field label="Project name" id="project-name" error={errors.name}>
        <input id="project-name" value={name} onChange={(e) => setName(e.target.value)} required />
      </Field>
      <div className="grid">
        {select('mixingMode', 'Mixing mode', MODES)}
        {select('outputFormat', 'Format', FORMATS)}
        {select('quality', 'Quality', QUALITIES)}
        <Field label="Aspect ratio" id="settings-aspectRatio" error={err('aspectRatio')}>
          <select
            id="settings-aspectRatio"
            value={s.aspectRatio ?? ''}
            onChange={(e) =>
              setS({ ...s, aspectRatio: (e.target.value || undefined) as Settings['aspectRatio'] })
            }
          >
            <option value="">From the first clip</option>
            {RATIOS.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </Field>
        <Field label="Videos per job" id="settings-outputCount" error={err('outputCount')}>
          <input
            id="settings-outputCount"
            type="number"
            min={1}
            value={String(s.outputCount)}
            onChange={(e) => setS({ ...s, outputCount: e.target.value as unknown as number })}
          />
        </Field>
        <Field
          label="Output name template"
          id="settings-outputNameTemplate"
          error={err('outputNameTemplate')}
          hint="e.g. {project}-{index}-{groups}"
        >
          <input
            id="settings-outputNameTemplate"
            value={s.outputNameTemplate ?? ''}
            onChange={(e) => setS({ ...s, outputNameTemplate: e.target.value })}
          />
        </Field>
      </div>
      <Field
        label="Metadata (one key=value a line)"
        id="settings-metadata"
        error={err('metadata') ?? err('metadata.static')}
      >
        <textarea
          id="settings-metadata"
          rows={3}
          value={metadata}
          onChange={(e) => setMetadata(e.target.value)}
        />
      </Field>
      <label className="check">
        <input
          type="checkbox"
          checked={!!s.metadata?.includeDynamic}
          onChange={(e) =>
            setS({ ...s, metadata: { ...s.metadata, includeDynamic: e.target.checked } })
          }
        />
        Also embed sources, combination, job and time
      </label>
      <CreativeFields
        draft={creative}
        onChange={setCreative}
        errors={errors}
        defaults={{
          format: s.outputFormat,
          quality: s.quality,
          aspectRatio: s.aspectRatio ?? '',
        }}
        projectId={projectId}
      />
      <button type="submit" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
