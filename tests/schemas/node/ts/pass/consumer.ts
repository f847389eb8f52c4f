// A consumer reads envelopes as schemas/envelope.json describes them: money a string or a number, and the
// unknown fields kept. Every line of this file must compile under --strict.
import type { Deposit, Envelope, EventTypeName, MoneyValue, Payloads, TaggedPayload } from "../../../../../schemas/typescript/events";

const received: Envelope = JSON.parse(
  '{"operator_id":"op-1","brand_id":"brand-7","player_id":"p-1","timestamp":1777852800,' +
    '"event_type":{"Deposit":{"method_id":"visa","currency":"EUR","amount":25.5,"balance_after":null}},' +
    '"campaign_hint":"x"}',
);

export function amountOf(envelope: Envelope): MoneyValue | undefined {
  const deposit: Deposit | undefined = envelope.event_type.Deposit;
  return deposit?.amount;
}

export function variantOf(tagged: TaggedPayload): EventTypeName {
  return Object.keys(tagged)[0] as EventTypeName;
}

export const hint: unknown = received["campaign_hint"];
export const literal: Envelope = {
  operator_id: "op-1",
  brand_id: "brand-7",
  player_id: "p-1",
  timestamp: 1777852800,
  event_type: { Withdrawal: { method_id: "sepa", currency: "EUR", amount: 10, balance_after: "-5.00" } },
  extra_field: [1, 2, 3],
};
export const payloads: Payloads["PlayerLogout"] = { channel_type: "MobileWeb" };
