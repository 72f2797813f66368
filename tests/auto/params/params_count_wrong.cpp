// SPDX-License-Identifier: MIT
// Must NOT compile: .params() names 3 parameters of a function that takes 2 (CTest checks the
// compiler says why). PARAMS_DESCRIBED picks the {{name, description}} form.
#include <qradio/server.h>

int main()
{
    qradio::Server app;
#ifdef PARAMS_DESCRIBED
    app.api("add", [](qradio::Context &, int a, int b) { return a + b; })
        .description("Adds.")
        .params({{"a", "First"}, {"b", "Second"}, {"c", "Third"}});
#else
    app.api("add", [](int a, int b) { return a + b; }).params({"a", "b", "c"});
#endif
    return 0;
}
