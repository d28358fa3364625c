import { useEffect, useState } from 'react';
import { api, ok, type Schemas } from '../../api/client';
import { Link } from '../../router';

export function JobsHistory({ projectId }: { projectId: string }) {
  const [jobs, setJobs] = useState<Schemas['JobDto'][]>([]);
  useEffect(() => {
    api
      .GET('/api/v1/projects/{id}/jobs', {
        params: { path: { id: projectId }, query: { limit: 50 } },
      })
      .then((r) => setJobs(ok(r).items))
      .catch(() => undefined);
  }, [projectId]);
  return (
    <div className="card">
      <h2>Jobs</h2>
      {jobs.length === 0 ? (
        <p className="muted">No jobs yet.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Started</th>
                <th>Status</th>
                <th>Videos</th>
                <th>Credits</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.id}>
                  <td>
                    <Link href={`/jobs/${j.id}`}>{new Date(j.createdAt).toLocaleString()}</Link>
                  </td>
                  <td>
                    <span className={`status ${j.status}`}>{j.status}</span> {j.progress}%
                  </td>
                  <td>{j.outputCount}</td>
                  <td>{j.creditsReserved}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
