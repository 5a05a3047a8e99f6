// A small client of the generated declarations: builds one message of every event type and
// narrows each by `eventType`. `tsc --strict --noEmit -p tests/typescript` must accept it
// (tests/test_typescript.py); bad_fixture.ts must be rejected.
import type {
  ActionPayload,
  ActionRegistry,
  ActionRequest,
  EventOf,
  EventType,
  HardwarePayload,
  HardwareSample,
  KnownMessage,
  Message,
  ProgressPayload,
  ProgressStep,
  ProtocolVersion,
  ScalarPayload,
  ScalarPoint,
} from "../../generated/typescript/neetbox-protocol";

declare const version: ProtocolVersion; // the protocol version the declarations were generated for (no literal: a version bump needs no edit here)
const projectId = "013425f7-1058-4061-9b92-68c2ac46ef34";
const runId = "d0ea83f8-8a6c-4d0a-9565-8030bf669144";
const timestamp = "2026-11-24T05:35:55.435103";

// one message of every event type, as the peers send them
const handshake: EventOf<"handshake"> = { eventType: "handshake", identityType: "web", projectId, eventId: 68016494000 };
const handshakeReply: EventOf<"handshake"> = {
  projectId, runId, eventType: "handshake", eventId: 0, identityType: "server", series: null,
  payload: { result: 200, reason: "join success" }, timestamp, historyLen: -1, id: null,
};
const log: EventOf<"log"> = { eventType: "log", projectId, runId, series: "info", payload: { whom: "__main__ > _ > _", message: "hello " } };
const action: EventOf<"action"> = { eventType: "action", runId, projectId, eventId: 7, payload: { name: "echo", args: { text: '"hi"' } } };
const scalar: EventOf<"scalar"> = { eventType: "scalar", series: "loss", payload: { x: 1, y: "NaN" } };
const histogram: EventOf<"histogram"> = { eventType: "histogram", payload: [1, 2, 3] };
const image: EventOf<"image"> = { eventType: "image", series: "sample", payload: null, id: 3 };
const video: EventOf<"video"> = { eventType: "video" };
const hyperparameters: EventOf<"hyperparameters"> = { eventType: "hyperparameters", payload: { lr: 0.1, nested: { warmup: 3 } } };
const registry: ActionRegistry = { echo: { description: null, args: { text: "str" }, blocking: false } };
const status: EventOf<"status"> = { eventType: "status", series: "action", payload: registry };
const sample: HardwareSample = {
  cpus: [{ id: 0, percentage: 28.0, frequency: [2596.14, 0, 0] }],
  cpustat: { ctxSwitches: 1, interrupts: 2, softInterrupts: 3, syscalls: 0 },
  ram: { total: 1024, available: 512, used: 256, free: 256 },
};
const hardware: EventOf<"hardware"> = { eventType: "hardware", historyLen: 1000, payload: sample };
const progress: EventOf<"progress"> = {
  eventType: "progress", series: "train.py-80-__main__epochs", historyLen: 1,
  payload: { name: "epochs", step: 1, current: "int object", total: null, rate: -1.0 },
};
const wavehands: EventOf<"wavehands"> = { eventType: "wavehands", payload: { any: "thing" } };
const error: EventOf<"error"> = {
  eventType: "error", identityType: "server",
  payload: { error: 400, reason: "payload.x: bad", errors: [{ path: "payload.x", message: "bad", type: "x" }] },
};

export const all: KnownMessage[] = [
  handshake, handshakeReply, log, action, scalar, histogram, image, video, hyperparameters, status,
  hardware, progress, wavehands, error,
];

// Payload objects are open (unknown keys are kept), so `"key" in p` does not single out one
// branch of a payload union; a client tells the branches apart with guards like these.
function isScalarPoint(p: ScalarPayload): p is ScalarPoint {
  return "x" in p && "y" in p;
}
function isActionRequest(p: ActionPayload): p is ActionRequest {
  return "args" in p && typeof p.args === "object";
}
function isHardwareSample(p: HardwarePayload): p is HardwareSample {
  return Array.isArray(p.cpus);
}
function isProgressStep(p: ProgressPayload): p is ProgressStep {
  return typeof p.step === "number";
}

function assertNever(x: never): never {
  throw new Error(`unhandled event type: ${JSON.stringify(x)}`);
}

/** Narrow by eventType: in each case the payload has its event type's type. */
export function describe(msg: KnownMessage): string {
  switch (msg.eventType) {
    case "handshake": {
      const p = msg.payload;
      if (p === null || p === undefined) return "handshake request";
      return "result" in p ? `joined: ${p.result}` : `refused: ${p.error}`;
    }
    case "log": {
      const p = msg.payload;
      return "whom" in p ? `${p.whom}: ${p.message}` : "log reply";
    }
    case "action": {
      const p = msg.payload;
      if (isActionRequest(p)) return `call ${p.name}(${Object.keys(p.args).join(", ")})`;
      return "error" in p ? `${p.name} raised ${p.error}` : `${p.name} returned`;
    }
    case "scalar": {
      const p = msg.payload;
      if (!isScalarPoint(p)) return "scalar reply";
      const y: number | null = typeof p.y === "string" ? Number(p.y) : p.y;
      return `${msg.series ?? "?"}: ${String(p.x)} -> ${y}`;
    }
    case "histogram":
    case "video":
    case "wavehands": {
      const p: unknown = msg.payload;
      return `${msg.eventType} (reserved): ${JSON.stringify(p)}`;
    }
    case "image": {
      const p = msg.payload;
      return `image ${msg.series ?? ""} #${msg.id ?? "unsaved"} ${p === null || p === undefined ? "(metadata)" : "(forward)"}`;
    }
    case "hyperparameters":
      return `hparams ${Object.keys(msg.payload).join(",")}`;
    case "status": {
      const p = msg.payload;
      if ("username" in p && typeof p.username === "string") return `platform of ${p.username}`;
      return `status ${msg.series ?? ""}`;
    }
    case "hardware": {
      const p = msg.payload;
      if (!isHardwareSample(p)) return "hardware reply";
      return `${p.cpus.length} cpus, ${(p.gpus ?? []).length} gpus`;
    }
    case "progress": {
      const p = msg.payload;
      if (!isProgressStep(p)) return "progress reply";
      return `${p.name} ${p.step}/${p.total ?? "?"}`;
    }
    case "error":
      return `rejected: ${msg.payload.reason}`;
    default:
      return assertNever(msg);
  }
}

/** A received frame: a Message; known event types narrow, unknown ones keep any payload. */
export function receive(text: string): string {
  const msg = JSON.parse(text) as Message;
  const known: readonly EventType[] = [
    "handshake", "wavehands", "log", "action", "scalar", "histogram", "image", "video",
    "hyperparameters", "status", "hardware", "progress",
  ];
  if ((known as readonly string[]).includes(msg.eventType)) return describe(msg as KnownMessage);
  return `unknown event type ${msg.eventType} (v${version})`;
}

export const descriptions: string[] = all.map(describe);
