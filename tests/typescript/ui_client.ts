// A client written the way neetbox 0.6.0's web UI is (frontend/src: services/projectWebsocket.ts,
// services/projects.ts, hooks/useProjectData.ts, components/project/*), with no hand-written
// protocol type: every type comes from the npm package. tests/test_typescript.py packs the
// package, installs the tarball into a temporary project and compiles this file with
// `tsc --strict` (lib es2022 + dom). No `!`, `as` or cast touches protocol data.
import {
  API_ROOT, CHANNELS, EVENT_TYPE_NAME_ACTION, EVENT_TYPE_NAME_HANDSHAKE, IdentityType, PROTOCOL_VERSION,
  decodeResponse, isKnownMessage, isLogMessage, parseMessage, stringifyMessage,
} from "neetbox-protocol";
import type {
  ActionPayload, ActionSpec, Cpu, EventType, Gpu, HardwareSample, LogLine, Message, Outgoing, ProgressStep,
  QueryCondition, ReceivedMessage, RunStatus, ScalarPoint, Timestamp, WebOutgoingMessage, Wire,
} from "neetbox-protocol";

export const version: string = PROTOCOL_VERSION;
const WEBSOCKET_URL = (host: string) => `ws://${host}${CHANNELS.project.address}`; // services/api.ts

async function fetchJSON(url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(API_ROOT + url, init);
  return res.json();
}
const cond = (c: QueryCondition) => new URLSearchParams({ condition: JSON.stringify(c) }).toString();

// ------------------------------------------------------------ websocket (services/projectWebsocket.ts)
type Row<T> = T & { id: number | null; timestamp: Timestamp; series: string | null };
export class WsClient {
  ws: WebSocket;
  nextId = ~~(Math.random() * 1e8) * 1000;
  callbacks = new Map<number, (msg: ReceivedMessage) => void>();
  listeners = new Set<(msg: ReceivedMessage) => void>();
  logs: Row<LogLine>[] = [];
  points: { id: number | null; x: ScalarPoint["x"]; y: ScalarPoint["y"] }[] = [];
  hardware: (HardwareSample & { timestamp: Timestamp })[] = [];
  images: { id: number | null; series: string | null }[] = [];
  progress: Row<ProgressStep>[] = [];
  ready = false;

  constructor(readonly projectId: string, host: string) {
    this.ws = new WebSocket(WEBSOCKET_URL(host));
    this.ws.onopen = () =>
      this.send({ eventType: EVENT_TYPE_NAME_HANDSHAKE, identityType: IdentityType.WEB }, (reply) => {
        if (reply.eventType === "handshake" && reply.payload !== null && "result" in reply.payload) this.ready = true;
      });
    this.ws.onmessage = (e: MessageEvent<string>) => this.dispatch(parseMessage(e.data));
  }

  dispatch(msg: Message) {
    if (!isKnownMessage(msg)) return; // an event type this version does not know
    const callback = this.callbacks.get(msg.eventId); // replies are matched by eventId
    if (callback) {
      callback(msg);
      this.callbacks.delete(msg.eventId);
      return;
    }
    switch (msg.eventType) { // useProjectData's transformWS per event type
      case "log": // WsClient.handleLog (with the envelope's series, which 0.6.0 lost) + logs.tsx
        this.logs.push({ id: msg.id, timestamp: msg.timestamp, series: msg.series, ...msg.payload });
        break;
      case "scalar": // scatters.tsx
        this.points.push({ id: msg.id, x: msg.payload.x, y: msg.payload.y });
        break;
      case "hardware": // hardware/index.tsx
        this.hardware.push({ timestamp: msg.timestamp, ...msg.payload });
        break;
      case "image": // images.tsx: the envelope's id is the stored row id
        this.images.push({ id: msg.id, series: msg.series });
        break;
      case "progress": // progress.tsx
        this.progress.push({ id: msg.id, timestamp: msg.timestamp, series: msg.series, ...msg.payload });
        break;
      case "error": // a service rejected a frame we sent: its reason names the field
        console.warn(`rejected: ${msg.payload.reason}`);
        break;
      default: // every other event type, including those a later protocol version adds: nothing to draw
        break;
    }
    this.listeners.forEach((listener) => listener(msg));
  }

  send(msg: WebOutgoingMessage, onReply?: (msg: ReceivedMessage) => void) {
    const eventId = this.nextId++;
    this.ws.send(stringifyMessage({ ...msg, projectId: this.projectId, eventId }));
    if (onReply) this.callbacks.set(eventId, onReply);
  }

  // services/projects.ts sendAction + actions.tsx handleRun
  sendAction(runId: string, name: string, args: Record<string, string>, done: (text: string) => void) {
    const request: Outgoing<"action"> = { eventType: EVENT_TYPE_NAME_ACTION, runId, payload: { name, args } };
    this.send(request, (reply) => {
      if (reply.eventType !== "action") return;
      done(actionResult(reply.payload));
    });
  }
}

function actionResult(payload: ActionPayload): string {
  if ("error" in payload) return `error:\n${payload.error}`;
  if ("result" in payload) return `result:\n${JSON.stringify(payload.result)}`;
  return `pending: ${payload.name}(${Object.keys(payload.args).join(", ")})`;
}

