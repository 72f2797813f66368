// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/server.h>

//! Registers every tool, resource and prompt the conformance suite (0.1.16) calls by name.
void registerConformanceFixtures(qradio::Server &app);
