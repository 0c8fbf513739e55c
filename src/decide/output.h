// JSON and text renderings of decisions, classifications and regimes. Internal to the engine.
#pragma once

#include <string>

#include "tierguard/types.h"

#include "src/classify/classifier.h"
#include "src/regime/regime.h"

namespace tg::decide {

void WriteDecisionJson(const Decision& d, std::string& out);
void WriteClassificationJson(const Classification& c, std::string& out);
void WriteErrorJson(std::string_view id, int line, const Status& error, std::string& out);
// A human-readable listing of the regime with every set resolved on `as_of`.
std::string DescribeRegime(const regime::Regime& r, Date as_of,
                           const std::vector<std::string>& eccns);

}  // namespace tg::decide
