// Must not compile: even with unknown fields allowed, a consumer's event_type holds exactly one variant.
import type { TaggedPayload } from "../../../../../schemas/typescript/events";

export const tagged: TaggedPayload = { // expect-error
  PlayerLogout: { channel_type: "MobileWeb" },
  PlayerLogin: { channel_type: "MobileWeb", currency: "EUR" },
};
