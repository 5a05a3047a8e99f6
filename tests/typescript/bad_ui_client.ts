// Planted mistakes: tests/test_typescript.py asserts that tsc rejects this file with exactly the
// marked errors (each within four lines of its marker), so the types are known to be exact.
import { parseMessage, isKnownMessage } from "neetbox-protocol";
import type { Gpu, Outgoing, ReceivedMessage } from "neetbox-protocol";

export function handle(text: string): string {
  const msg = parseMessage(text);
  if (!isKnownMessage(msg)) return "";
  switch (msg.eventType) {
    case "log":
      // EXPECT TS2551: a typo in a key
      return msg.paylod.whom;
    case "scalar":
      // EXPECT TS2339: a field the payload does not have
      return String(msg.payload.z);
    // EXPECT TS2678: not an event type
    case "scalars":
      return "";
    default:
      return msg.eventType;
  }
}

// EXPECT TS2561: an envelope key misspelt in a frame the web UI sends
export const bad: Outgoing<"action"> = { eventType: "action", runID: "r", payload: { name: "echo", args: {} } };

// EXPECT TS2741: a GPU field neetbox always sends is missing
export const gpu: Gpu = { id: 0, name: "x", load: 0, memoryUtil: 0, memoryTotal: 1, memoryFree: 1, memoryUsed: 0, temperature: 40 };

export function wrongPayload(msg: ReceivedMessage): number {
  if (msg.eventType !== "hardware") return 0;
  // EXPECT TS2339: the hardware payload has no `whom`
  return msg.payload.whom.length;
}
