// The cloud provider's tables in the ledger. Their ids are stored in every row: never renumber
// or reuse one (the ledger's are 1 to 16, the API keys' 17).
#pragma once

#include "src/store/store.h"

namespace tg::kyc {

inline constexpr store::Table kCustomers{18};     // customer id → its record (JSON)
inline constexpr store::Table kAccounts{19};      // account → the customer holding it
inline constexpr store::Table kCustomerKeys{20};  // "link key\x1fcustomer" → "" (links.h)
// "stream key\x1fhour" (hours since 1970, ten digits) → an HourCell (usage.h)
inline constexpr store::Table kUsageCells{21};
inline constexpr store::Table kUsageJobs{22};   // stream key → the stream's totals (binary)
inline constexpr store::Table kRuns{23};        // run id → its report (JSON)
inline constexpr store::Table kRunStreams{24};  // stream key → the run it is part of

}  // namespace tg::kyc
