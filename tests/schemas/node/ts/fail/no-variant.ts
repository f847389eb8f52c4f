// Must not compile: event_type holds no variant.
import type { ProducerEnvelope } from "../../../../../schemas/typescript/events";

export const event: ProducerEnvelope = {
  operator_id: "op-1",
  brand_id: "brand-7",
  player_id: "p-1",
  timestamp: 1777852800,
  event_type: {}, // expect-error
};
