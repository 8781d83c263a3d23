// exolab: lab 2
// kernel/monitor/mm_commands.h: the monitor's memory commands (lab 2).
#pragma once

namespace monitor {

// frames: the number of frames of each kind.
void cmd_frames(int argc, char** argv);

// showmappings <first> <last>: each page's mapping and rights in the range.
void cmd_showmappings(int argc, char** argv);

}  // namespace monitor
