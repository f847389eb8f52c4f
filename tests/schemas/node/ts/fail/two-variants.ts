// Must not compile: event_type holds two variants.
import type { ProducerEnvelope } from "../../../../../schemas/typescript/events";

export const event: ProducerEnvelope = {
  operator_id: "op-1",
  brand_id: "brand-7",
  player_id: "p-1",
  timestamp: 1777852800,
  event_type: { // expect-error
    Deposit: { method_id: "visa", currency: "EUR", amount: "25.00" },
    Withdrawal: { method_id: "visa", currency: "EUR", amount: "25.00" },
  },
};
