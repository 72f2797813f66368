// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/server.h>

//! Registers the calculator's endpoints and routes on `app` (shared by the example's main and
//! the tests that run it in-process).
void registerCalculator(qradio::Server &app);
