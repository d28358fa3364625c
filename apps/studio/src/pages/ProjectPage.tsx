import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, describeError, ok, type Schemas } from '../api/client';
import { Link } from '../router';
import { SettingsForm, type Settings } from '../components/SettingsForm';
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
      <p className="muted">
        {project.settings.mixingMode} · {project.settings.outputFormat} · {project.settings.quality}{' '}
        · {project.settings.aspectRatio ?? 'aspect from first clip'} ·{' '}
        {project.settings.outputCount} videos per job
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
          />
        </div>
      )}
      <GroupBoard projectId={id} onChange={() => setBoardVersion((v) => v + 1)} />
      <PlanPanel projectId={id} boardVersion={boardVersion} />
      <JobsHistory projectId={id} />
    </section>
  );
}

export const isNotFound = (e: unknown) => e instanceof ApiError && e.status === 404;
