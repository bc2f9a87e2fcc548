#pragma once
// A minimal leveled logger for the server: one line per event on stderr
// ("2024-01-02T03:04:05.678Z INFO message"), below the configured level
// dropped cheaply.
//
// Thread-safety: all functions may be called from any thread; lines never
// interleave (one write(2) each).

#include <string_view>

#include "server/options.h"

namespace immu::server {

void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
void Log(LogLevel level, std::string_view message);

}  // namespace immu::server
