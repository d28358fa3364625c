import { useCallback, useEffect, useRef, useState, type MouseEvent } from 'react';
import { api, ApiError, describeError, ok, type Schemas } from '../api/client';
import { Link } from '../router';
import { useSession } from '../session';
import { ErrorMessage, formatBytes, formatDuration, Progress } from '../components/ui';

type Job = Schemas['JobDto'];
const FINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];
/** How long the archive's signed link lives; a click near its end asks for a fresh one. */
const ARCHIVE_LINK_SECONDS = 15 * 60;

/** Saves a blob or URL under a file name through a temporary <a download>. */
function save(href: string, filename: string) {
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/**
 * Live job: the events stream (EventSource with a short-lived stream token, as it cannot send
 * headers) triggers a fresh GET /jobs/:id; without the token route, polling every 2 s.
 */
function useLiveJob(id: string) {
  const [job, setJob] = useState<Job>();
  const [error, setError] = useState<string>();
  const [live, setLive] = useState<'stream' | 'polling' | 'done'>();

  const refresh = useCallback(async () => {
    try {
      const j = ok(await api.GET('/api/v1/jobs/{id}', { params: { path: { id } } }));
      setJob(j);
      return j;
    } catch (e) {
      setError(describeError(e).message);
      return undefined;
    }
  }, [id]);

  useEffect(() => {
    let stopped = false;
    let source: EventSource | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const poll = async () => {
      if (stopped) return;
      setLive('polling');
      const j = await refresh();
      if (j && FINAL.includes(j.status)) return setLive('done');
      timer = setTimeout(() => void poll(), 2000);
    };

    void (async () => {
      const first = await refresh();
      if (stopped || !first) return;
      if (FINAL.includes(first.status)) return setLive('done');
      let token: string;
      try {
        token = ok(
          await api.POST('/api/v1/jobs/{id}/events/token', { params: { path: { id } } }),
        ).token;
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) setError(describeError(e).message);
        return void poll();
      }
      if (stopped) return;
      source = new EventSource(
        `/api/v1/jobs/${encodeURIComponent(id)}/events?token=${encodeURIComponent(token)}`,
      );
      setLive('stream');
      let pendingRefresh: ReturnType<typeof setTimeout> | undefined;
      const onEvent = () => {
        clearTimeout(pendingRefresh);
        pendingRefresh = setTimeout(() => void refresh(), 150);
      };
      source.addEventListener('progress', onEvent);
      source.addEventListener('status', onEvent);
      source.onerror = () => {
        // The server ends the stream after the final state; anything else: poll instead.
        source?.close();
        if (!stopped) void poll();
      };
    })();
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(timer);
    };
  }, [id, refresh]);

  return { job, error, live, refresh };
}

/**
 * The archive's signed link (POST /jobs/:id/archive/link) once the job is done: "Download all"
 * is a plain <a href download> to it, so the browser streams the ZIP to disk (nothing is held in
 * the page's memory). A click on a link about to expire fetches a fresh one first.
 */
function useArchiveLink(id: string, ready: boolean) {
  const [link, setLink] = useState<{ url: string; expiresAt: number }>();
  const [error, setError] = useState<string>();
  const fresh = useCallback(async () => {
    const l = ok(
      await api.POST('/api/v1/jobs/{id}/archive/link', {
        params: { path: { id } },
        body: { expiresInSeconds: ARCHIVE_LINK_SECONDS },
      }),
    );
    const made = { url: l.url, expiresAt: new Date(l.expiresAt).getTime() };
    setLink(made);
    return made;
  }, [id]);
  useEffect(() => {
    if (!ready) return;
    setError(undefined);
    fresh().catch((e) => setError(describeError(e).message));
  }, [ready, fresh]);
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (link && link.expiresAt - Date.now() > 60_000) return; // the browser follows it
    e.preventDefault();
    fresh().then(
      (l) => save(l.url, `job-${id}.zip`),
      (err) => setError(describeError(err).message),
    );
  };
  return { link, error, onClick };
}

export function JobPage({ id }: { id: string }) {
  const { refreshBalance } = useSession();
  const { job, error: loadError, live, refresh } = useLiveJob(id);
  const [error, setError] = useState<string>();
  const final = job ? FINAL.includes(job.status) : false;
  const archive = useArchiveLink(id, job?.status === 'COMPLETED');
  const names = useOutputNames(id, job?.outputs?.length ?? 0);

  useEffect(() => {
    if (final) void refreshBalance();
  }, [final, refreshBalance]);

  async function cancel() {
    try {
      ok(await api.POST('/api/v1/jobs/{id}/cancel', { params: { path: { id } } }));
      await refresh();
    } catch (e) {
      setError(describeError(e).message);
    }
  }

  if (!job)
    return (
      <section>
        <ErrorMessage message={loadError} />
        {!loadError && <p>Loading…</p>}
      </section>
    );
  return (
    <section>
      <p className="crumbs">
        <Link href="/">Projects</Link> / <Link href={`/projects/${job.projectId}`}>Project</Link> /
      </p>
      <div className="title-row">
        <h1>Job</h1>
        <span className={`status ${job.status}`} data-testid="job-status">
          {job.status}
        </span>
        {!final && (
          <button type="button" className="danger" onClick={() => void cancel()}>
            Cancel job
          </button>
        )}
        {job.status === 'COMPLETED' && (
          <a
            className="button"
            href={archive.link?.url ?? `/jobs/${encodeURIComponent(id)}`}
            download={`job-${id}.zip`}
            onClick={archive.onClick}
          >
            Download all (ZIP)
          </a>
        )}
      </div>
      <Progress value={job.progress} label="Job progress" />
      <p className="muted" aria-live="polite">
        {job.outputs?.length ?? 0} of {job.outputCount} videos ready · {job.creditsReserved} credits
        reserved
        {live === 'stream' ? ' · live' : live === 'polling' ? ' · refreshing every 2 s' : ''}
      </p>
      {job.errorMessage && <p className="error">{job.errorMessage}</p>}
      <ErrorMessage message={error ?? archive.error ?? loadError} />
      <Gallery outputs={job.outputs ?? []} names={names} />
    </section>
  );
}

