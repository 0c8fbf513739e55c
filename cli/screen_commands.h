// The screening commands of the command line: screen, match, lists and hits.
#pragma once

#include <string>
#include <vector>

#include "tierguard/engine.h"

namespace tg::cli {

extern const char* const kMatchHelp;
int Match(const Engine& engine, const std::vector<std::string>& argv);
extern const char* const kScreenHelp;
int Screen(const Engine& engine, const std::vector<std::string>& argv);
extern const char* const kListsHelp;
int Lists(const Session& session, const std::vector<std::string>& argv);
extern const char* const kHitsHelp;
int Hits(const Session& session, const std::vector<std::string>& argv);

}  // namespace tg::cli
