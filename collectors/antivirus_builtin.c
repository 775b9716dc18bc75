/* The shipped profiles (data/antivirus.ini) built into the agent, for a binary that runs
 * without its installed data: the file itself, byte for byte, then a NUL. */
#include <stddef.h>

#include "antivirus_profile.h"

__asm__(".section .rodata\n"
        ".global av_builtin_profiles\n"
        ".type av_builtin_profiles, @object\n"
        "av_builtin_profiles:\n"
        ".incbin \"data/antivirus.ini\"\n"
        "av_builtin_profiles_end:\n"
        ".byte 0\n"
        ".balign 8\n"
        ".global av_builtin_profiles_size\n"
        ".type av_builtin_profiles_size, @object\n"
        "av_builtin_profiles_size:\n"
        ".quad av_builtin_profiles_end - av_builtin_profiles\n"
        ".previous\n");