// ------------------------------------------------------------ hardware charts (hardware/*.tsx)
const percent2hue = (t: number) => ((100 - t) * 1.2).toString(10);
export function gpuSeries(samples: (HardwareSample & { timestamp: Timestamp })[]) {
  if (!samples.length || !samples.every((x) => x.gpus.length)) return "No GPU Info";
  const last = samples[samples.length - 1];
  return samples[0].gpus.map((first: Gpu, i) => ({
    title: `GPU${first.id}: ${first.name} (driver ${first.driver})`,
    memMaxGB: first.memoryTotal / 1024,
    load: samples.map((s) => [new Date(s.timestamp), s.gpus[i].load * 100] as const),
    mem: samples.map((s) => [new Date(s.timestamp), s.gpus[i].memoryUsed / 1024] as const),
    tempBg: `hsl(${percent2hue(last.gpus[i].temperature)}, 90%, 50%)`,
    free: last.gpus[i].memoryFree + last.gpus[i].memoryUtil,
  }));
}
export function cpuSeries(samples: HardwareSample[]) {
  const cpus: Cpu[] = samples[0].cpus;
  const [current, , max] = cpus[0].frequency;
  return {
    yMax: 100 * cpus.length,
    freq: `${current.toFixed(0)} / ${max.toFixed(0)} MHz`,
    series: cpus.map((cpu) => samples.map((s) => s.cpus[cpu.id].percentage)),
  };
}
export const ramSeries = (samples: HardwareSample[]) => ({
  max: samples[0].ram.total,
  label: (samples[0].ram.total / 1e3).toFixed(1) + " GB",
  used: samples.map((s) => s.ram.used),
});

// ------------------------------------------------------------ action list (actions.tsx)
export function actionList(status: RunStatus) {
  if (!status.action) return "No actions";
  return Object.entries(status.action).map(([name, spec]: [string, ActionSpec]) => ({
    name, blocking: spec.blocking, description: spec.description ?? "",
    args: Object.fromEntries(Object.entries(spec.args).map(([a, t]) => [a, t == "str" ? '""' : t == "bool" ? "False" : ""])),
  }));
}
export const platformProps = (status: RunStatus) =>
  Object.entries(status.platform ?? {}).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(" ") : v}`);

// ------------------------------------------------------------ logs / progress (logs.tsx, progress.tsx)
export const logLine = (l: Row<LogLine>) => `${l.timestamp} [${l.series ?? "log"}] ${l.whom}: ${l.message}`;
export const mentions = (logs: Row<LogLine>[]) => logs.filter((l) => l.series === "mention" || l.series === "error");
export function progressCard(p: Row<ProgressStep>) {
  const percent = p.total == null ? 100 : Math.round((100 * p.step) / p.total);
  return `${p.name} ${p.rate == -1 ? "N/A" : p.rate.toFixed(5)} iter/s step ${p.step}/${p.total ?? "unknown"} ${percent}%`;
}
export const logMessages = (msgs: Message[]) => msgs.filter(isLogMessage).map((m) => m.payload.message);

// ------------------------------------------------------------ HTTP (hooks/useProject*.ts, overview/*)
export async function loadEverything(projectId: string) {
  const list = decodeResponse("ProjectList", await fetchJSON("/project/list"));
  const rows = list.map((p) => ({
    id: p.projectId, name: p.name ?? p.projectId, online: p.online, runs: p.runids.length,
    time: p.runids.map((r) => r.timestamp).sort().reverse()[0] ?? "-",
    size: typeof p.storage === "number" ? `${(p.storage / 1e6).toFixed(2)} MB` : p.storage,
  }));
  const project = decodeResponse("ProjectStatus", await fetchJSON(`/project/${projectId}`));
  const last = project.runids[project.runids.length - 1];
  if (!last) return { rows };
  const runId = last.runId;
  const run = decodeResponse("RunStatus", await fetchJSON(`/project/${projectId}/run/${runId}`));
  const notes = run.metadata?.notes ?? "";
  const runName = last.metadata.name ?? runId;
  const series = decodeResponse("SeriesList", await fetchJSON(`/project/${projectId}/series/scalar?${new URLSearchParams({ run_id: runId })}`));
  const c = (extra: QueryCondition) => cond({ runId, limit: 1000, order: { id: "DESC" }, ...extra });
  const logs = decodeResponse("LogHistory", await fetchJSON(`/project/${projectId}/log?${c({})}`))
    .map((x) => ({ id: x.id, timestamp: x.timestamp, series: x.series, ...x.metadata })).reverse();
  const scalars = decodeResponse("ScalarHistory", await fetchJSON(`/project/${projectId}/scalar?${cond({ runId, series: series[0] ?? "" })}`))
    .map((x) => ({ id: x.id, x: x.metadata.x, y: x.metadata.y }));
  const hw = decodeResponse("HardwareHistory", await fetchJSON(`/project/${projectId}/hardware?${c({})}`))
    .map((x) => ({ timestamp: x.timestamp, ...x.metadata }));
  const prog = decodeResponse("ProgressHistory", await fetchJSON(`/project/${projectId}/progress?${cond({ runId })}`))
    .map((x) => ({ id: x.id, timestamp: x.timestamp, series: x.series, ...x.metadata }));
  const images = decodeResponse("ImageList", await fetchJSON(`/project/${projectId}/image?${c({ series: "sample" })}`))
    .map((x) => ({ id: x.imageId, metadata: x.metadata }));
  const imgSrc = images.length ? `${API_ROOT}/project/${projectId}/image/${images[0].id}` : null;
  const { version } = decodeResponse("ServerVersion", await fetchJSON("/server/version"));
  return { rows, notes, runName, logs, scalars, gpus: gpuSeries(hw), prog, imgSrc, version, actions: actionList(run), platform: platformProps(run) };
}

// the wire form is there too, for code that handles frames before decoding
export const rawY = (p: Wire.ScalarPoint): string | number | null => p.y;
export const eventTypes: EventType[] = ["scalar", "log"];
