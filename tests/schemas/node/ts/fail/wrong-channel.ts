// Must not compile: a channel outside the four, and a country code that is not assigned.
import type { ProducerPlayerLogin } from "../../../../../schemas/typescript/events";

export const login: ProducerPlayerLogin = {
  channel_type: "Mobile", // expect-error
  currency: "EUR",
  country: "XX", // expect-error
};
