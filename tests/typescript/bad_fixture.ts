// Deliberate type errors: tests/test_typescript.py asserts that tsc rejects this file with
// exactly these errors, so the TypeScript check is known to be able to fail.
import type { EventOf, KnownMessage } from "../../generated/typescript/neetbox-protocol";

// EXPECT TS2322: a progress step must be an integer-typed number, not a string
export const bad: EventOf<"progress"> = {
  eventType: "progress",
  payload: { name: "epochs", step: "1", current: "int object", total: null, rate: 1 },
};

export function kind(msg: KnownMessage): string {
  switch (msg.eventType) {
    // EXPECT TS2678: not an event type
    case "scalars":
      return "scalar";
    default:
      return msg.eventType;
  }
}
