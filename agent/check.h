/* `counterguard-agent check`, `rules` and `policy check`: the policy's commands. */
#pragma once

#include "agent_config.h"

/* config: agent.ini (where the PC stands); policy_path: the global --policy, or NULL (then
 * agent.ini's [agent] policy, or the default). Exit status: 0 nothing at or above --fail-on,
 * 1 something, 2 a usage or configuration error. */
int check_main(int argc, char **argv, const struct agent_config *config, const char *policy_path);
/* `rules [--format table|json] [--lang vi|en]`: the catalogue. */
int rules_main(int argc, char **argv);
/* `policy check FILE`: 0 valid, 1 invalid (file:line: what), 2 usage. */
int policy_main(int argc, char **argv);
