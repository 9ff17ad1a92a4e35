#include "jit/tiers.h"

namespace gene {

struct TierSession {
  std::string tier;
  JitOptions options;
};

void TierSessionDeleter::operator()(TierSession* s) const { delete s; }

const std::vector<std::string>& available_tiers() {
  static const std::vector<std::string> tiers = {"interp"};
  return tiers;
}

bool is_jit_tier(const std::string& tier) { return tier != "interp"; }

TierSessionPtr configure_tier(const std::string& tier, const JitOptions& jit, RunOptions& opts) {
  TierSessionPtr s(new TierSession{tier, jit});
  opts.setup_tier = nullptr;
  opts.tier_ctx = s.get();
  return s;
}

}  // namespace gene
