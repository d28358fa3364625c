import { useEffect, useState, type ReactNode } from 'react';
import { assetUpload } from '@app/sdk';
import { api, describeError, ok, type Schemas } from '../api/client';
import {
  ASPECTS,
  CAPTION_POSITIONS,
  CORNERS,
  describeRendition,
  FILLS,
  FORMATS,
  FPS,
  MAX_RENDITIONS,
  QUALITIES,
  TRANSITIONS,
  type CreativeDraft,
  type RenditionDraft,
} from './creative-draft';
import { Field } from './ui';

type Asset = Schemas['AssetDto'];

/**
 * The creative settings inside the project's settings form: renditions, sound (loudness, music),
 * look (fill, fades, transition, caption style) and logo. Each topic is a disclosure (a native
 * <details>, keyboard operable) that opens by itself when the API refused one of its fields.
 */
export function CreativeFields({
  draft,
  onChange,
  errors,
  defaults,
  projectId,
}: {
  draft: CreativeDraft;
  onChange(draft: CreativeDraft): void;
  /** The API's problems keyed by field path (e.g. `settings.transition.seconds`). */
  errors: Record<string, string>;
  /** Where a first rendition starts from: the form's own format, quality and aspect ratio. */
  defaults: Pick<RenditionDraft, 'format' | 'quality' | 'aspectRatio'>;
  /** Assets (logo, music) exist only for a saved project. */
  projectId?: string;
}) {
  const assets = useAssets(projectId);
  const set = <K extends keyof CreativeDraft>(key: K, value: Partial<CreativeDraft[K]>) =>
    onChange({
      ...draft,
      [key]:
        typeof value === 'object' && !Array.isArray(value)
          ? { ...(draft[key] as object), ...value }
          : value,
    });
  const err = (field: string): string | undefined => errors[`settings.${field}`];
  /** Whether the API refused one of these fields, or a field under one (`renditions.1.codec`). */
  const invalid = (...fields: string[]) =>
    Object.keys(errors).some((k) =>
      fields.some((f) => k === `settings.${f}` || k.startsWith(`settings.${f}.`)),
    );

  const renditions = draft.renditions;
  const setRendition = (i: number, patch: Partial<RenditionDraft>) =>
    set(
      'renditions',
      renditions.map((r, j) => (j === i ? { ...r, ...patch } : r)),
    );
  const addRendition = () =>
    set('renditions', [...renditions, renditions.at(-1) ?? { ...defaults, fps: '', codec: '' }]);

  const assetName = (id: string) => assets.list.find((a) => a.id === id)?.originalName ?? 'a logo';
  const number = (
    id: string,
    label: ReactNode,
    value: string,
    onValue: (v: string) => void,
    opts: { error?: string; min?: number; max?: number; placeholder?: string; hint?: string },
  ) => (
    <Field label={label} id={id} error={opts.error} hint={opts.hint}>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        step="any"
        min={opts.min}
        max={opts.max}
        placeholder={opts.placeholder}
        value={value}
        onChange={(e) => onValue(e.target.value)}
      />
    </Field>
  );

  return (
    <div className="creative">
      <Section
        title="Renditions"
        summary={
          renditions.length
            ? renditions.map((r) => describeRendition(r)).join(' · ')
            : 'one, from format, quality and aspect ratio'
        }
        invalid={invalid('renditions')}
      >
        <p className="hint">
          Every video is rendered once in each rendition (the price and the licence count each
          file). None: one rendition, from Format, Quality and Aspect ratio above.
        </p>
        {err('renditions') && (
          <p className="error" role="alert" id="settings-renditions-error">
            {err('renditions')}
          </p>
        )}
        <ol className="renditions">
          {renditions.map((r, i) => {
            const id = (f: string) => `settings-renditions-${i}-${f}`;
            const label = (text: string) => (
              <>
                <span className="sr-only">Rendition {i + 1} </span>
                {text}
              </>
            );
            return (
              <li key={i}>
                <fieldset className="rendition">
                  <legend>Rendition {i + 1}</legend>
                  <div className="grid compact">
                    <Field
                      label={label('Shape')}
                      id={id('aspectRatio')}
                      error={err(`renditions.${i}.aspectRatio`)}
                    >
                      <select
                        id={id('aspectRatio')}
                        value={r.aspectRatio}
                        onChange={(e) =>
                          setRendition(i, {
                            aspectRatio: e.target.value as RenditionDraft['aspectRatio'],
                          })
                        }
                      >
                        <option value="">Project’s</option>
                        {ASPECTS.map((v) => (
                          <option key={v}>{v}</option>
                        ))}
                      </select>
                    </Field>
                    <Field
                      label={label('Format')}
                      id={id('format')}
                      error={err(`renditions.${i}.format`)}
                    >
                      <select
                        id={id('format')}
                        value={r.format}
                        onChange={(e) =>
                          setRendition(i, { format: e.target.value as RenditionDraft['format'] })
                        }
                      >
                        {FORMATS.map((v) => (
                          <option key={v}>{v}</option>
                        ))}
                      </select>
                    </Field>
                    <Field
                      label={label('Quality')}
                      id={id('quality')}
                      error={err(`renditions.${i}.quality`)}
                    >
                      <select
                        id={id('quality')}
                        value={r.quality}
                        onChange={(e) =>
                          setRendition(i, { quality: e.target.value as RenditionDraft['quality'] })
                        }
                      >
                        {QUALITIES.map((v) => (
                          <option key={v}>{v}</option>
                        ))}
                      </select>
                    </Field>
                    <Field
                      label={label('Frame rate')}
                      id={id('fps')}
                      error={err(`renditions.${i}.fps`)}
                    >
                      <select
                        id={id('fps')}
                        value={r.fps}
                        onChange={(e) =>
                          setRendition(i, { fps: e.target.value as RenditionDraft['fps'] })
                        }
                      >
                        <option value="">30 (default)</option>
                        {FPS.filter((v) => v !== '30').map((v) => (
                          <option key={v} value={v}>
                            {v === 'source'
                              ? 'As the clips (≤ 60)'
                              : `${v} where the clips have it`}
                          </option>
                        ))}
                      </select>
                    </Field>
                    <Field
                      label={label('Codec')}
                      id={id('codec')}
                      error={err(`renditions.${i}.codec`)}
                    >
                      <select
                        id={id('codec')}
                        value={r.codec}
                        onChange={(e) =>
                          setRendition(i, { codec: e.target.value as RenditionDraft['codec'] })
                        }
                      >
                        <option value="">H.264 (default)</option>
                        <option value="hevc">HEVC (MP4, MOV)</option>
                      </select>
                    </Field>
                  </div>
                  <button
                    type="button"
                    className="icon danger"
                    onClick={() =>
                      set(
                        'renditions',
                        renditions.filter((_, j) => j !== i),
                      )
                    }
                    aria-label={`Remove rendition ${i + 1}`}
                  >
                    Remove
                  </button>
                </fieldset>
              </li>
            );
          })}
        </ol>
        <button
          type="button"
          className="secondary"
          onClick={addRendition}
          disabled={renditions.length >= MAX_RENDITIONS}
        >
          Add rendition
        </button>
      </Section>

      <Section
        title="Look"
        summary={[
          draft.fill && `fill: ${draft.fill}`,
          draft.transition.type &&
            `${draft.transition.type}${draft.transition.seconds ? ` ${draft.transition.seconds} s` : ''}`,
          draft.fades && `fades ${draft.fades} s`,
        ]
          .filter(Boolean)
          .join(' · ')}
        invalid={invalid('fill', 'fades', 'transition', 'captions')}
      >
        <div className="grid compact">
          <Field
            label="Other shapes"
            id="settings-fill"
            error={err('fill')}
            hint="a clip of another shape than the output"
          >
            <select
              id="settings-fill"
              value={draft.fill}
              onChange={(e) => set('fill', e.target.value as CreativeDraft['fill'])}
            >
              <option value="">Bars (default)</option>
              {FILLS.filter((f) => f !== 'pad').map((f) => (
                <option key={f} value={f}>
                  {f === 'blur' ? 'Over a blurred copy' : 'Cropped at its focus'}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Transition"
            id="settings-transition-type"
            error={err('transition.type') ?? err('transition')}
          >
            <select
              id="settings-transition-type"
              value={draft.transition.type}
              onChange={(e) =>
                set('transition', { type: e.target.value as CreativeDraft['transition']['type'] })
              }
            >
              <option value="">None</option>
              {TRANSITIONS.map((t) => (
                <option key={t} value={t}>
                  {t === 'cut' ? 'Cut' : t === 'fade' ? 'Fade through black' : 'Crossfade'}
                </option>
              ))}
            </select>
          </Field>
          {draft.transition.type &&
            draft.transition.type !== 'cut' &&
            number(
              'settings-transition-seconds',
              'Transition seconds',
              draft.transition.seconds,
              (v) => set('transition', { seconds: v }),
              { error: err('transition.seconds'), min: 0, max: 5, placeholder: '0.3' },
            )}
          {number(
            'settings-fades-seconds',
            'Fade at clip edges (s)',
            draft.fades,
            (v) => set('fades', v),
            {
              error: err('fades.seconds') ?? err('fades'),
              min: 0,
              max: 5,
              placeholder: 'none',
            },
          )}
        </div>
        <fieldset>
          <legend>Captions (each clip’s text, set on the clip)</legend>
          <div className="grid compact">
            <Field
              label="Caption position"
              id="settings-captions-position"
              error={err('captions.position') ?? err('captions')}
            >
              <select
                id="settings-captions-position"
                value={draft.captions.position}
                onChange={(e) =>
                  set('captions', {
                    position: e.target.value as CreativeDraft['captions']['position'],
                  })
                }
              >
                <option value="">Bottom (default)</option>
                {CAPTION_POSITIONS.filter((p) => p !== 'bottom').map((p) => (
                  <option key={p} value={p}>
                    {p[0].toUpperCase() + p.slice(1)}
                  </option>
                ))}
              </select>
            </Field>
            {number(
              'settings-captions-fontSize',
              'Caption size',
              draft.captions.fontSize,
              (v) => set('captions', { fontSize: v }),
              {
                error: err('captions.fontSize'),
                min: 0.01,
                max: 0.5,
                placeholder: '0.05',
                hint: 'of the shorter side',
              },
            )}
            <Field
              label="Caption colour"
              id="settings-captions-color"
              error={err('captions.color')}
            >
              <input
                id="settings-captions-color"
                placeholder="#FFFFFF"
                value={draft.captions.color}
                onChange={(e) => set('captions', { color: e.target.value })}
              />
            </Field>
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={draft.captions.box}
              onChange={(e) => set('captions', { box: e.target.checked })}
            />
            A box behind the caption
          </label>
        </fieldset>
      </Section>

      <Section
        title="Sound"
        summary={[
          draft.loudness.on && `loudness ${draft.loudness.targetLufs || -14} LUFS`,
          draft.music.assetId &&
            `music: ${assets.list.find((a) => a.id === draft.music.assetId)?.originalName ?? 'a track'}`,
        ]
          .filter(Boolean)
          .join(' · ')}
        invalid={invalid('loudness', 'music')}
      >
        <label className="check">
          <input
            type="checkbox"
            checked={draft.loudness.on}
            onChange={(e) => set('loudness', { on: e.target.checked })}
          />
          Even out loudness (EBU R128)
        </label>
        {err('loudness') && (
          <small className="error" role="alert">
            {err('loudness')}
          </small>
        )}
        {draft.loudness.on && (
          <div className="grid compact">
            {number(
              'settings-loudness-targetLufs',
              'Target loudness (LUFS)',
              draft.loudness.targetLufs,
              (v) => set('loudness', { targetLufs: v }),
              { error: err('loudness.targetLufs'), min: -70, max: -5, placeholder: '-14' },
            )}
            {number(
              'settings-loudness-truePeakDb',
              'True peak (dBTP)',
              draft.loudness.truePeakDb,
              (v) => set('loudness', { truePeakDb: v }),
              { error: err('loudness.truePeakDb'), min: -9, max: 0, placeholder: '-1' },
            )}
          </div>
        )}
        <AssetPicker
          kind="audio"
          id="settings-music-assetId"
          label="Background music"
          projectId={projectId}
          assets={assets}
          value={draft.music.assetId}
          onChange={(assetId) => set('music', { assetId })}
          error={err('music.assetId') ?? err('music')}
        />
        {draft.music.assetId && (
          <>
            <div className="grid compact">
              {number(
                'settings-music-volume',
                'Music volume',
                draft.music.volume,
                (v) => set('music', { volume: v }),
                { error: err('music.volume'), min: 0, max: 4, placeholder: '0.3' },
              )}
              {number(
                'settings-music-fadeOutSeconds',
                'Music fade-out (s)',
                draft.music.fadeOutSeconds,
                (v) => set('music', { fadeOutSeconds: v }),
                { error: err('music.fadeOutSeconds'), min: 0, max: 30, placeholder: '1' },
              )}
            </div>
            <label className="check">
              <input
                type="checkbox"
                checked={draft.music.duck}
                onChange={(e) => set('music', { duck: e.target.checked })}
              />
              Lower the music while the clips sound
            </label>
          </>
        )}
      </Section>

      <Section
        title="Logo"
        summary={
          draft.watermark.assetId
            ? `${assetName(draft.watermark.assetId)}, ${draft.watermark.position || 'bottom-right'}`
            : ''
        }
        invalid={invalid('watermark')}
      >
        <AssetPicker
          kind="image"
          id="settings-watermark-assetId"
          label="Logo"
          projectId={projectId}
          assets={assets}
          value={draft.watermark.assetId}
          onChange={(assetId) => set('watermark', { assetId })}
          error={err('watermark.assetId') ?? err('watermark')}
        />
        {draft.watermark.assetId && (
          <div className="grid compact">
            <Field
              label="Logo corner"
              id="settings-watermark-position"
              error={err('watermark.position')}
            >
              <select
                id="settings-watermark-position"
                value={draft.watermark.position}
                onChange={(e) =>
                  set('watermark', {
                    position: e.target.value as CreativeDraft['watermark']['position'],
                  })
                }
              >
                <option value="">Bottom right (default)</option>
                {CORNERS.filter((c) => c !== 'bottom-right').map((c) => (
                  <option key={c} value={c}>
                    {c[0].toUpperCase() + c.slice(1).replace('-', ' ')}
                  </option>
                ))}
              </select>
            </Field>
            {number(
              'settings-watermark-scale',
              'Logo width',
              draft.watermark.scale,
              (v) => set('watermark', { scale: v }),
              {
                error: err('watermark.scale'),
                min: 0.01,
                max: 1,
                placeholder: '0.15',
                hint: 'of the video’s width',
              },
            )}
            {number(
              'settings-watermark-opacity',
              'Logo opacity',
              draft.watermark.opacity,
              (v) => set('watermark', { opacity: v }),
              {
                error: err('watermark.opacity'),
                min: 0,
                max: 1,
                placeholder: '0.8',
              },
            )}
            {number(
              'settings-watermark-margin',
              'Logo margin',
              draft.watermark.margin,
              (v) => set('watermark', { margin: v }),
              {
                error: err('watermark.margin'),
                min: 0,
                max: 0.5,
                placeholder: '0.03',
                hint: 'of the width, at a corner',
              },
            )}
            {number(
              'settings-watermark-x',
              'Logo x',
              draft.watermark.x,
              (v) => set('watermark', { x: v }),
              {
                error: err('watermark.x'),
                min: 0,
                max: 1,
                placeholder: 'corner',
                hint: '0–1 across, with y: instead of a corner',
              },
            )}
            {number(
              'settings-watermark-y',
              'Logo y',
              draft.watermark.y,
              (v) => set('watermark', { y: v }),
              {
                error: err('watermark.y'),
                min: 0,
                max: 1,
                placeholder: 'corner',
                hint: '0–1 down',
              },
            )}
          </div>
        )}
      </Section>
    </div>
  );
}

/** A disclosure of one topic; opens by itself when the API refused one of its fields. */
function Section({
  title,
  summary,
  invalid,
  children,
}: {
  title: string;
  summary: string;
  invalid: boolean;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(invalid);
  useEffect(() => {
    if (invalid) setOpen(true);
  }, [invalid]);
  return (
    <details
      className={`section${invalid ? ' invalid' : ''}`}
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>
        <span className="section-title">{title}</span>
        {summary && <span className="muted"> — {summary}</span>}
      </summary>
      {children}
    </details>
  );
}

interface Assets {
  list: Asset[];
  add(asset: Asset): void;
}

/** The project's brand assets (GET /projects/:id/assets); none for a project not yet saved. */
function useAssets(projectId?: string): Assets {
  const [list, setList] = useState<Asset[]>([]);
  useEffect(() => {
    if (!projectId) return;
    api
      .GET('/api/v1/projects/{id}/assets', { params: { path: { id: projectId } } })
      .then((r) => setList(ok(r).items))
      .catch(() => undefined); // the pickers stay empty; an upload still works
  }, [projectId]);
  return { list, add: (a) => setList((l) => [a, ...l.filter((x) => x.id !== a.id)]) };
}

/** Choose one of the project's images (logo) or sounds (music), or upload a new one. */
function AssetPicker({
  kind,
  id,
  label,
  projectId,
  assets,
  value,
  onChange,
  error,
}: {
  kind: 'image' | 'audio';
  id: string;
  label: string;
  projectId?: string;
  assets: Assets;
  value: string;
  onChange(assetId: string): void;
  error?: string;
}) {
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string>();
  if (!projectId)
    return (
      <p className="hint">
        {label}: save the project first, then upload {kind === 'image' ? 'a logo' : 'a track'} in
        its settings.
      </p>
    );
  const mine = assets.list.filter((a) => a.kind === kind);

  async function upload(file: File) {
    setUploading(true);
    setUploadError(undefined);
    try {
      const asset = ok(
        await api.POST('/api/v1/projects/{id}/assets', {
          params: { path: { id: projectId as string } },
          ...assetUpload(file, file.name),
        }),
      );
      assets.add(asset);
      if (asset.kind === kind) onChange(asset.id);
      else setUploadError(`${file.name} is ${asset.kind === 'image' ? 'an image' : 'a sound'}`);
    } catch (e) {
      const { message, fields } = describeError(e);
      setUploadError(fields.file ?? message);
    } finally {
      setUploading(false);
    }
  }

  return (
    <div className="asset-picker">
      <Field label={label} id={id} error={error}>
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">None</option>
          {mine.map((a) => (
            <option key={a.id} value={a.id}>
              {a.originalName}
              {a.resolution ? ` (${a.resolution})` : ''}
              {a.duration != null ? ` (${Math.round(a.duration)} s)` : ''}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label={kind === 'image' ? 'Upload a logo' : 'Upload music'}
        id={`${id}-upload`}
        error={uploadError}
        hint={
          kind === 'image'
            ? 'PNG, JPEG or WebP, up to 20 MB'
            : 'MP3, AAC, WAV or FLAC, up to 100 MB'
        }
      >
        <input
          id={`${id}-upload`}
          type="file"
          accept={kind === 'image' ? 'image/png,image/jpeg,image/webp' : 'audio/*'}
          disabled={uploading}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void upload(file);
            e.target.value = '';
          }}
        />
      </Field>
      {uploading && (
        <p className="muted" role="status">
          Uploading…
        </p>
      )}
    </div>
  );
}
