// SPDX-License-Identifier: MIT
#include "imagefilter.h"

#include <qradio/app.h>

int main(int argc, char **argv)
{
    qradio::Server app({.title = QStringLiteral("Image filter")});
    registerImageFilter(app);
    return qradio::launch(app, argc, argv, {.title = QStringLiteral("Image filter"), .mcpServer = true});
}
