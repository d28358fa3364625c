import { useEffect, useState } from 'react';
import { api, ApiError, describeError, ok, type Schemas } from '../../api/client';
import { navigate } from '../../router';
import { useSession } from '../../session';
import { describeRendition } from '../../components/creative-draft';
import { ErrorMessage, formatDuration } from '../../components/ui';

/** What a job would render and cost (nothing spent), then start it. */
export function PlanPanel({
  projectId,
  boardVersion,
}: {
  projectId: string;
  boardVersion: number;
}) {
  const { refreshBalance } = useSession();
  const [plan, setPlan] = useState<Schemas['PlanDto']>();
  const [estimate, setEstimate] = useState<Schemas['EstimateDto']>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setPlan(undefined);
    setEstimate(undefined);
  }, [boardVersion]);

  async function preview() {
    setError(undefined);
    setBusy(true);
    try {
      setEstimate(
        ok(
          await api.POST('/api/v1/projects/{id}/jobs/estimate', {
            params: { path: { id: projectId } },
          }),
        ),
      );
      setPlan(
        ok(
          await api.POST('/api/v1/projects/{id}/plan', {
            params: { path: { id: projectId } },
            body: {},
          }),
        ),
      );
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) setError(describeError(e).message);
    } finally {
      setBusy(false);
    }
  }

  async function start() {
    setError(undefined);
    setBusy(true);
    try {
      const job = ok(
        await api.POST('/api/v1/projects/{id}/jobs', {
          params: { path: { id: projectId } },
          body: plan ? { seed: plan.seed } : {},
        }),
      );
      void refreshBalance();
      navigate(`/jobs/${job.id}`);
    } catch (e) {
      setError(describeError(e).message);
      setBusy(false);
    }
  }

  const credits = plan?.credits ?? estimate?.credits;
  const renditions = plan?.renditions ?? [];
  const several = renditions.length > 1;
  return (
    <div className="card plan">
      <div className="title-row">
        <h2>Plan</h2>
        <button type="button" className="secondary" onClick={() => void preview()} disabled={busy}>
          Preview plan
        </button>
      </div>
      <ErrorMessage message={error} />
      {credits != null && (
        <p className="big" data-testid="plan-summary">
          {plan?.combinations.length ?? estimate?.outputs} videos
          {estimate ? ` of ${estimate.combinationsAvailable} possible` : ''}
          {several
            ? ` × ${renditions.length} renditions = ${estimate?.outputs ?? ''} files`
            : ''} · <strong>{credits} credits</strong>
        </p>
      )}
      {estimate?.licenceProblem && <p className="error">{estimate.licenceProblem}</p>}
      {plan && (
        <div data-testid="plan-renditions">
          <h3>{several ? 'Each video in every rendition' : 'Rendition'}</h3>
          <ol className="plan-renditions">
            {renditions.map((r) => (
              <li key={r.index}>{describeRendition(r)}</li>
            ))}
          </ol>
        </div>
      )}
      {plan && (
        <div className="table-scroll">
          <table>
            <caption className="sr-only">The videos the job would render</caption>
            <thead>
              <tr>
                <th>#</th>
                <th>{several ? 'Files' : 'Name'}</th>
                <th>Clips</th>
                <th>Duration</th>
              </tr>
            </thead>
            <tbody>
              {plan.combinations.map((c) => (
                <tr key={c.index}>
                  <td>{c.index + 1}</td>
                  <td>
                    {(c.names ?? [c.name]).map((n) => (
                      <div key={n}>{n}</div>
                    ))}
                  </td>
                  <td>{c.clips.map((k) => `${k.groupName}: ${k.originalName}`).join(' → ')}</td>
                  <td>{formatDuration(c.durationSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {credits != null && (
        <button type="button" onClick={() => void start()} disabled={busy}>
          Start job ({credits} credits)
        </button>
      )}
    </div>
  );
}
