// A producer builds events as schemas/producer/envelope.json describes them: money as decimal strings, no
// unknown fields. Every line of this file must compile under --strict.
import type { ProducerEnvelope, ProducerTransaction } from "../../../../../schemas/typescript/events";

const bet: ProducerTransaction = {
  provider_id: "pr-1",
  game_id: "g-1",
  gameround_id: "r-1",
  bet_transaction_id: null,
  currency: "EUR",
  game_bet: "10.00",
  bonus_bet: "0",
  real_bet: "10.00",
  jackpot_bet: "0.10",
  game_win: "0",
  jackpot_win: "0",
  is_free_spin: false,
  round_finished: true,
};

export const events: ProducerEnvelope[] = [
  {
    operator_id: "op-1",
    brand_id: "brand-7",
    player_id: "p-1",
    timestamp: 1777852800,
    event_type: { Deposit: { method_id: "visa", currency: "EUR", amount: "25.00", balance_after: null } },
  },
  {
    operator_id: "op-1",
    brand_id: "brand-7",
    player_id: "p-1",
    timestamp: 1777852800,
    event_type: { PlayerLogin: { channel_type: "DesktopWeb", currency: "mBTC", country: "UK" } },
  },
  { operator_id: "op-1", brand_id: "brand-7", player_id: "p-1", timestamp: 1777852800, event_type: { Transaction: bet } },
];
