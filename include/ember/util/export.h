// Symbol visibility for libember (built with -fvisibility=hidden).
#pragma once
#if defined(_WIN32)
#define EMBER_API
#else
#define EMBER_API __attribute__((visibility("default")))
#endif
