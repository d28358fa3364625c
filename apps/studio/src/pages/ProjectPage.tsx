import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, describeError, ok, type Schemas } from '../api/client';
import { Link } from '../router';
import { SettingsForm, type Settings } from '../components/SettingsForm';
import { describeRendition } from '../components/creative-draft';
import { ErrorMessage } from '../components/ui';
import { GroupBoard } from './project/GroupBoard';
import { PlanPanel } from './project/PlanPanel';
import { JobsHistory } from './project/JobsHistory';

export function ProjectPage({ id }: { id: string }) {
  const [project, setProject] = useState<Schemas['ProjectDto']>();
  const [error, setError] = useState<{ message: string; fields: Record<string, string> }>();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState('');
  const [boardVersion, setBoardVersion] = useState(0);

  const load = useCallback(
    () =>
      api
        .GET('/api/v1/projects/{id}', { params: { path: { id } } })
        .then((r) => setProject(ok(r)))
        .catch((e) => setError(describeError(e))),
    [id],
  );
  useEffect(() => void load(), [load]);

  async function save(name: string, settings: Settings) {
    setError(undefined);
    setSaved('');
    try {
      setProject(
        ok(
          await api.PATCH('/api/v1/projects/{id}', {
            params: { path: { id } },
            body: { name, settings },
          }),
        ),
      );
      setSaved('Saved.');
      setEditing(false);
    } catch (e) {
      setError(describeError(e));
    }
  }

  if (!project)
    return (
      <section>
        <ErrorMessage message={error?.message} />
        {!error && <p>Loading…</p>}
      </section>
    );
  return (
    <section>
      <p className="crumbs">
        <Link href="/">Projects</Link> /
      </p>
      <div className="title-row">
        <h1>{project.name}</h1>
        <span className={`status ${project.status}`}>{project.status}</span>
        <button
          type="button"
          className="secondary"
          onClick={() => setEditing(!editing)}
          aria-expanded={editing}
        >
          Settings
        </button>
      </div>
      <p className="muted" data-testid="settings-summary">
        {settingsSummary(project.settings)}
      </p>
      {saved && (
        <p className="notice" role="status">
          {saved}
        </p>
      )}
      <ErrorMessage message={error?.message} />
      {editing && (
        <div className="card">
          <h2>Settings</h2>
          <SettingsForm
            initialName={project.name}
            initial={project.settings}
            errors={error?.fields ?? {}}
            submitLabel="Save settings"
            onSubmit={save}
            projectId={id}
          />
        </div>
      )}
      <GroupBoard projectId={id} onChange={() => setBoardVersion((v) => v + 1)} />
      <PlanPanel projectId={id} boardVersion={boardVersion} />
      <JobsHistory projectId={id} />
    </section>
  );
}

/** The settings in one line: mode, renditions (or format, quality, shape), count, treatments. */
function settingsSummary(st: Settings): string {
  const renditions = st.renditions?.length
    ? `${st.renditions.length} renditions: ${st.renditions.map((r) => describeRendition(r)).join(', ')}`
    : `${st.outputFormat} · ${st.quality} · ${st.aspectRatio ?? 'aspect from first clip'}`;
  return [
    st.mixingMode,
    renditions,
    `${st.outputCount} videos per job`,
    st.transition && st.transition.type !== 'cut'
      ? `${st.transition.type} ${st.transition.seconds ?? 0.3} s`
      : '',
    st.fill && st.fill !== 'pad' ? `fill: ${st.fill}` : '',
    st.loudness ? 'loudness evened' : '',
    st.watermark ? 'logo' : '',
    st.music ? 'music' : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

export const isNotFound = (e: unknown) => e instanceof ApiError && e.status === 404;
