// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

namespace qradio {
class Server;
}

namespace qradio::detail {

class SignalWatcher;

//! What the launcher does on a signal. SIGTERM and SIGINT (Ctrl+C) drain the server
//! (Server::drain()): accepted calls finish, then the event loop ends with 0. A second one
//! meanwhile ends it at once with 1 (the launcher then stops the server, and open streams get
//! "Server stopped unexpectedly."). SIGHUP, or any signal while no server runs, quits at once
//! with 0. Before the event loop ends the signals get their default actions back, so one more
//! during a stuck stop ends the process.
class Shutdown : public QObject
{
public:
    Shutdown(Server &server, SignalWatcher &watcher, QObject *parent = nullptr);

private:
    void onSignal(int signal);
    void exit(int code);

    Server &m_server;
    SignalWatcher &m_signals;
    bool m_draining = false;
    bool m_announced = false; //!< the drain was announced on stderr: its end is too
    bool m_exiting = false;
};

} // namespace qradio::detail
