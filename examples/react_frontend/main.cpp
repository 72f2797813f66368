// SPDX-License-Identifier: MIT
// A React + Vite page (web/) in front of two endpoints: a streamed text and a file upload.
// qradio_add_app() (CMakeLists.txt) builds web/ with npm and serves its dist/ at "/"; the title,
// id and icon below the code come from there too.
#include "endpoints.h"

#include <qradio/app.h>

int main(int argc, char **argv)
{
    qradio::Server app({.title = QStringLiteral("React frontend")});
    registerReactFrontendEndpoints(app);
    return qradio::launch(app, argc, argv, {.mcpServer = true});
}
