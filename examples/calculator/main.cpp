// SPDX-License-Identifier: MIT
#include "calculator.h"

#include <qradio/app.h>

int main(int argc, char **argv)
{
    qradio::Server app({.title = QStringLiteral("Calculator")});
    registerCalculator(app);
    return qradio::launch(app, argc, argv, {.title = QStringLiteral("Calculator"), .mcpServer = true});
}
