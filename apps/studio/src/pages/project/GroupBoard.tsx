import { useCallback, useEffect, useState, type DragEvent, type FormEvent } from 'react';
import { api, describeError, ok, type Schemas } from '../../api/client';
import { uploadVideo } from '../../api/upload';
import { ErrorMessage, Field, formatDuration, Progress } from '../../components/ui';

type Group = Schemas['GroupDto'];
type Video = Schemas['VideoDto'];
interface Upload {
  key: string;
  groupId: string;
  name: string;
  progress: number;
  error?: string;
}

const GROUP_TYPE = 'application/x-vmp-group';
const CLIP_TYPE = 'application/x-vmp-clip';

async function allVideos(projectId: string): Promise<Video[]> {
  const videos: Video[] = [];
  for (let page = 1; ; page++) {
    const res = ok(
      await api.GET('/api/v1/projects/{id}/videos', {
        params: { path: { id: projectId }, query: { page, limit: 100 } },
      }),
    );
    videos.push(...res.items);
    if (videos.length >= res.total || res.items.length === 0) return videos;
  }
}

/** Groups as columns: reorder by drag or buttons, drop files to upload, drag clips between groups. */
export function GroupBoard({ projectId, onChange }: { projectId: string; onChange(): void }) {
  const [groups, setGroups] = useState<Group[]>([]);
  const [videos, setVideos] = useState<Video[]>([]);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [name, setName] = useState('');
  const [over, setOver] = useState<string>();
  const [error, setError] = useState<{ message: string; fields: Record<string, string> }>();

  const load = useCallback(async () => {
    const [g, v] = await Promise.all([
      api.GET('/api/v1/projects/{id}/groups', { params: { path: { id: projectId } } }).then(ok),
      allVideos(projectId),
    ]);
    setGroups([...g].sort((a, b) => a.order - b.order));
    setVideos(v);
  }, [projectId]);
  useEffect(() => {
    load().catch((e) => setError(describeError(e)));
  }, [load]);

  const attempt = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
      onChange();
    } catch (e) {
      setError(describeError(e));
      await load().catch(() => undefined);
    }
  };

  const addGroup = (e: FormEvent) => {
    e.preventDefault();
    void attempt(async () => {
      const order = groups.reduce((m, g) => Math.max(m, g.order + 1), 0);
      const g = ok(
        await api.POST('/api/v1/projects/{id}/groups', {
          params: { path: { id: projectId } },
          body: { name, order },
        }),
      );
      setGroups([...groups, g]);
      setName('');
    });
  };

  const reorder = (ids: string[]) =>
    attempt(async () => {
      const byId = new Map(groups.map((g) => [g.id, g]));
      setGroups(ids.map((id) => byId.get(id) as Group));
      const res = ok(
        await api.PUT('/api/v1/projects/{id}/groups/order', {
          params: { path: { id: projectId } },
          body: { groups: ids.map((id, order) => ({ id, order })) },
        }),
      );
      setGroups([...res].sort((a, b) => a.order - b.order));
    });

  const move = (groupId: string, by: number) => {
    const ids = groups.map((g) => g.id);
    const i = ids.indexOf(groupId);
    const j = i + by;
    if (j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    void reorder(ids);
  };

  const moveClip = (videoId: string, groupId: string) =>
    attempt(async () => {
      const v = ok(
        await api.PATCH('/api/v1/projects/{id}/videos/{videoId}', {
          params: { path: { id: projectId, videoId } },
          body: { groupId },
        }),
      );
      setVideos((vs) => vs.map((x) => (x.id === v.id ? v : x)));
    });

  const saved = (v: Video) => setVideos((vs) => vs.map((x) => (x.id === v.id ? v : x)));

  const removeClip = (videoId: string) =>
    attempt(async () => {
      ok(
        await api.DELETE('/api/v1/projects/{id}/videos/{videoId}', {
          params: { path: { id: projectId, videoId } },
        }),
      );
      setVideos((vs) => vs.filter((x) => x.id !== videoId));
    });

  const removeGroup = (groupId: string) =>
    attempt(async () => {
      ok(
        await api.DELETE('/api/v1/projects/{id}/groups/{groupId}', {
          params: { path: { id: projectId, groupId } },
        }),
      );
      await load();
    });

  function upload(groupId: string, files: FileList | File[]) {
    for (const file of Array.from(files)) {
      const key = `${groupId}:${file.name}:${Math.random().toString(36).slice(2)}`;
      const patch = (p: Partial<Upload>) =>
        setUploads((us) => us.map((u) => (u.key === key ? { ...u, ...p } : u)));
      setUploads((us) => [...us, { key, groupId, name: file.name, progress: 0 }]);
      uploadVideo(projectId, file, groupId, (f) => patch({ progress: f * 100 }))
        .then((v) => {
          setVideos((vs) => [...vs, v]);
          setUploads((us) => us.filter((u) => u.key !== key));
          onChange();
        })
        .catch((e: Error) => patch({ error: e.message }));
    }
  }

  function onDrop(groupId: string, e: DragEvent) {
    e.preventDefault();
    setOver(undefined);
    const dt = e.dataTransfer;
    if (dt.files.length) return upload(groupId, dt.files);
    const clip = dt.getData(CLIP_TYPE);
    if (clip) return void moveClip(clip, groupId);
    const dragged = dt.getData(GROUP_TYPE);
    if (dragged && dragged !== groupId) {
      const ids = groups.map((g) => g.id).filter((id) => id !== dragged);
      ids.splice(
        ids.indexOf(groupId) +
          (groups.findIndex((g) => g.id === dragged) < groups.findIndex((g) => g.id === groupId)
            ? 1
            : 0),
        0,
        dragged,
      );
      void reorder(ids);
    }
  }

  const ungrouped = videos.filter((v) => !v.groupId || !groups.some((g) => g.id === v.groupId));

  return (
    <div className="board-wrap">
      <div className="title-row">
        <h2>Groups</h2>
        <form className="inline" onSubmit={addGroup}>
          <label htmlFor="group-name" className="sr-only">
            New group name
          </label>
          <input
            id="group-name"
            placeholder="New group (e.g. Hooks)"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit">Add group</button>
        </form>
      </div>
      <ErrorMessage message={error?.message} />
      {groups.length === 0 && (
        <p className="muted">
          Add groups (hooks, bodies, CTAs…): every video takes one clip from each, in order.
        </p>
      )}
      <ol className="board" aria-label="Groups, in the order clips are joined">
        {groups.map((g, i) => {
          const clips = videos.filter((v) => v.groupId === g.id);
          return (
            <li
              key={g.id}
              className={`column${over === g.id ? ' over' : ''}`}
              data-testid={`group-${g.name}`}
              onDragOver={(e) => {
                e.preventDefault();
                setOver(g.id);
              }}
              onDragLeave={() => setOver(undefined)}
              onDrop={(e) => onDrop(g.id, e)}
            >
              <header
                draggable
                onDragStart={(e) => {
                  e.dataTransfer.setData(GROUP_TYPE, g.id);
                  e.dataTransfer.effectAllowed = 'move';
                }}
                title="Drag to reorder"
              >
                <h3>
                  <span className="order">{i + 1}</span> {g.name}
                </h3>
                <div className="actions">
                  <button
                    type="button"
                    className="icon"
                    onClick={() => move(g.id, -1)}
                    disabled={i === 0}
                    aria-label={`Move ${g.name} left`}
                  >
                    ←
                  </button>
                  <button
                    type="button"
                    className="icon"
                    onClick={() => move(g.id, 1)}
                    disabled={i === groups.length - 1}
                    aria-label={`Move ${g.name} right`}
                  >
                    →
                  </button>
                  <button
                    type="button"
                    className="icon danger"
                    onClick={() => void removeGroup(g.id)}
                    aria-label={`Delete group ${g.name}`}
                  >
                    ×
                  </button>
                </div>
              </header>
              <ul className="clips">
                {clips.map((v) => (
                  <Clip
                    projectId={projectId}
                    key={v.id}
                    video={v}
                    groups={groups}
                    onMove={moveClip}
                    onRemove={removeClip}
                    onSaved={saved}
                  />
                ))}
                {uploads
                  .filter((u) => u.groupId === g.id)
                  .map((u) => (
                    <li key={u.key} className={`clip uploading${u.error ? ' refused' : ''}`}>
                      <span className="clip-name">{u.name}</span>
                      {u.error ? (
                        <>
                          <small className="error" role="alert">
                            {u.error}
                          </small>
                          <button
                            type="button"
                            className="icon"
                            aria-label={`Dismiss ${u.name}`}
                            onClick={() => setUploads((us) => us.filter((x) => x.key !== u.key))}
                          >
                            ×
                          </button>
                        </>
                      ) : (
                        <Progress value={u.progress} label={`Uploading ${u.name}`} />
                      )}
                    </li>
                  ))}
              </ul>
              <label className="dropzone">
                <span>Drop clips here or choose files</span>
                <input
                  type="file"
                  accept="video/*"
                  multiple
                  aria-label={`Add clips to ${g.name}`}
                  data-testid={`upload-${g.name}`}
                  onChange={(e) => {
                    if (e.target.files) upload(g.id, e.target.files);
                    e.target.value = '';
                  }}
                />
              </label>
            </li>
          );
        })}
      </ol>
      {ungrouped.length > 0 && (
        <div className="card">
          <h3>Not in a group</h3>
          <ul className="clips row">
            {ungrouped.map((v) => (
              <Clip
                key={v.id}
                projectId={projectId}
                video={v}
                groups={groups}
                onMove={moveClip}
                onRemove={removeClip}
                onSaved={saved}
              />
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function Clip({
  projectId,
  video,
  groups,
  onMove,
  onRemove,
  onSaved,
}: {
  projectId: string;
  video: Video;
  groups: Group[];
  onMove(videoId: string, groupId: string): void;
  onRemove(videoId: string): void;
  onSaved(video: Video): void;
}) {
  const thumbnail = useThumbnail(projectId, video.id);
  const [editing, setEditing] = useState(false);
  return (
    <li
      className={`clip${editing ? ' editing' : ''}`}
      draggable={!editing}
      data-testid="clip"
      onDragStart={(e) => {
        e.dataTransfer.setData(CLIP_TYPE, video.id);
        e.dataTransfer.effectAllowed = 'move';
      }}
    >
      <ClipThumbnail video={video} src={thumbnail} />
      <div className="clip-info">
        <span className="clip-name" title={video.originalName}>
          {video.originalName}
        </span>
        <small className="muted">
          {formatDuration(video.duration)} · {video.resolution ?? ''}
        </small>
        {video.caption && (
          <small className="clip-caption" title={video.caption} data-testid="clip-caption">
            “{video.caption}”
          </small>
        )}
        <div className="actions">
          <label className="sr-only" htmlFor={`move-${video.id}`}>
            Group of {video.originalName}
          </label>
          <select
            id={`move-${video.id}`}
            value={video.groupId ?? ''}
            onChange={(e) => onMove(video.id, e.target.value)}
          >
            {!video.groupId && <option value="">(none)</option>}
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="icon"
            onClick={() => setEditing(!editing)}
            aria-expanded={editing}
            aria-label={`Caption and focus of ${video.originalName}`}
            title="Caption and focus"
          >
            Aa
          </button>
          <button
            type="button"
            className="icon danger"
            onClick={() => onRemove(video.id)}
            aria-label={`Delete ${video.originalName}`}
          >
            ×
          </button>
        </div>
      </div>
      {editing && (
        <ClipEditor
          projectId={projectId}
          video={video}
          thumbnail={thumbnail}
          onSaved={(v) => {
            onSaved(v);
            setEditing(false);
          }}
          onCancel={() => setEditing(false)}
        />
      )}
    </li>
  );
}

/**
 * A clip's caption (drawn on it) and focus (what "Cropped at its focus" keeps): PATCH
 * /projects/:id/videos/:videoId, the API's problems by their fields. The focus is typed, or
 * picked by clicking the thumbnail.
 */
function ClipEditor({
  projectId,
  video,
  thumbnail,
  onSaved,
  onCancel,
}: {
  projectId: string;
  video: Video;
  thumbnail: string | null;
  onSaved(video: Video): void;
  onCancel(): void;
}) {
  const [caption, setCaption] = useState(video.caption ?? '');
  const [x, setX] = useState(video.focus ? String(video.focus.x) : '');
  const [y, setY] = useState(video.focus ? String(video.focus.y) : '');
  const [error, setError] = useState<{ message: string; fields: Record<string, string> }>();
  const id = (f: string) => `clip-${video.id}-${f}`;
  const num = (v: string) => (v.trim() === '' ? undefined : Number(v));

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      const focus = x.trim() === '' && y.trim() === '' ? null : { x: num(x), y: num(y) };
      onSaved(
        ok(
          await api.PATCH('/api/v1/projects/{id}/videos/{videoId}', {
            params: { path: { id: projectId, videoId: video.id } },
            body: {
              caption: caption.trim() ? caption : null,
              focus: focus as { x: number; y: number } | null,
            },
          }),
        ),
      );
    } catch (err) {
      setError(describeError(err));
    }
  }

  const fx = num(x);
  const fy = num(y);
  return (
    <form className="clip-editor" onSubmit={save} noValidate>
      <Field
        label={
          <>
            Caption<span className="sr-only"> of {video.originalName}</span>
          </>
        }
        id={id('caption')}
        error={error?.fields.caption}
      >
        <input id={id('caption')} value={caption} onChange={(e) => setCaption(e.target.value)} />
      </Field>
      {thumbnail && (
        // A mouse shortcut for the two fields below (which the keyboard uses): hidden from AT.
        <div
          className="focus-picker"
          aria-hidden="true"
          title="Click where the crop should keep the picture"
          onClick={(e) => {
            const box = e.currentTarget.getBoundingClientRect();
            const round = (v: number) =>
              String(Math.round(Math.min(1, Math.max(0, v)) * 100) / 100);
            setX(round((e.clientX - box.left) / box.width));
            setY(round((e.clientY - box.top) / box.height));
          }}
        >
          <img src={thumbnail} alt="" />
          {fx !== undefined && fy !== undefined && !Number.isNaN(fx) && !Number.isNaN(fy) && (
            <span className="focus-dot" style={{ left: `${fx * 100}%`, top: `${fy * 100}%` }} />
          )}
        </div>
      )}
      <div className="row">
        <Field
          label={
            <>
              Focus x<span className="sr-only"> of {video.originalName}</span>
            </>
          }
          id={id('focus-x')}
          error={error?.fields['focus.x'] ?? error?.fields.focus}
          hint="0–1 across"
        >
          <input
            id={id('focus-x')}
            type="number"
            inputMode="decimal"
            step="any"
            min={0}
            max={1}
            placeholder="0.5"
            value={x}
            onChange={(e) => setX(e.target.value)}
          />
        </Field>
        <Field
          label={
            <>
              Focus y<span className="sr-only"> of {video.originalName}</span>
            </>
          }
          id={id('focus-y')}
          error={error?.fields['focus.y']}
          hint="0–1 down"
        >
          <input
            id={id('focus-y')}
            type="number"
            inputMode="decimal"
            step="any"
            min={0}
            max={1}
            placeholder="0.5"
            value={y}
            onChange={(e) => setY(e.target.value)}
          />
        </Field>
      </div>
      <ErrorMessage
        message={error && Object.keys(error.fields).length === 0 ? error.message : undefined}
      />
      <div className="actions">
        <button type="submit">
          Save<span className="sr-only"> caption and focus of {video.originalName}</span>
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The clip's thumbnail (fetched through the SDK as a blob, as an object URL); null without one. */
function useThumbnail(projectId: string, videoId: string): string | null {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let url: string | null = null;
    let gone = false;
    api
      .GET('/api/v1/projects/{id}/videos/{videoId}/thumbnail', {
        params: { path: { id: projectId, videoId } },
        parseAs: 'blob',
      })
      .then(({ data }) => {
        if (gone || !(data instanceof Blob)) return;
        url = URL.createObjectURL(data);
        setSrc(url);
      })
      .catch(() => undefined); // no thumbnail (404) or offline: the placeholder stays
    return () => {
      gone = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [projectId, videoId]);
  return src;
}

/** The clip's thumbnail with its duration; the ▶ placeholder when it has none. */
function ClipThumbnail({ video, src }: { video: Video; src: string | null }) {
  return (
    <div className="thumb">
      {src ? (
        <img src={src} alt={video.originalName} data-testid="clip-thumbnail" />
      ) : (
        <span aria-hidden="true">▶</span>
      )}
      <small>{formatDuration(video.duration)}</small>
    </div>
  );
}
