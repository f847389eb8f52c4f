// Must not compile: a producer's payload holds a field the contract does not know (a misspelling).
import type { ProducerDeposit } from "../../../../../schemas/typescript/events";

export const deposit: ProducerDeposit = {
  method_id: "visa",
  currency: "EUR",
  amount: "25.00",
  balance_afer: "100.00", // expect-error
};
