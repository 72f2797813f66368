// SPDX-License-Identifier: MIT
#include "shutdown.h"

#include "signalwatcher.h"

#include <qradio/server.h>

#include <QCoreApplication>

#include <csignal>
#include <cstdio>

namespace qradio::detail {

static void printError(const QString &line)
{
    std::fputs((line + QLatin1Char('\n')).toLocal8Bit().constData(), stderr);
    std::fflush(stderr);
}

Shutdown::Shutdown(Server &server, SignalWatcher &watcher, QObject *parent)
    : QObject(parent), m_server(server), m_signals(watcher)
{
    connect(&watcher, &SignalWatcher::quitRequested, this, &Shutdown::onSignal);
    connect(&server, &Server::drained, this, [this] {
        if (m_draining && !m_exiting) {
            if (m_announced)
                printError(QStringLiteral("Drained: every accepted call has finished; exiting."));
            exit(0);
        }
    });
}

void Shutdown::onSignal(int signal)
{
    if (m_exiting)
        return;
    if (m_draining) {
        printError(QStringLiteral("Stopping now: calls still running are cancelled."));
        exit(1);
        return;
    }
    if ((signal != SIGTERM && signal != SIGINT) || !m_server.isListening()) {
        exit(0);
        return;
    }
    m_draining = true;
    const int calls = m_server.callsInFlight();
    const double seconds = double(m_server.options().drainTimeout.count()) / 1000.0;
    // Quiet when there is nothing to wait for: a normal run prints only its URLs.
    m_announced = calls > 0;
    if (m_announced)
        printError(QStringLiteral("Draining: %1 %2 in flight; stopping within %3 s (signal again to stop now).")
                       .arg(calls)
                       .arg(calls == 1 ? QStringLiteral("call") : QStringLiteral("calls"))
                       .arg(seconds));
    m_server.drain();
}

void Shutdown::exit(int code)
{
    m_exiting = true;
    m_signals.restoreDefaults();
    QCoreApplication::exit(code);
}

} // namespace qradio::detail