/** The outputs as they finish; with several renditions, one list per rendition. */
function Gallery({
  outputs,
  names,
}: {
  outputs: Schemas['OutputDto'][];
  names: Map<string, string>;
}) {
  const renditions = [...new Set(outputs.map((o) => o.rendition))].sort((a, b) => a - b);
  const list = (items: Schemas['OutputDto'][], label: string) => (
    <ul className="gallery" aria-label={label}>
      {items.map((o) => (
        <OutputCard key={o.id} output={o} name={names.get(o.id) ?? o.filename} />
      ))}
    </ul>
  );
  if (renditions.length <= 1 && !outputs.some((o) => o.rendition > 0))
    return list(outputs, 'Videos');
  return (
    <>
      {renditions.map((r) => {
        const items = outputs.filter((o) => o.rendition === r);
        return (
          <section key={r} aria-labelledby={`rendition-${r}`} data-testid={`rendition-${r + 1}`}>
            <h2 id={`rendition-${r}`}>
              Rendition {r + 1} <span className="muted">({items.length} videos)</span>
            </h2>
            {list(items, `Videos of rendition ${r + 1}`)}
          </section>
        );
      })}
    </>
  );
}

/** The outputs' names from the job's manifest (as in the archive), refreshed as outputs arrive. */
function useOutputNames(jobId: string, count: number): Map<string, string> {
  const [names, setNames] = useState(new Map<string, string>());
  useEffect(() => {
    if (count === 0) return;
    api
      .GET('/api/v1/jobs/{id}/manifest', { params: { path: { id: jobId } } })
      .then(ok)
      .then(
        (m) => setNames(new Map(m.outputs.map((o) => [o.id, o.name]))),
        () => undefined, // no manifest: the file names stay
      );
  }, [jobId, count]);
  return names;
}

function OutputCard({ output, name }: { output: Schemas['OutputDto']; name: string }) {
  const [poster, setPoster] = useState<string>();
  const [src, setSrc] = useState<string>();
  const [error, setError] = useState<string>();
  /** The frame size, from the poster (a frame of the output's first clip, as rendered). */
  const [size, setSize] = useState<string>();
  const posterRef = useRef<string>(undefined);

  useEffect(() => {
    let gone = false;
    api
      .GET('/api/v1/outputs/{id}/poster', { params: { path: { id: output.id } }, parseAs: 'blob' })
      .then(ok)
      .then((blob) => {
        if (gone) return;
        posterRef.current = URL.createObjectURL(blob);
        setPoster(posterRef.current);
      })
      .catch(() => undefined); // no poster: the placeholder stays
    return () => {
      gone = true;
      if (posterRef.current) URL.revokeObjectURL(posterRef.current);
    };
  }, [output.id]);

  const link = async () =>
    ok(
      await api.POST('/api/v1/outputs/{id}/link', {
        params: { path: { id: output.id } },
        body: { expiresInSeconds: 3600 },
      }),
    ).url;
  const play = () => link().then(setSrc, (e) => setError(describeError(e).message));
  const download = () =>
    link().then(
      (url) => save(url, name),
      (e) => setError(describeError(e).message),
    );

  return (
    <li className="card output" data-testid="output">
      {src ? (
        <video
          src={src}
          poster={poster}
          controls
          autoPlay
          muted
          playsInline
          aria-label={`Video ${name}`}
        />
      ) : poster ? (
        <img
          src={poster}
          alt={`First frame of ${name}`}
          onLoad={(e) =>
            setSize(`${e.currentTarget.naturalWidth}×${e.currentTarget.naturalHeight}`)
          }
        />
      ) : (
        <div className="thumb big" aria-hidden="true">
          <span>▶</span>
        </div>
      )}
      <h3 title={name}>{name}</h3>
      <p className="muted">
        {formatDuration(output.duration)} · {formatBytes(output.size)}
        {size && <span data-testid="output-size"> · {size}</span>}
      </p>
      <ErrorMessage message={error} />
      <div className="actions">
        {!src && (
          <button type="button" onClick={() => void play()}>
            Play<span className="sr-only"> {name}</span>
          </button>
        )}
        <button type="button" className="secondary" onClick={() => void download()}>
          Download<span className="sr-only"> {name}</span>
        </button>
      </div>
    </li>
  );
}
